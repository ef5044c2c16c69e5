"""The text of a policy document: .txt (UTF-8, GB18030, Big5), .html, .docx and text-layer .pdf.

python-docx reads Word files and pypdf the text layer of PDFs. The HTML reader is hand-written on the standard
library's parser because extraction needs the layout that generic HTML-to-text tools drop: one line per block
(p, div, li, h1-h6, br), table rows as lines with tab-separated cells (the indicator and task tables), and no
script, style or head. Encodings are tried in the order Chinese government sites use them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from jundeng.errors import InputError, Problem

SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".docx", ".pdf")
BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer",
    "blockquote", "pre", "table", "dl", "dt", "dd", "form", "nav", "aside", "main", "center", "hr", "title",
}  # fmt: skip
SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "object", "select", "button"}
CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


def _problem(path: Path, zh: str, en: str) -> InputError:
    return InputError([Problem(str(path), 0, 0, zh, en)])


def decode(data: bytes, declared: str | None = None) -> str:
    """Return bytes as text: BOM, the declared charset, UTF-8, GB18030, Big5, in that order."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    encodings = [declared] if declared else []
    encodings += ["utf-8", "gb18030", "big5"]
    for encoding in encodings:
        try:
            return data.decode(str(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


class _HtmlText(HTMLParser):
    """Collects visible text with block and table structure."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.cells_in_row = 0
        self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        del attrs
        if tag in SKIP_TAGS:
            self.skip += 1
        elif tag == "tr":
            self.parts.append("\n")
            self.cells_in_row, self.in_cell = 0, False
        elif tag in ("td", "th"):
            if self.cells_in_row:
                self.parts.append("\t")
            self.cells_in_row += 1
            self.in_cell = True
        elif tag == "br" or tag in BLOCK_TAGS:
            self.parts.append(" " if self.in_cell else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th"):
            self.in_cell = False
        elif tag in ("tr", "table"):
            self.parts.append("\n")
            self.in_cell = False
        elif tag in BLOCK_TAGS:
            self.parts.append(" " if self.in_cell else "\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))

    def text(self) -> str:
        lines = [line.strip(" ") for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def html_to_text(html: str) -> str:
    """Return the visible text of an HTML page: one line per block, table cells separated by tabs."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _docx_text(path: Path) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            for row in Table(element, document).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(re.sub(r"\s+", " ", cell.text).strip())
                lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise _problem(path, f"无法读取 PDF：{exc}", f"cannot read the PDF: {exc}") from exc
    text = "\n".join(pages)
    if not re.search(r"[\u4e00-\u9fff\w]", text):
        raise _problem(path, "PDF 没有文字层（扫描件需先 OCR）", "the PDF has no text layer (OCR a scan first)")
    return text


def read_document(path: str | Path) -> str:
    """Return the text of a .txt, .html, .docx or text-layer .pdf file; offsets of candidates refer to it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _problem(
            path, f"不支持的文件类型 {suffix or '（无后缀）'}", f"unsupported file type {suffix or '(none)'}"
        )
    try:
        if suffix == ".docx":
            try:
                return _docx_text(path)
            except FileNotFoundError:
                raise
            except Exception as exc:  # python-docx raises zip, XML and package errors of many kinds
                raise _problem(path, f"无法读取 Word 文件：{exc}", f"cannot read the Word file: {exc}") from exc
        if suffix == ".pdf":
            return _pdf_text(path)
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise _problem(path, "文件不存在", "no such file") from exc
    except OSError as exc:
        raise _problem(path, f"无法读取文件：{exc}", f"cannot read the file: {exc}") from exc
    if suffix in (".html", ".htm", ".xhtml"):
        declared = CHARSET_RE.search(data[:4096])
        return html_to_text(decode(data, declared.group(1).decode("ascii", "replace") if declared else None))
    return decode(data)
