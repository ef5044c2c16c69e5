"""Table rows (cells separated by tabs, as the readers write HTML and DOCX tables): indicator and task tables.

Hand-written because the two table layouts of Chinese plans are conventions, not a file format: the indicator
table (指标 | 单位 | 2015年 | 2020年 | 属性, with ≥93 or <15/10万 in its cells) and the task-division table
(序号 | 任务内容 | 牵头单位 | 责任单位 | 完成时限). A header row names the columns; each later row gives one
baseline and one target per year column, or the tasks of its content cell with the units of its unit columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from jundeng.extract.classify import STANDARD_RE, unit_class
from jundeng.extract.direction import directed, direction_of
from jundeng.extract.domains import domain_from_words
from jundeng.extract.flags import cell_flag
from jundeng.extract.headings import domain_of
from jundeng.extract.model import Candidate, Kind
from jundeng.extract.noise import Spans
from jundeng.extract.patterns import ATOM_RE, UNIT, YEAR_RE
from jundeng.extract.quantities import Quantity, quantities
from jundeng.extract.sentences import Layout, Sentence
from jundeng.extract.units import units_for_columns

HEADER_WORD_RE = re.compile(r"指标|单位|目标|现状|基期|基数|属性|序号|任务|牵头|责任|时限|年|项目|名称|类别|领域|内容")
CELL_COMPARATOR_RE = re.compile(r"^\s*(≥|≤|>=|<=|>|<|不低于|不少于|不超过|不高于|低于|高于|超过|小于|大于)")
CELL_POST_RE = re.compile(r"(以上|以下|以内)\s*$")
CELL_COMPARATORS = {
    "≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "以上": ">=", "≤": "<=", "<=": "<=", "不超过": "<=",
    "不高于": "<=", "以下": "<=", "以内": "<=", ">": ">", "高于": ">", "超过": ">", "大于": ">", "<": "<",
    "低于": "<", "小于": "<",
}  # fmt: skip
VALUE_CELL_RE = re.compile(r"[≥≤<>=约]*\s*[\d.,]+\s*\S{0,8}")
YEAR_CELL_RE = re.compile(r"(?:19|20)\d{2}\s*年")
UNIT_IN_NAME_RE = re.compile(rf"[(]\s*({UNIT})\s*[)]\s*$")
# A header cell's words → the column it names (first match wins; target and baseline columns are found before).
HEADER_FIELDS = [
    (re.compile(r"牵头"), "lead"),
    (re.compile(r"责任|配合|协办"), "responsible"),
    (re.compile(r"单位"), "unit"),
    (re.compile(r"时限|完成时间|时间节点"), "deadline"),
    (re.compile(r"属性|性质"), "attribute"),
    (re.compile(r"任务|内容|措施"), "task"),
    (re.compile(r"指标|项目|名称"), "indicator"),
    (re.compile(r"领域|类别"), "domain"),
]
CellExtractor = Callable[[Sentence, tuple[str, ...], tuple[str, ...], int | None], list[Candidate]]


@dataclass
class _Header:
    indicator: int | None = None
    unit: int | None = None
    task: int | None = None
    lead: int | None = None
    responsible: int | None = None
    deadline: int | None = None
    attribute: int | None = None
    domain: int | None = None
    values: list[tuple[int, str, int | None]] = field(default_factory=list)  # (column, kind, year)


def _cells(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    cells = []
    position = start
    for part in norm[start:end].split("\t"):
        left, right = position, position + len(part)
        while left < right and norm[left] == " ":
            left += 1
        while right > left and norm[right - 1] == " ":
            right -= 1
        cells.append((left, right))
        position += len(part) + 1
    return cells


class TableReader:
    """Reads table rows one by one, remembering the last header row seen."""

    def __init__(
        self,
        norm: str,
        original: str,
        layout: Layout,
        *,
        directions: Mapping[str, str] | None = None,
        flags: dict[str, str] | None = None,
    ) -> None:
        self.norm, self.original, self.layout = norm, original, layout
        self.directions, self.flags = directions, flags or {}
        self.header: _Header | None = None
        self.domain: str | None = None

    def reset(self) -> None:
        """Forget the header: the table ended."""
        self.header, self.domain = None, None

    def _read_header(self, texts: list[str]) -> _Header | None:
        values = [t for t in texts if VALUE_CELL_RE.fullmatch(t) and not YEAR_CELL_RE.match(t)]
        if sum(1 for t in texts if t and HEADER_WORD_RE.search(t)) < 2 or values:
            return None
        header = _Header()
        years = []
        for column, text in enumerate(texts):
            year = YEAR_RE.search(text) or re.search(r"(?:19|20)\d{2}", text)
            if year:
                years.append((column, text, int(re.sub(r"\D", "", year.group(0))[:4])))
            elif re.search(r"目标值|规划目标|预期目标|目标", text) and not re.search(r"任务", text):
                header.values.append((column, "target", None))
            elif re.search(r"现状|基期|基数|现值|基准", text):
                header.values.append((column, "baseline", None))
            else:
                field_name = next((name for pattern, name in HEADER_FIELDS if pattern.search(text)), None)
                if field_name is not None:
                    setattr(header, field_name, column)
        latest = max((y for _, _, y in years), default=None)
        for column, text, found_year in years:
            planned = bool(re.search(r"目标|规划|预期", text)) or (found_year == latest and len(years) > 1)
            header.values.append((column, "target" if planned else "baseline", found_year))
        return header

    def row(self, sentence: Sentence, source: str | None, extract_cell: CellExtractor) -> list[Candidate]:
        """Return the candidates of one table row (none for a header or a category row)."""
        spans = _cells(self.norm, sentence.start, sentence.end)
        texts = [self.norm[a:b] for a, b in spans]
        header = self._read_header(texts)
        if header is not None:
            self.header = header
            return []
        filled = [t for t in texts if t and not re.fullmatch(r"\d{1,3}|[一二三四五六七八九十]+", t)]
        if len(filled) == 1 and not ATOM_RE.search(filled[0]):
            self.domain = domain_of(filled[0]) or self.domain
            return []
        head = self.header or _Header()

        def cell(column: int | None) -> str | None:
            return texts[column] if column is not None and column < len(texts) else None

        if head.domain is not None:
            self.domain = domain_of(cell(head.domain) or "") or self.domain
        deadline_text = cell(head.deadline) or ""
        deadline = YEAR_RE.search(deadline_text)
        if head.task is not None and head.task < len(spans):
            a, b = spans[head.task]
            lead, responsible = units_for_columns(
                self._original_cell(spans, head.lead), self._original_cell(spans, head.responsible)
            )
            inner = Sentence(a, b, self.domain or sentence.domain, sentence.year, sentence.mode, sentence.block)
            return extract_cell(inner, lead, responsible, int(deadline.group(1)) if deadline else None)
        return self._indicator_row(sentence, spans, texts, head, source)

    def _original_cell(self, spans: list[tuple[int, int]], column: int | None) -> str | None:
        if column is None or column >= len(spans):
            return None
        return self.original[spans[column][0] : spans[column][1]]

    def _indicator_row(
        self, sentence: Sentence, spans: list[tuple[int, int]], texts: list[str], head: _Header, source: str | None
    ) -> list[Candidate]:
        if not head.values:
            return []
        name_column = (
            head.indicator
            if head.indicator is not None
            else next((i for i, t in enumerate(texts) if t and not re.fullmatch(r"\d{1,3}", t)), 0)
        )
        if name_column >= len(spans):
            return []
        a, b = spans[name_column]
        name = self.original[a:b]
        unit_text = texts[head.unit] if head.unit is not None and head.unit < len(texts) else ""
        named_unit = UNIT_IN_NAME_RE.search(self.norm[a:b])
        binding = cell_flag(self.norm[a:b], self.flags)
        domain = self.domain or sentence.domain
        direction = direction_of(self.norm[a:b], self.directions)
        if head.attribute is not None and head.attribute < len(texts):
            attribute = texts[head.attribute]
            binding = "约束性" if "约束" in attribute else "预期性" if "预期" in attribute else binding
        found = []
        for column, kind, year in head.values:
            if column >= len(spans):
                continue
            q = self._value(spans[column])
            if q is None:
                continue
            q.unit = q.unit or unit_text or (named_unit.group(1) if named_unit else "")
            final: Kind = kind  # type: ignore[assignment]
            if kind == "target" and unit_class(q.unit) == "money" and STANDARD_RE.search(self.norm[a:b]):
                final = "standard"
            if final == "target":  # a bare 93 in the 2020 column of 毛入园率 means at least 93
                q.comparator = q.comparator or directed("=", "", direction, bare=True)
            found.append(
                Candidate(
                    kind=final, indicator=name, value=q.value, unit=q.unit, comparator=q.comparator or "=",  # type: ignore[arg-type]
                    low=q.low, high=q.high, year=year or self.layout.doc_year, scope=None,
                    domain=domain or domain_from_words(self.norm[a:b]), lead_units=(), responsible_units=(),
                    sentence=self.original[sentence.start : sentence.end], start=sentence.start, end=sentence.end,
                    confidence=0.8 if year else 0.6, quantity=self.original[q.start : q.end],
                    quantity_start=q.start, quantity_end=q.end, binding=binding, source=source,
                )
            )  # fmt: skip
        return _with_baseline(found)

    def _value(self, span: tuple[int, int]) -> Quantity | None:
        start, end = span
        text = self.norm[start:end]
        found = quantities(self.norm, start, end, _NO_SPANS, _NO_SPANS, keep_bare=True)
        if not found:
            return None
        q = found[0]
        pre = CELL_COMPARATOR_RE.match(text)
        post = CELL_POST_RE.search(text)
        if pre:
            q.comparator = CELL_COMPARATORS[pre.group(1)]
        elif post:
            q.comparator = CELL_COMPARATORS[post.group(1)]
        return q


_NO_SPANS = Spans([])


def _with_baseline(found: list[Candidate]) -> list[Candidate]:
    """Give the targets of an indicator row the row's (latest) baseline value and year."""
    baselines = [c for c in found if c.kind == "baseline"]
    if not baselines:
        return found
    base = max(baselines, key=lambda c: c.year or 0)
    return [replace(c, baseline_year=base.year, baseline_value=base.value) if c.kind == "target" else c for c in found]
