"""The layout of a policy document: body versus web junk, headings, sections, sentences with offsets.

Hand-written because Chinese government documents have a layout of their own that sentence splitters do not
know: numbered headings on three levels (一、 / （一） / 1.) that carry the domain (公共教育), the year (二、2017年
工作任务) and whether a section reports (发展基础, 工作总结) or plans (主要目标, 工作计划); lines broken in the middle
of a sentence by web copies and PDF text layers; tab-separated table rows; and the web page around the document
(navigation, "本文章内容来源于网络", lists of other news) that must not yield candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jundeng.extract.headings import (
    QUOTED_TITLE_RE,
    TITLE_END_RE,
    document_context,
    domain_of,
    heading_level,
    heading_title,
    loose_heading,
    mode_of,
    year_of,
)
from jundeng.extract.patterns import SENTENCE_END

ITEM_START_RE = re.compile(
    r"^\s*(?:——|—|-|•|·|[一二三四五六七八九十]+是|[(]?\d{1,2}[)、.]|第[一二三四五六七八九十]+[,，、])"
)
FOOTER_RE = re.compile(
    r"本文章内容来源于|版权所有|Copyright|©|网站地图|关于我们|联系我们|ICP备|主办单位[:：]|承办单位[:：]|技术支持[:：]"
    r"|打印本页|关闭窗口|【打印】|【关闭】|上一篇|下一篇|相关文章|相关新闻|相关链接|扫一扫|分享到|责任编辑[:：]|重新编辑"
)
NEWS_ITEM_RE = re.compile(r"^\s*\d{1,3}\s*[.、]\s*\S")


MAX_SENTENCE = 600


@dataclass(frozen=True)
class Sentence:
    """One sentence (or table row) of the body, with the section context in force where it stands."""

    start: int
    end: int
    domain: str | None
    year: int | None
    mode: str | None
    block: int
    table: bool = False
    domain_at: int | None = None  # offset of the domain's name where a heading spells it out


@dataclass
class Layout:
    """What the document's structure says: its sentences, its year and whether it plans or reports."""

    sentences: list[Sentence] = field(default_factory=list)
    doc_year: int | None = None
    doc_mode: str = "future"
    base_year: int | None = None
    body: tuple[int, int] = (0, 0)


@dataclass
class _Levels:
    domain: list[str | None] = field(default_factory=lambda: [None, None, None])
    domain_at: list[int | None] = field(default_factory=lambda: [None, None, None])
    year: list[int | None] = field(default_factory=lambda: [None, None, None])
    mode: list[str | None] = field(default_factory=lambda: [None, None, None])

    def set(self, level: int, domain: str | None, year: int | None, mode: str | None, at: int | None) -> None:
        pairs: tuple[tuple[list[Any], Any], ...] = (
            (self.domain, domain),
            (self.domain_at, at),
            (self.year, year),
            (self.mode, mode),
        )
        for values, value in pairs:
            values[level] = value
            for deeper in range(level + 1, 3):
                values[deeper] = None

    @staticmethod
    def deepest(values: list[str | None] | list[int | None]) -> str | int | None:
        for value in reversed(values):
            if value is not None:
                return value
        return None


def line_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of every line, without its line break."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        spans.append((start, end - 1 if line.endswith("\r") else end))
        start = end + 1
    return spans


def _is_junk(line: str, neighbours: list[str]) -> bool:
    stripped = line.strip()
    if (
        "   " in stripped and len(re.findall(r"\S+\s{3,}(?=\S)", stripped)) >= 3
    ):  # navigation bar: many short items in a row
        return True
    if NEWS_ITEM_RE.match(stripped) and not re.search(r"[。;；]", stripped):
        similar = sum(1 for n in neighbours if NEWS_ITEM_RE.match(n.strip()) and not re.search(r"[。;；]", n))
        return similar >= 2
    return False


def _body(norm: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Return the line range of the document body: up to the first footer line after some prose."""
    seen_prose = False
    for index, (start, end) in enumerate(spans):
        line = norm[start:end]
        if seen_prose and FOOTER_RE.search(line):
            return 0, index
        if (len(line.strip()) >= 12 and re.search(r"[。;；]", line)) or "\t" in line:
            seen_prose = True
    return 0, len(spans)


def _continues(line: str, following: str | None) -> bool:
    """Return whether a line without final punctuation runs on into the next non-empty line."""
    stripped = line.rstrip()
    if not stripped or following is None or "\t" in line or "\t" in following:
        return False
    if stripped[-1] in SENTENCE_END + ":：" or heading_level(stripped) is not None or TITLE_END_RE.search(stripped):
        return False
    if heading_level(following) is not None or ITEM_START_RE.match(following):
        return False
    # a long line, a line cut after a word that cannot end a sentence, or a line whose number went to the next one
    return (
        len(stripped.strip()) >= 15 or stripped[-1] in "的和及与到至为于在每、，," or following.lstrip()[:1].isdigit()
    )


def split_sentences(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the sentence spans in ``norm[start:end]``, cut after 。！？；, trimmed of surrounding space."""
    spans: list[tuple[int, int]] = []
    begin = start
    depth = 0
    for index in range(start, end):
        char = norm[index]
        if char in "(〔【[":
            depth += 1
        elif char in ")〕】]":
            depth = max(0, depth - 1)
        elif char in SENTENCE_END and (depth == 0 or char == "。"):
            spans.append((begin, index + 1))
            begin = index + 1
            depth = 0
    spans.append((begin, end))
    trimmed = []
    for left, right in _bounded(norm, spans):
        while left < right and norm[left] in " \t\r\n":
            left += 1
        while right > left and norm[right - 1] in " \t\r\n":
            right -= 1
        if right > left:
            trimmed.append((left, right))
    return trimmed


def _bounded(norm: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut sentences longer than MAX_SENTENCE at their last clause break, so that no work is quadratic in them."""
    result = []
    for left, right in spans:
        while right - left > MAX_SENTENCE:
            cut = max(norm.rfind(mark, left, left + MAX_SENTENCE) for mark in "，,；;、 \n")
            cut = cut + 1 if cut > left + MAX_SENTENCE // 2 else left + MAX_SENTENCE
            result.append((left, cut))
            left = cut
        result.append((left, right))
    return result


def layout(norm: str, default_year: int | None = None) -> Layout:
    """Return the sentences of the body of ``norm`` (a normalized text) with their section context."""
    spans = line_spans(norm)
    first, last = _body(norm, spans)
    lines = [norm[s:e] for s, e in spans[first:last]]
    doc_year, doc_mode, base_year = document_context(lines)
    if doc_year is None and default_year is not None:
        doc_year, base_year = default_year, default_year if doc_mode == "past" else default_year - 1
    result = Layout(doc_year=doc_year, doc_mode=doc_mode, base_year=base_year)
    result.body = (spans[first][0] if spans else 0, spans[last - 1][1] if last > first else 0)
    levels = _Levels()
    last_level = -1
    block = 0
    index = first
    while index < last:
        start, end = spans[index]
        line = norm[start:end]
        if not line.strip() or _is_junk(line, lines[max(0, index - first - 2) : index - first + 3]):
            index += 1
            continue
        level = heading_level(line)
        if level is not None:
            title = QUOTED_TITLE_RE.sub("", heading_title(line))
            if len(title) <= 40:
                domain = domain_of(title)
                at = norm.find(domain, start, end) if domain else -1
                levels.set(level, domain, year_of(title), mode_of(title), at if at >= 0 else None)
                last_level = level
        elif loose_heading(line):  # an unnumbered 主要目标 sets the tense of what follows, one level down
            levels.set(min(2, last_level + 1), None, year_of(line), mode_of(line), None)
        block += 1
        if "\t" in line:
            result.sentences.append(_sentence(start, end, levels, block, doc_mode, table=True))
            index += 1
            continue
        block_end, line_start, index = end, start, index + 1
        while True:  # join lines broken in the middle of a sentence
            following = next((j for j in range(index, last) if norm[spans[j][0] : spans[j][1]].strip()), None)
            if following is None or not _continues(
                norm[line_start:block_end], norm[spans[following][0] : spans[following][1]]
            ):
                break
            line_start, block_end, index = spans[following][0], spans[following][1], following + 1
        for left, right in split_sentences(norm, start, block_end):
            result.sentences.append(_sentence(left, right, levels, block, doc_mode))
    return result


def _sentence(start: int, end: int, levels: _Levels, block: int, doc_mode: str, *, table: bool = False) -> Sentence:
    domain = levels.deepest(levels.domain)
    domain_at = next((levels.domain_at[i] for i in (2, 1, 0) if levels.domain[i] is not None), None)
    year = levels.deepest(levels.year)
    mode = levels.deepest(levels.mode)
    return Sentence(
        start=start,
        end=end,
        domain=domain if isinstance(domain, str) else None,
        year=year if isinstance(year, int) else None,
        mode=mode if isinstance(mode, str) else doc_mode,
        block=block,
        table=table,
        domain_at=domain_at,
    )
