"""One door to every report format: ``render(doc, fmt)`` returns the bytes of a DOCX, PDF, HTML or XLSX file.

Each format has its own module and library (python-docx, WeasyPrint, the standard library, openpyxl), imported
only when that format is asked for, so producing a workbook never loads Pango and a PDF never loads
python-docx. Renderers are pure functions of the document: no database, no network, no clock."""

from __future__ import annotations

from pathlib import Path

from jundeng.errors import JundengError
from jundeng.report.document import FORMATS, Document

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(doc: Document, fmt: str, *, template: Path | None = None) -> bytes:
    """Return a document rendered in a format (docx, pdf, html, xlsx); a template applies to DOCX only."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        known = "、".join(FORMATS)
        raise JundengError(
            f"不支持的报告格式：{fmt}（可用：{known}）", f"unknown report format: {fmt} (known: {', '.join(FORMATS)})"
        )
    if template is not None and fmt != "docx":
        raise JundengError(
            f"只有 Word（docx）格式可以使用模板，{fmt} 不行", f"a template applies to docx only, not to {fmt}"
        )
    if fmt == "docx":
        from jundeng.report.render_docx import render_docx

        return render_docx(doc, template)
    if fmt == "pdf":
        from jundeng.report.render_pdf import render_pdf

        return render_pdf(doc)
    if fmt == "html":
        from jundeng.report.render_html import render_html_bytes

        return render_html_bytes(doc)
    from jundeng.report.render_xlsx import render_xlsx

    return render_xlsx(doc)
