"""A report as a Word document (DOCX), written with python-docx.

python-docx was chosen because offices edit and re-issue reports in Word or WPS: it writes native DOCX (real
"Heading 1/2" styles for the navigation pane, real tables, pictures, fields) in pure Python, and it can open
the office's own template so its styles, fonts, headers and page setup are honoured. Charts and maps are PNG
pictures drawn by ``charts``; East Asian fonts are set with ``w:eastAsia`` so Word and LibreOffice show
Chinese in 宋体/黑体 (or the template's own fonts)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from jundeng.errors import JundengError
from jundeng.report import charts
from jundeng.report.cells import format_cell, header, numeric
from jundeng.report.document import Block, Chart, Document, Map, Paragraph, Section, Table

BODY_FONT, HEADING_FONT = "宋体", "黑体"
HEADING_SIZES = {1: 16, 2: 14, 3: 12}


def _style(doc: Any, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> Any | None:
    """Return a style of the document by name, or None when the template lacks it."""
    try:
        style = doc.styles[name]
    except KeyError:
        return None
    return style if style.type == kind else None


def _east_asian(style_or_run: Any, font: str, *, force: bool) -> None:
    """Set the East Asian font of a style or run (``w:eastAsia``); unless forced, keep one already set."""
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    if not force and (fonts.get(qn("w:eastAsia")) or fonts.get(qn("w:eastAsiaTheme"))):
        return
    if fonts.get(qn("w:eastAsiaTheme")) is not None:
        del fonts.attrib[qn("w:eastAsiaTheme")]
    fonts.set(qn("w:eastAsia"), font)


def _heading_style(doc: Any, level: int, *, own: bool) -> Any:
    """Return the built-in heading style of a level, adding it (with its outline level) when missing."""
    name = f"Heading {level}"
    style = _style(doc, name)
    if style is None:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = _style(doc, "Normal")
        style.next_paragraph_style = _style(doc, "Normal")
        style.quick_style = True
        style.font.bold = True
        style.font.size = Pt(HEADING_SIZES.get(level, 12))
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(6)
        ppr = style.element.get_or_add_pPr()
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level - 1))
        ppr.append(outline)
        own = True
    if own:
        _own_fonts(style)
    return style


def _own_fonts(style: Any) -> None:
    """Give a style of our own plain document black 黑体/Arial text instead of the theme's fonts and colour."""
    fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    style.font.name = "Arial"
    style.font.color.rgb = RGBColor(0, 0, 0)
    _east_asian(style, HEADING_FONT, force=True)


def _setup(template: Path | None) -> Any:
    """Return a new document: the template with its body cleared (section properties kept), or a plain A4."""
    if template is None:
        doc = docx.Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(2.8)
        normal = doc.styles["Normal"]
        normal.font.name = "Times New Roman"
        normal.font.size = Pt(12)
        _east_asian(normal, BODY_FONT, force=True)
        for level in HEADING_SIZES:
            _heading_style(doc, level, own=True)
        for name in ("Title", "Subtitle", "Caption"):
            if (style := _style(doc, name)) is not None:
                _own_fonts(style)
        return doc
    try:
        doc = docx.Document(str(template))
    except Exception as exc:  # python-docx raises several types for a file that is not a DOCX
        raise JundengError(
            f"模板不是有效的 Word 文档：{template.name}", f"the template is not a valid DOCX file: {template.name}"
        ) from exc
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _east_asian(doc.styles["Normal"], BODY_FONT, force=False)
    return doc


def _paragraph(doc: Any, text: str, style: str | None = None, *, align: Any = None, bold: bool = False) -> Any:
    """Add a paragraph with a style when the document has it (plain otherwise) and return it."""
    found = _style(doc, style) if style else None
    para = doc.add_paragraph(style=found)
    run = para.add_run(text)
    if bold or (style and found is None):
        run.bold = True
    if align is not None:
        para.alignment = align
    return para


def _title_page(doc: Any, report: Document) -> None:
    """Write the title page (Title style, subtitle, issuer, date, notes) and a page break; a compact report's
    title heads its first page instead."""
    for _ in range(0 if report.compact else 6):
        doc.add_paragraph()
    title = _paragraph(doc, report.title, "Title", align=WD_ALIGN_PARAGRAPH.CENTER)
    if _style(doc, "Title") is None:
        title.runs[0].font.size = Pt(22)
    if report.subtitle:
        _paragraph(doc, report.subtitle, "Subtitle", align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(0 if report.compact else 4):
        doc.add_paragraph()
    for line in (report.issuer, report.date):
        if line:
            _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.CENTER).runs[0].font.size = Pt(14)
    if report.notes:
        doc.add_paragraph()
    for note in report.notes:
        run = _paragraph(doc, note, align=WD_ALIGN_PARAGRAPH.CENTER).runs[0]
        run.font.color.rgb = RGBColor(0xB2, 0x3B, 0x3B)
        run.bold = True
    if not report.compact:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _caption(doc: Any, text: str) -> None:
    """Add a table or figure caption (Caption style when present, bold centred otherwise)."""
    para = _paragraph(doc, text, "Caption", align=WD_ALIGN_PARAGRAPH.CENTER)
    para.paragraph_format.keep_with_next = True


def _repeat_header(row: Any) -> None:
    """Mark a table row as the header row repeated on every page."""
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _table(doc: Any, table: Table, lang: str) -> None:
    """Add a real table: caption above, bold repeated header row, numbers right-aligned, note below."""
    _caption(doc, table.title)
    grid = doc.add_table(rows=1, cols=len(table.columns))
    style = _style(doc, "Table Grid", WD_STYLE_TYPE.TABLE)
    if style is not None:
        grid.style = style
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = grid.rows[0]
    _repeat_header(head)
    for cell, column in zip(head.cells, table.columns, strict=True):
        para = cell.paragraphs[0]
        para.add_run(header(column, lang)).bold = True
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, column in zip(cells, table.columns, strict=True):
            para = cell.paragraphs[0]
            para.add_run(format_cell(row.get(column.key), column, lang))
            if numeric(column):
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if table.note:
        note = _paragraph(doc, table.note)
        note.runs[0].font.size = Pt(9)


def _figure(doc: Any, item: Chart | Map) -> None:
    """Add a chart or map as a 15 cm PNG picture, with its caption below when it has one."""
    doc.add_picture(io.BytesIO(charts.to_png(item)), width=Cm(15))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if item.caption:  # the title is drawn in the picture
        picture.paragraph_format.keep_with_next = True
        _caption(doc, item.caption)


def _block(doc: Any, block: Block, lang: str) -> None:
    """Add one block of a section."""
    if isinstance(block, Paragraph):
        para = _paragraph(doc, block.text, bold=block.style == "lead")
        if block.style == "note":
            para.runs[0].font.size = Pt(9)
        elif lang == "zh":
            para.paragraph_format.first_line_indent = Pt(24)
    elif isinstance(block, Table):
        _table(doc, block, lang)
    else:
        _figure(doc, block)


def _section(doc: Any, section: Section, lang: str, depth: int, own: bool) -> None:
    """Add a section: a real heading (Heading 1/2/3), its blocks, then its sub-sections."""
    level = min(max(section.level, depth), 3)
    doc.add_paragraph(section.title, style=_heading_style(doc, level, own=own))
    for block in section.blocks:
        _block(doc, block, lang)
    for sub in section.subsections:
        _section(doc, sub, lang, depth + 1, own)


def _page_numbers(doc: Any) -> None:
    """Put a centred PAGE field in every section's footer, unless the template's footer already has one."""
    for section in doc.sections:
        footer = section.footer
        if "PAGE" in footer._element.xml:
            continue
        para = footer.add_paragraph() if footer.paragraphs[0].text else footer.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), " PAGE ")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        para._p.append(field)


def render_docx(report: Document, template: Path | None = None) -> bytes:
    """Return a document as DOCX bytes, on a template's styles and page setup when one is given."""
    doc = _setup(template)
    own = template is None
    doc.core_properties.title = report.title
    doc.core_properties.language = "zh-CN" if report.lang == "zh" else report.lang
    _title_page(doc, report)
    for section in report.sections:
        _section(doc, section, report.lang, 1, own)
    _page_numbers(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
