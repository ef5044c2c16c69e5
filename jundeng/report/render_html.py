"""A report as one self-contained HTML page: inline CSS, charts and maps as inline SVG, no script and no
external URL, so it opens offline on an intranet and can be mailed as a single file. Written with the standard
library (``html.escape``) rather than a template engine: the document model is small and fixed, and building
the markup in code keeps escaping in one place. The same page, with its print CSS (A4, margins, page numbers
for WeasyPrint), is what ``render_pdf`` turns into a PDF."""

from __future__ import annotations

import re
from html import escape

from jundeng.report import charts
from jundeng.report.cells import format_cell, header, numeric
from jundeng.report.document import Block, Chart, Document, Map, Paragraph, Section, Table

CSS = """
@page { size: A4; margin: 25mm 20mm 22mm 20mm;
  @bottom-center { content: counter(page); font-size: 9pt; color: #555; } }
@page :first { @bottom-center { content: none; } }
html { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "SimSun", serif;
  font-size: 11pt; line-height: 1.6; color: #1a1a1a; }
body { max-width: 170mm; margin: 0 auto; padding: 1em; }
h1, h2, h3, .doc-title, caption, figcaption, th {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", sans-serif; }
.title-page { text-align: center; padding-top: 18vh; break-after: page; page-break-after: always; }
.title-page.compact { padding-top: 0; break-after: auto; page-break-after: auto; margin-bottom: 1em; }
.doc-title { font-size: 24pt; font-weight: bold; margin: 0 0 .5em; bookmark-level: none; }
.title-page p { text-indent: 0; text-align: center; }
.subtitle { font-size: 15pt; margin: 0 0 2em; }
.issuer, .date { font-size: 13pt; margin: .3em 0; }
.notes { margin: 3em auto 0; max-width: 130mm; text-align: left; border: 1px solid #b23b3b;
  padding: .6em 1em; color: #7a1f1f; background: #fbf1f1; list-style: none; }
.toc { break-after: page; page-break-after: always; }
.toc-title { font-size: 16pt; font-weight: bold; text-align: center; }
.toc ol { list-style: none; padding-left: 0; }
.toc ol ol { padding-left: 2em; }
.toc a { color: inherit; text-decoration: none; }
.toc a::after { content: leader(".") target-counter(attr(href), page); }
h1 { font-size: 16pt; margin: 1.4em 0 .6em; }
h2 { font-size: 13pt; margin: 1.2em 0 .5em; }
h3 { font-size: 11.5pt; margin: 1em 0 .4em; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p { margin: .5em 0; text-indent: 2em; text-align: justify; }
p.lead { font-weight: bold; }
p.note { font-size: 9.5pt; color: #555; text-indent: 0; }
table { border-collapse: collapse; width: 100%; margin: 1em 0 .3em; font-size: 9.5pt; table-layout: fixed; }
caption { font-weight: bold; padding: .3em; caption-side: top; }
thead { display: table-header-group; }
th, td { border: 1px solid #999; padding: .25em .5em; }
table.wide { font-size: 7.5pt; table-layout: fixed; }
table.wide td, table.wide th { overflow-wrap: anywhere; padding: .15em .25em; min-width: 0; white-space: normal; }
th { background: #eef1f5; text-align: center; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td { overflow-wrap: anywhere; }
tr { break-inside: avoid; page-break-inside: avoid; }
.table-note { font-size: 9pt; color: #555; text-indent: 0; }
figure { margin: 1em 0; text-align: center; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 9.5pt; margin-top: .3em; }
"""

_IDS = re.compile(r'(id="|url\(#|href="#)')


def _scoped_svg(item: Chart | Map, prefix: str) -> str:
    """Return the SVG of a chart or map with its element ids prefixed (several figures share one page)."""
    svg = charts.to_svg(item)
    return _IDS.sub(lambda m: f"{m.group(1)}{prefix}-", svg)


WIDE = 9  # a table of more columns is set smaller with fixed column widths, so that it fits the page
LONG_TEXT = 40  # the most room a column asks for, in Latin characters (a task's content, a reason)


def _width(text: str) -> int:
    """Return the width of a text in Latin characters (a Chinese character takes two)."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _widths(table: Table, lang: str) -> list[float]:
    """Return each column's share of the page width (%): long texts (a task's content, a reason) get room,
    numbers what their longest cell needs, headers part of their length (they wrap)."""
    weights = []
    for column in table.columns:
        cells = [_width(format_cell(r.get(column.key), column, lang)) for r in table.rows] or [0]
        need = max(cells) + 4 if numeric(column) else sum(cells) / len(cells) + 1  # + the padding
        weights.append(max(min(need, LONG_TEXT), _width(header(column, lang)) / 2.5, 5.0))
    total = sum(weights)
    return [100 * w / total for w in weights]


def _table(table: Table, lang: str) -> str:
    """Return a table as ``<table>`` with a caption, a header row and right-aligned numbers."""
    widths = _widths(table, lang)
    heads = "".join(
        f'<th scope="col"{" class=num" if numeric(c) else ""}>{escape(header(c, lang))}</th>' for c in table.columns
    )
    columns = "".join(f'<col style="width:{w:.1f}%">' for w in widths)
    rows = []
    for row in table.rows:
        cells = "".join(
            f"<td{' class=num' if numeric(c) else ''}>{escape(format_cell(row.get(c.key), c, lang))}</td>"
            for c in table.columns
        )
        rows.append(f"<tr>{cells}</tr>")
    note = f'<p class="table-note">{escape(table.note)}</p>' if table.note else ""
    return (
        f"<table{' class=wide' if len(table.columns) > WIDE else ''}><caption>{escape(table.title)}</caption>"
        f"<colgroup>{columns}</colgroup><thead><tr>{heads}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{note}"
    )


def _block(block: Block, lang: str, prefix: str) -> str:
    """Return one block as HTML."""
    if isinstance(block, Paragraph):
        cls = f' class="{block.style}"' if block.style != "body" else ""
        return f"<p{cls}>{escape(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block, lang)
    caption = f"<figcaption>{escape(block.caption)}</figcaption>" if block.caption else ""
    return f'<figure role="img" aria-label="{escape(block.title)}">{_scoped_svg(block, prefix)}{caption}</figure>'


def _numbered(sections: tuple[Section, ...], prefix: str = "s") -> list[tuple[str, Section]]:
    """Return each section with its anchor id (``s1``, ``s1-2``), top-level ones only."""
    return [(f"{prefix}{i}", s) for i, s in enumerate(sections, start=1)]


def _section(anchor: str, section: Section, lang: str, depth: int) -> str:
    """Return a section: its heading (h1 for level 1, h2 for level 2), blocks and sub-sections."""
    level = min(max(section.level, depth), 3)
    parts = [f'<section><h{level} id="{anchor}">{escape(section.title)}</h{level}>']
    parts += [_block(b, lang, f"{anchor}-f{i}") for i, b in enumerate(section.blocks, start=1)]
    parts += [_section(a, s, lang, depth + 1) for a, s in _numbered(section.subsections, f"{anchor}-")]
    parts.append("</section>")
    return "".join(parts)


def _toc(sections: tuple[Section, ...], prefix: str = "s") -> str:
    """Return the table of contents entries as nested ordered lists of links."""
    items = []
    for anchor, section in _numbered(sections, prefix):
        sub = _toc(section.subsections, f"{anchor}-") if section.subsections else ""
        items.append(f'<li><a href="#{anchor}">{escape(section.title)}</a>{sub}</li>')
    return f"<ol>{''.join(items)}</ol>"


def _title_page(doc: Document) -> str:
    """Return the title page block: title, subtitle, issuer, date and the notes, visibly."""
    parts = [
        f'<header class="title-page{" compact" if doc.compact else ""}">',
        f'<p class="doc-title" role="heading" aria-level="1">{escape(doc.title)}</p>',
    ]
    if doc.subtitle:
        parts.append(f'<p class="subtitle">{escape(doc.subtitle)}</p>')
    if doc.issuer:
        parts.append(f'<p class="issuer">{escape(doc.issuer)}</p>')
    if doc.date:
        parts.append(f'<p class="date">{escape(doc.date)}</p>')
    if doc.notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in doc.notes) + "</ul>")
    parts.append("</header>")
    return "".join(parts)


def render_html(doc: Document) -> str:
    """Return a document as a self-contained HTML page (inline CSS and SVG, no external URL)."""
    zh = doc.lang == "zh"
    toc_title = "目录" if zh else "Contents"
    body = "".join(_section(a, s, doc.lang, 1) for a, s in _numbered(doc.sections))
    toc = (
        ""
        if doc.compact
        else (
            f'<nav class="toc" aria-label="{toc_title}"><p class="toc-title">{toc_title}</p>{_toc(doc.sections)}</nav>'
        )
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if zh else escape(doc.lang or "en")}">'
        f'<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(doc.title)}</title><style>{CSS}</style></head><body>"
        f"{_title_page(doc)}{toc}"
        f"<main>{body}</main></body></html>\n"
    )


def render_html_bytes(doc: Document) -> bytes:
    """Return the HTML page as UTF-8 bytes."""
    return render_html(doc).encode("utf-8")
