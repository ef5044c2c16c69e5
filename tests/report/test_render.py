"""The renderers: a small hand-built Chinese document as DOCX, PDF, HTML and XLSX, read back with the
libraries an office would use (python-docx, pypdf, openpyxl)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from jundeng.errors import JundengError
from jundeng.report.cells import format_cell
from jundeng.report.document import Chart, Column, Document, Map, Paragraph, Section, Series, Table
from jundeng.report.render import render
from jundeng.report.render_xlsx import sheet_name

TITLE = "某某市2025年度绩效评价报告"


def _square(x: float, name: str) -> dict[str, Any]:
    """Return a GeoJSON feature: a unit square at ``x``."""
    ring = [[x, 0.0], [x + 1, 0.0], [x + 1, 1.0], [x, 1.0], [x, 0.0]]
    return {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture(scope="module")
def doc() -> Document:
    """Return a small report with Chinese text, a table with None, a line and a bar chart and a map."""
    table = Table(
        "表1 项目得分",
        (
            Column("name", "项目"),
            Column("n", "数量", "int", "个"),
            Column("score", "得分", "num", "分"),
            Column("rate", "完成率", "pct"),
            Column("change", "变化", "pp"),
        ),
        (
            {"name": "教育", "n": 12345, "score": 85.333, "rate": 0.923, "change": 1.26},
            {"name": "卫生", "n": None, "score": None, "rate": None, "change": None},
        ),
        note="注：合成数据。",
        sheet="项目得分",
    )
    line = Chart("得分趋势", "line", ("2023", "2024", "2025"), (Series("得分", (80.0, None, 85.0)),), unit="分")
    bar = Chart("分区得分", "bar", ("东区", "西区"), (Series("得分", (81.0, 79.0)),), unit="分")
    area = Map("分区地图", (_square(0, "西区"), _square(1, "东区")), {"东区": 81.0, "西区": None}, "分", "图1 分区得分")
    sub = Section("（一）分区情况", (bar, area), level=2)
    first = Section("一、总体情况", (Paragraph("全市共评价项目12个。", (12.0,)), table, line), (sub,))
    return Document(
        TITLE,
        (first, Section("二、问题与建议", (Paragraph("加强预算绩效管理。"),))),
        subtitle="年度报告",
        issuer="某某市财政局",
        date="2026年1月",
        notes=("本报告使用合成数据，仅供演示。",),
    )


@pytest.fixture(scope="module")
def docx_bytes(doc: Document) -> bytes:
    """Return the report as DOCX."""
    return render(doc, "docx")


def test_docx_headings_tables_pictures_and_page_numbers(docx_bytes: bytes) -> None:
    """The DOCX has real headings, a real table, pictures and a PAGE field in the footer."""
    out = docx.Document(io.BytesIO(docx_bytes))
    styled = [(p.style.name if p.style else "", p.text) for p in out.paragraphs]
    assert ("Title", TITLE) in styled
    assert ("Heading 1", "一、总体情况") in styled and ("Heading 1", "二、问题与建议") in styled
    assert ("Heading 2", "（一）分区情况") in styled
    assert ("Caption", "图1 分区得分") in styled and ("Caption", "表1 项目得分") in styled
    assert len(out.tables) == 1
    table = out.tables[0]
    assert table.cell(1, 1).text == "12,345" and table.cell(2, 2).text == "—"
    assert table.cell(0, 1).text == "数量（个）"
    assert table.cell(1, 1).paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    header_props = table.rows[0]._tr.trPr
    assert header_props is not None and header_props.find(qn("w:tblHeader")) is not None
    assert len(out.inline_shapes) == 3
    assert "PAGE" in out.sections[0].footer._element.xml
    east = out.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia"))
    assert east == "宋体"


def _template(tmp_path: Path, *, drop_headings: bool = False) -> Path:
    """Write an office template: 仿宋 body font, a header line, wide margins (and no heading styles)."""
    base = docx.Document()
    base.styles["Normal"].font.name = "FangSong"
    base.styles["Normal"].font.size = Pt(15)
    section = base.sections[0]
    section.header.paragraphs[0].text = "某某市人民政府办公室"
    section.left_margin = section.right_margin = Cm(3.5)
    section.top_margin = Cm(4)
    base.add_paragraph("模板里的示例文字，应被清除。")
    if drop_headings:
        for name in ("Heading 1", "Heading 2", "Heading 3"):
            base.styles.element.remove(base.styles[name].element)
    path = tmp_path / "template.docx"
    base.save(str(path))
    return path


def test_docx_template_keeps_header_margins_and_font(doc: Document, tmp_path: Path) -> None:
    """A template's header, margins and body font survive; its sample text is gone."""
    out = docx.Document(io.BytesIO(render(doc, "docx", template=_template(tmp_path))))
    section = out.sections[0]
    assert section.header.paragraphs[0].text == "某某市人民政府办公室"
    assert section.left_margin is not None and section.top_margin is not None
    assert section.left_margin.cm == pytest.approx(3.5, abs=0.01) and section.top_margin.cm == pytest.approx(
        4, abs=0.01
    )
    assert out.styles["Normal"].font.name == "FangSong" and out.styles["Normal"].font.size == Pt(15)
    texts = [p.text for p in out.paragraphs]
    assert "模板里的示例文字，应被清除。" not in texts and TITLE in texts
    assert "PAGE" in section.footer._element.xml


def test_docx_template_without_heading_styles_still_has_headings(doc: Document, tmp_path: Path) -> None:
    """A template lacking the heading styles gets them added, with outline levels for the navigation pane."""
    out = docx.Document(io.BytesIO(render(doc, "docx", template=_template(tmp_path, drop_headings=True))))
    heading = next(p for p in out.paragraphs if p.text == "一、总体情况")
    assert heading.style is not None and heading.style.name == "Heading 1"
    assert heading.style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"


def test_pdf_text_fonts_and_pages(doc: Document) -> None:
    """The PDF has a Chinese text layer, embedded Noto CJK fonts and pages."""
    reader = pypdf.PdfReader(io.BytesIO(render(doc, "pdf")))
    assert len(reader.pages) >= 1
    text = "".join(page.extract_text() for page in reader.pages)
    assert TITLE in text and "12,345" in text and "92.3 %" in text
    embedded: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            if "/FontFile2" in descriptor or "/FontFile3" in descriptor:
                embedded.add(str(font["/BaseFont"]))
    assert any("CJK" in name or "Noto" in name for name in embedded), embedded


def test_html_is_self_contained(doc: Document) -> None:
    """The HTML has headings, a captioned table, inline SVG and no reference to anything outside."""
    page = render(doc, "html").decode("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "<script" not in page
    assert '<html lang="zh-CN">' in page
    assert "<h1" in page and "<h2" in page and "<svg" in page
    assert "<table><caption>表1 项目得分</caption>" in page
    assert "<td class=num>12,345</td>" in page and "<td class=num>—</td>" in page
    assert "1.3 个百分点" in page
    assert "本报告使用合成数据" in page and "counter(page)" in page
    assert "<figcaption>图1 分区得分</figcaption>" in page


def test_english_report_speaks_english(doc: Document) -> None:
    """An English report has lang="en", "pp" for percentage points and an "About" sheet."""
    english = replace(doc, lang="en")
    page = render(english, "html").decode("utf-8")
    assert '<html lang="en">' in page and "1.3 pp" in page and "Contents" in page
    assert openpyxl.load_workbook(io.BytesIO(render(english, "xlsx"))).sheetnames[0] == "About"


def test_xlsx_sheets_numbers_units_and_formats(doc: Document) -> None:
    """The workbook has an about sheet, a Chinese table sheet, numeric cells, units and a percent format."""
    wb = openpyxl.load_workbook(io.BytesIO(render(doc, "xlsx")))
    assert wb.sheetnames == ["说明", "项目得分"]
    assert wb["说明"]["B1"].value == TITLE
    ws = wb["项目得分"]
    assert ws["B1"].value == "数量（个）" and ws["B1"].font.bold and ws.freeze_panes == "A2"
    assert ws["B2"].value == 12345 and ws["B2"].data_type == "n"
    assert isinstance(ws["C2"].value, float) and ws["C2"].data_type == "n"
    assert ws["D2"].value == pytest.approx(0.923) and ws["D2"].number_format == "0.0%"
    assert ws["B3"].value is None


def test_sheet_names_are_valid_and_unique() -> None:
    """Sheet names lose forbidden characters, are cut to 31 characters and never repeat."""
    taken: set[str] = set()
    assert sheet_name("收入/支出[2025]:*?", taken) == "收入支出2025"
    long = sheet_name("很" * 40, taken)
    assert len(long) == 31
    again = sheet_name("很" * 40, taken)
    assert len(again) <= 31 and again != long


def test_cells_by_kind_and_language() -> None:
    """Cells are written by kind: thousands, two decimals, percent, percentage points in either language."""
    assert format_cell(1234567, Column("a", "A", "int")) == "1,234,567"
    assert format_cell(3.14159, Column("a", "A", "num")) == "3.14"
    assert format_cell(0.5, Column("a", "A", "pct")) == "50.0 %"
    assert format_cell(1.2, Column("a", "A", "pp"), "zh") == "1.2 个百分点"
    assert format_cell(1.2, Column("a", "A", "pp"), "en") == "1.2 pp"
    assert format_cell(None, Column("a", "A", "num")) == "—"


def test_unknown_format_and_misplaced_template_are_refused(doc: Document, tmp_path: Path) -> None:
    """An unknown format, or a template for a format other than DOCX, is a bilingual refusal."""
    with pytest.raises(JundengError) as caught:
        render(doc, "odt")
    assert caught.value.zh and caught.value.en and "odt" in caught.value.en
    with pytest.raises(JundengError):
        render(doc, "pdf", template=tmp_path / "t.docx")
