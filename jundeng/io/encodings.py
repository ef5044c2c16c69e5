"""Text of user files: CSV bytes in UTF-8, GBK/GB18030 or Big5, and header cells in either script.

A file that is not UTF-8 is read as GBK unless that reading is full of what Chinese text never holds (kana,
Greek, Cyrillic, box drawing: Big5 bytes read as GBK) and Big5 reads cleanly; when neither reading is clean
the file is refused with a clear message rather than stored as mojibake.
"""

from __future__ import annotations

import re

from jundeng.errors import Problem

__all__ = ["decode_bytes", "header_text"]

_UTF8_WIDE = re.compile(rb"[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def header_text(raw: str) -> str:
    """Return a header cell as the readers match it: trimmed, without a BOM, in simplified script (a sheet
    written in traditional script, 指標代碼 or 區劃代碼, reads like its simplified twin)."""
    text = raw.strip().lstrip("\ufeff").strip()
    if text.isascii():
        return text
    from jundeng.extract.normalize import to_simplified

    return to_simplified(text)


# Characters a GBK reading of a Big5 file is full of (kana, Greek, Cyrillic, box drawing), and Chinese text is not
_BIG5_AS_GBK = re.compile("[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff]")


def _decode_legacy(data: bytes) -> tuple[str | None, str]:
    """Return (text, encoding) of a file that is not UTF-8: GBK/GB18030 or Big5, or (None, "") when unsure."""
    try:
        gbk: str | None = data.decode("gb18030")
    except UnicodeDecodeError:
        gbk = None
    try:
        big5: str | None = data.decode("big5")
    except UnicodeDecodeError:
        big5 = None
    if gbk is not None and (big5 is None or not _BIG5_AS_GBK.search(gbk)):
        return gbk, "gb18030"
    if big5 is not None and not _BIG5_AS_GBK.search(big5):
        return big5, "big5"
    return None, ""


def decode_bytes(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """Return the text of a CSV file in UTF-8 (with or without BOM), GBK/GB18030 or Big5, or a located problem.

    A file that is not UTF-8 but holds lines that are (Chinese written in UTF-8 next to GBK, as when two
    files are pasted together) is refused at its first byte that is not UTF-8, not read as GBK mojibake.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as utf8_error:
        offset = utf8_error.start
        row = data.count(b"\n", 0, offset) + 1
        col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        utf8_line = _utf8_line(data)
        if utf8_line:
            return "", [
                Problem(
                    name,
                    row,
                    col,
                    f"文件混用了两种编码：第 {utf8_line} 行是 UTF-8，此处却不是（GBK？）：请整体另存为 UTF-8",
                    f"the file mixes encodings: line {utf8_line} is UTF-8 but this byte is not (GBK?): "
                    "save the whole file as UTF-8",
                )
            ]
        text, _encoding = _decode_legacy(data)
        if text is not None:
            return text, []
        return "", [
            Problem(
                name,
                row,
                col,
                "文件编码无法识别：须为 UTF-8、GBK 或 Big5，请另存为 UTF-8",
                "unreadable encoding: the file must be UTF-8, GBK or Big5; save it as UTF-8",
            )
        ]


def _utf8_line(data: bytes) -> int:
    """Return the first line that is valid UTF-8 with a character from U+0800 up (Chinese), else 0.

    GBK text rarely forms such a line by chance: its two-byte characters would have to chain into
    three-byte UTF-8 sequences across a whole line.
    """
    if not _UTF8_WIDE.search(data):
        return 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii() or not _UTF8_WIDE.search(line):
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return number
    return 0
