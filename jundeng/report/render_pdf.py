"""A report as PDF, typeset by WeasyPrint from the same self-contained HTML page (``render_html``).

WeasyPrint was chosen because it is a pure-Python CSS paged-media engine (on Pango): it honours ``@page`` (A4,
margins, page numbers), draws inline SVG charts, embeds the subset of the Noto CJK fonts it uses (so the PDF
shows Chinese on any machine and has a searchable text layer) and makes bookmarks from the headings, without a
browser, LibreOffice or a network. Every URL fetch is refused: the page needs none."""

from __future__ import annotations

from typing import Any, NoReturn

from jundeng.report.document import Document
from jundeng.report.render_html import render_html


def _refuse(url: str, *_args: Any, **_kwargs: Any) -> NoReturn:
    """Refuse every resource fetch: a report never loads anything from outside."""
    raise ValueError(f"外部资源已禁用 / external resources are disabled: {url[:80]}")


def render_pdf(doc: Document) -> bytes:
    """Return a document as PDF bytes (A4, embedded CJK fonts, page numbers, heading bookmarks)."""
    import weasyprint  # imported here: loading Pango costs time the other formats do not need

    html = weasyprint.HTML(string=render_html(doc), url_fetcher=_refuse, base_url=None)
    pdf: bytes = html.write_pdf()
    return pdf
