"""Lead and responsible units: 〔牵头单位：市教育局；责任单位：各区政府〕, （市教育局牵头，各区配合）, 责任单位：….

Hand-written because the notation is a convention of Chinese task-decomposition documents (任务分工方案) in a
handful of bracket styles; no library reads it. Names are returned as written in the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLE = r"(?:牵头|责任|主责|主办|配合|协办|参与|实施|负责|落实|承办)(?:单位|部门|科室)"
NOTE_RE = re.compile(rf"[〔\[【(]\s*({ROLE}\s*[:：](?:[^〔〕\[\]【】()]|\([^()]{{0,8}}\)){{1,300}})[〕\]】)]")
INLINE_RE = re.compile(
    r"[〔\[【(]\s*([^〔〕\[\]【】()]{2,120}?)牵头(?:负责)?\s*(?:[,，、;；]\s*([^〔〕\[\]【】()]{2,200}?)"
    r"(?:配合|参与|负责|落实|共同负责|按职责分工负责))?\s*[〕\]】)]"
)
RESPONSIBLE_RE = re.compile(r"[〔\[【(]\s*([^〔〕\[\]【】()]{2,120}?)(?:负责|落实|承办)\s*[〕\]】)]")
ORGAN_RE = re.compile(
    r"(?:局|委|办|厅|府|会|院|部|处|室|所|队|团|联|署|司|馆|站|行|社|公司|中心|集团|单位|部门|政府|管委会|街道|镇|区|县|市)$"
)
LINE_RE = re.compile(rf"(?m)^[ \t]*({ROLE}\s*[:：][^\n]{{1,300}})$")
PART_RE = re.compile(rf"({ROLE})\s*[:：]\s*((?:(?!{ROLE}\s*[:：])[^;；])*)")
NAME_RE = re.compile(r"[^、,，/;；\s]+")


@dataclass(frozen=True)
class UnitNote:
    """One note of responsibility at [start, end) with the units it names."""

    start: int
    end: int
    lead: tuple[str, ...]
    responsible: tuple[str, ...]


def _names(norm: str, original: str, start: int, end: int) -> tuple[str, ...]:
    names = []
    for match in NAME_RE.finditer(norm, start, end):
        name = original[match.start() : match.end()].rstrip("等。.,， ")
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _split_marked(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split 市教育局（牵头）、各区政府 into the unit marked as lead and the others."""
    lead = tuple(re.sub(r"[(（]\s*牵头\s*[)）]$", "", n) for n in names if re.search(r"[(（]\s*牵头\s*[)）]$", n))
    others = tuple(n for n in names if not re.search(r"[(（]\s*牵头\s*[)）]$", n))
    return lead, others


def _parts(norm: str, original: str, start: int, end: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    lead: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    for part in PART_RE.finditer(norm, start, end):
        marked, names = _split_marked(_names(norm, original, part.start(2), part.end(2)))
        lead += marked
        if part.group(1).startswith(("牵头", "主责", "主办")):
            lead += names
        else:
            responsible += names
    return lead, responsible


def unit_notes(norm: str, original: str) -> list[UnitNote]:
    """Return every note of lead and responsible units in the text, in order."""
    notes: list[UnitNote] = []
    taken: list[tuple[int, int]] = []
    for match in NOTE_RE.finditer(norm):
        lead, responsible = _parts(norm, original, match.start(1), match.end(1))
        notes.append(UnitNote(match.start(), match.end(), lead, responsible))
        taken.append(match.span())
    for match in INLINE_RE.finditer(norm):
        if any(a <= match.start() < b for a, b in taken):
            continue
        lead = _names(norm, original, match.start(1), match.end(1))
        responsible = _names(norm, original, match.start(2), match.end(2)) if match.group(2) else ()
        if not all(ORGAN_RE.search(n) for n in lead + responsible):
            continue
        notes.append(UnitNote(match.start(), match.end(), lead, responsible))
        taken.append(match.span())
    for match in RESPONSIBLE_RE.finditer(norm):
        if any(a <= match.start() < b for a, b in taken):
            continue
        names = _names(norm, original, match.start(1), match.end(1))
        if names and all(ORGAN_RE.search(re.sub(r"[(（].*?[)）]", "", n)) for n in names):
            notes.append(UnitNote(match.start(), match.end(), (), names))
            taken.append(match.span())
    for match in LINE_RE.finditer(norm):
        if any(a <= match.start() < b for a, b in taken):
            continue
        lead, responsible = _parts(norm, original, match.start(1), match.end(1))
        notes.append(UnitNote(match.start(), match.end(), lead, responsible))
    return sorted(notes, key=lambda note: note.start)


def units_for_columns(lead_cell: str | None, responsible_cell: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the units named in the 牵头单位 and 责任单位 cells of a task table row."""

    def split(cell: str | None) -> tuple[str, ...]:
        return tuple(n.rstrip("等。. ") for n in NAME_RE.findall(cell or "") if n.rstrip("等。. "))

    return split(lead_cell), split(responsible_cell)
