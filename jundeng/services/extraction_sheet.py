"""Review in a spreadsheet: staged candidates written to CSV/XLSX with editable columns and a ``decision`` column,
and the reviewed file applied in one go (all-or-nothing, each bad cell reported as ``file:row:column``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from jundeng.errors import InputError, Problem
from jundeng.io import sanitize
from jundeng.io.tables import read_table_file
from jundeng.services import extraction, extraction_review
from jundeng.services.extraction import Decision, ReviewError
from jundeng.services.extraction_review import CandidateError
from jundeng.store.db import Database

FIXED = ("id", "document", "sentence", "status")
EDITABLE = (
    "kind",
    "indicator",
    "code",
    "item",
    "comparator",
    "value",
    "low",
    "high",
    "unit",
    "year",
    "baseline_year",
    "baseline_value",
    "binding",
    "region",
    "domain",
)
COLUMNS = (*FIXED, *EDITABLE, "decision")
DECISIONS = {"accept": "accept", "接受": "accept", "reject": "reject", "拒绝": "reject", "": ""}


def export(db: Database, path: str | Path, *, status: str | None = "staged") -> int:
    """Write the candidates (staged by default) to a CSV or XLSX file by its suffix; return how many."""
    path = Path(path)
    rows = extraction.staged(db, status=status)
    table = [[_text(r.get(c)) for c in COLUMNS] for r in rows]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "candidates"
        sheet.append(list(COLUMNS))
        for cells in table:
            sheet.append([sanitize.cell(c) for c in cells])
        book.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows([sanitize.csv_cell(c) for c in cells] for cells in table)
    return len(rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def apply(db: Database, path: str | Path, *, user: str) -> list[Decision]:
    """Apply the edits and decisions of a reviewed file in one transaction; InputError with located problems."""
    path = Path(path)
    tables, problems = read_table_file(path)
    if problems or not tables:
        raise InputError(problems or [Problem(path.name, 1, 1, "文件为空", "the file is empty")])
    table = tables[0]
    header = [h.strip() for h in table.header]
    missing = [c for c in ("id", "decision") if c not in header]
    if missing:
        raise InputError([Problem(path.name, 1, 1, f"缺少列 {missing}", f"missing columns {missing}")])
    current = {c["id"]: c for c in extraction.staged(db, status=None)}
    accept: list[int] = []
    reject: list[int] = []
    edits: dict[int, dict[str, Any]] = {}
    rows_of: dict[int, int] = {}
    for cells, number in zip(table.rows, table.row_numbers, strict=True):
        cell = dict(zip(header, cells, strict=False))
        located = _row(path.name, number, header, cell, current)
        problems.extend(located.problems)
        if located.id is None:
            continue
        rows_of[located.id] = number
        if located.changes:
            edits[located.id] = located.changes
        if located.decision == "accept":
            accept.append(located.id)
        elif located.decision == "reject":
            reject.append(located.id)
    if problems:
        raise InputError(problems)
    try:
        return extraction_review.decide(db, user=user, accept=accept, reject=reject, edits=edits)
    except CandidateError as exc:
        raise InputError([Problem(path.name, rows_of.get(exc.candidate, 0), 0, exc.zh, exc.en)]) from None


class _Row:
    def __init__(self) -> None:
        self.id: int | None = None
        self.decision = ""
        self.changes: dict[str, Any] = {}
        self.problems: list[Problem] = []


def _row(name: str, number: int, header: list[str], cell: dict[str, str], current: dict[int, Any]) -> _Row:
    """Read one row: its candidate, its decision and the editable cells that differ from the candidate."""
    found = _Row()
    where = {c: header.index(c) + 1 for c in header}
    raw_id = (cell.get("id") or "").strip()
    if not raw_id.isdigit() or int(raw_id) not in current:
        found.problems.append(Problem(name, number, where["id"], f"没有此候选：{raw_id!r}", f"no candidate {raw_id!r}"))
        return found
    candidate = current[int(raw_id)]
    decision = (cell.get("decision") or "").strip().lower()
    if decision not in DECISIONS:
        zh, en = "decision 须为 accept、reject 或留空", "decision is accept, reject or empty"
        found.problems.append(Problem(name, number, where["decision"], zh, en))
        return found
    found.decision = DECISIONS[decision]
    for column in (c for c in EDITABLE if c in cell):
        if (cell[column] or "").strip() == _text(candidate.get(column)):
            continue
        try:
            found.changes |= extraction_review.clean({column: cell[column]})
        except ReviewError as exc:
            found.problems.append(Problem(name, number, where[column], exc.zh, exc.en))
    if (found.changes or found.decision) and candidate["status"] != "staged":
        zh, en = (
            f"候选 {raw_id} 已处理（{candidate['status']}）",
            f"candidate {raw_id} was already {candidate['status']}",
        )
        found.problems.append(Problem(name, number, where["decision"], zh, en))
        return found
    found.id = int(raw_id) if (found.changes or found.decision) else None
    return found
