"""Read a satisfaction questionnaire (YAML) and survey microdata (CSV / XLSX / XLS) with located errors.

* QUESTIONNAIRE (YAML): ``code, title, items: [{code, text, scale, labels, satisfied, indicator}]``
  (:class:`jundeng.domain.survey.Questionnaire`); every problem is located at its ``file:line:column``.
* MICRODATA: one row per respondent: optional ``id`` (unique), ``region`` (required), the design columns
  (``weight`` required and > 0; ``stratum``, ``psu``, ``stratum_size`` optional: without the column the
  design has none), one column per questionnaire item holding the answer (empty = no answer, else a value
  of the item's scale), and any other column is a group (urban_rural, hukou, age_group, sex …).
  ``stratum_size`` (the number of PSUs of the stratum in the population) is constant within a stratum and
  not below the PSUs sampled there. A stratum with a single PSU is not a file error: the estimate decides.

Every problem is collected (not only the first) and raised together as one :class:`~jundeng.errors.InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jundeng.domain.survey import Questionnaire, SurveyItem
from jundeng.errors import InputError, Problem
from jundeng.io.encodings import header_text
from jundeng.io.fiscal_files import positive
from jundeng.io.limits import ProblemLog
from jundeng.io.numbers import fault_message, parse_number
from jundeng.io.tables import Table, column_index, first_table
from jundeng.io.yaml_files import parse_model, read_text


class DefaultName(str):
    """A design column name left at its default: when the file lacks the column, the design has none."""

    __slots__ = ()


WEIGHT, STRATUM, PSU, STRATUM_SIZE = (DefaultName(n) for n in ("weight", "stratum", "psu", "stratum_size"))
ROLES = ("weight", "stratum", "psu", "stratum_size")
ALIASES = {"区划代码": "region", "区划": "region", "编号": "id", "样本编号": "id"}
_ZH_ROLE = {"weight": "权数", "stratum": "层", "psu": "初级抽样单元", "stratum_size": "层总体规模"}


@dataclass(frozen=True)
class Microdata:
    """Survey microdata read: one frame row per respondent, where each came from, its items and group columns."""

    name: str
    frame: pd.DataFrame  # id, region, groups …, design columns (as named in the file), items (float, NaN: none)
    lines: list[int]  # the file row of each frame row
    items: list[str]  # the questionnaire items present in the file
    groups: list[str]  # the other columns (text, None where empty)
    design: dict[str, str | None] = field(default_factory=dict)  # role (weight, stratum …) → column, None: absent


def read_questionnaire(path: str | Path) -> Questionnaire:
    """Return the validated questionnaire in the YAML file at ``path``; raise InputError with located problems."""
    questionnaire, _ = parse_model(read_text(path), str(path), Questionnaire)
    return questionnaire


def _design_columns(
    table: Table, index: dict[str, int], names: dict[str, str], log: ProblemLog
) -> dict[str, str | None]:
    """Return the column of each design role; a missing weight, or a missing column given explicitly, is a problem."""
    design: dict[str, str | None] = {}
    for role, name in names.items():
        if name in index:
            design[role] = name
            continue
        design[role] = None
        if role == "weight" or not isinstance(name, DefaultName):
            zh = f"缺少{_ZH_ROLE[role]}列 {name!r}（--{role.replace('_', '-')} {name}）"
            en = f"missing {role.replace('_', ' ')} column {name!r} (--{role.replace('_', '-')} {name})"
            log.add(Problem(table.name, 1, 1, zh, en))
    return design


def _answer(text: str, item: SurveyItem, where: tuple[str, int, int], log: ProblemLog) -> float:
    """Return one answer (NaN when empty); a non-number or a value off the item's scale is a located problem."""
    if not text:
        return float("nan")
    value, fault = parse_number(text)
    if value is None:
        zh, en = fault_message(fault, text)
        log.add(
            Problem(*where, f"题目 {item.code} 的答案须为数值：{zh}", f"item {item.code}: non-numeric answer: {en}")
        )
        return float("nan")
    if value not in item.scale:
        scale = ", ".join(str(v) for v in item.scale)
        zh, en = f"答案 {text!r} 不在题目 {item.code} 的量表（{scale}）内", f"answer {text!r} off the scale of item"
        log.add(Problem(*where, zh, f"{en} {item.code} ({scale})"))
    return value


def _weight(text: str, where: tuple[str, int, int], log: ProblemLog) -> float:
    value, fault = parse_number(text)
    if value is None:
        zh, en = fault_message(fault, text) if fault else ("缺少权数", "missing weight")
        log.add(Problem(*where, f"weight: {zh}", f"weight: {en}"))
        return float("nan")
    if bad := positive(value):
        log.add(Problem(*where, f"权数 weight {text!r} {bad[0]}", f"weight {text!r} {bad[1]}"))
    return value


def _check_sizes(
    micro: pd.DataFrame, lines: list[int], design: dict[str, str | None], name: str, col: int
) -> list[Problem]:
    """Return the problems of ``stratum_size``: varying within a stratum, or below the stratum's sampled PSUs."""
    size_column = design["stratum_size"]
    if size_column is None or micro.empty:
        return []
    strata = micro[design["stratum"]] if design["stratum"] else pd.Series(["total"] * len(micro))
    psus = micro[design["psu"]] if design["psu"] else pd.Series(range(len(micro)), dtype=object)
    problems: list[Problem] = []
    frame = pd.DataFrame({"h": strata.to_numpy(), "psu": psus.to_numpy(), "size": micro[size_column].to_numpy()})
    frame["line"] = lines
    for label, rows in frame.dropna(subset=["h", "size"]).groupby("h", sort=True):
        first = rows.iloc[0]
        named = f"层 {label} " if design["stratum"] else ""
        named_en = f"stratum {label} " if design["stratum"] else ""
        for _, row in rows[rows["size"] != first["size"]].iterrows():
            zh = f"{named}的总体规模 {row['size']:g} 与第 {first['line']} 行的 {first['size']:g} 不一致"
            en = f"{named_en}size {row['size']:g} differs from {first['size']:g} at row {first['line']}"
            problems.append(Problem(name, int(row["line"]), col, zh, en))
        sampled = rows["psu"].dropna().nunique()
        if first["size"] < sampled:
            zh = f"{named}的总体规模 {first['size']:g} 小于该层样本中的 PSU 数 {sampled}"
            en = f"{named_en}size {first['size']:g} is below the {sampled} PSUs sampled in the stratum"
            problems.append(Problem(name, int(first["line"]), col, zh, en))
    return problems


def read_microdata(
    path: str | Path,
    questionnaire: Questionnaire,
    *,
    weight: str = WEIGHT,
    stratum: str = STRATUM,
    psu: str = PSU,
    stratum_size: str = STRATUM_SIZE,
    item: str | None = None,
) -> Microdata:
    """Return the microdata of a survey file (see the module doc); raise InputError with every problem.

    ``item``, when given, is the item asked for: its column must be in the file (other items may be absent)."""
    table = first_table(path)
    log = ProblemLog()
    index = column_index(table, ALIASES, ("region",), log, ("id",))
    names = {"weight": weight, "stratum": stratum, "psu": psu, "stratum_size": stratum_size}
    design = _design_columns(table, index, names, log)
    items = [code for code in questionnaire.codes if code in index]
    if item is not None and item not in index:
        zh = f"文件中没有所要估计的题目 {item!r} 的列（问卷 {questionnaire.code}）"
        en = f"no column for item {item!r}, the item asked for (questionnaire {questionnaire.code})"
        log.add(Problem(table.name, 1, 1, zh, en))
    used = {"id", "region", *items, *(c for c in design.values() if c)}
    groups = [name for name in index if name not in used]
    if log.result():
        raise InputError(log.result())
    of_item = {i.code: i for i in questionnaire.items}
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        record: dict[str, object] = {}
        if "id" in index:
            ident = cells[index["id"]].strip()
            if ident in seen:
                zh, en = f"编号 {ident!r} 重复（首见于第 {seen[ident]} 行）", f"duplicate id {ident!r} (first at row"
                log.add(Problem(table.name, line, index["id"] + 1, zh, f"{en} {seen[ident]})"))
            elif ident:
                seen[ident] = line
            record["id"] = ident or None
        record["region"] = cells[index["region"]].strip()
        if not record["region"]:
            log.add(Problem(table.name, line, index["region"] + 1, "区划为空", "empty region"))
        for name in groups:
            record[name] = cells[index[name]].strip() or None
        for role, column in design.items():
            if column is None:
                continue
            where = (table.name, line, index[column] + 1)
            text = cells[index[column]].strip()
            if role == "weight":
                record[column] = _weight(text, where, log)
            elif role == "stratum_size":
                value, fault = parse_number(text)
                check = positive(value) if value is not None else None
                if value is None or check:
                    zh, en = (check or fault_message(fault, text)) if text else ("缺少数值", "missing value")
                    log.add(Problem(*where, f"层总体规模 stratum_size {text!r}: {zh}", f"stratum_size {text!r}: {en}"))
                record[column] = value if value is not None else float("nan")
            else:
                if not text:
                    log.add(Problem(*where, f"{_ZH_ROLE[role]}为空", f"empty {role}"))
                record[column] = text or None
        for code in items:
            record[code] = _answer(cells[index[code]].strip(), of_item[code], (table.name, line, index[code] + 1), log)
        records.append(record)
    columns = [*(["id"] if "id" in index else []), "region", *groups, *(c for c in design.values() if c), *items]
    frame = pd.DataFrame(records, columns=columns)
    if not records and not log.result():
        log.add(Problem(table.name, 2, 1, "没有数据行", "no data rows"))
    if design["stratum_size"] is not None:
        col = index[design["stratum_size"]] + 1
        log.extend(_check_sizes(frame, list(table.row_numbers), design, table.name, col))
    if problems := log.result():
        raise InputError(problems)
    return Microdata(table.name, frame, list(table.row_numbers), items, groups, design)


def read_totals(path: str | Path) -> dict[str, float]:
    """Return the known population total of each post-stratification cell from a file with columns ``cell,
    total`` (or 单元, 总体); raise InputError with every problem (a repeated cell, a total not above 0)."""
    table = first_table(path)
    log = ProblemLog()
    names = {header_text(h).lower(): i for i, h in enumerate(table.header)}
    cell, total = names.get("cell", names.get("单元")), names.get("total", names.get("总体"))
    for found, name in ((cell, "cell"), (total, "total")):
        if found is None:
            log.add(Problem(table.name, 1, 1, f"缺少必需的列 {name}", f"missing required column {name}"))
    if cell is None or total is None:
        raise InputError(log.result())
    totals: dict[str, float] = {}
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        key, text = cells[cell].strip(), cells[total].strip()
        value, fault = parse_number(text)
        if key in totals:
            log.add(Problem(table.name, line, cell + 1, f"单元 {key!r} 重复", f"duplicate cell {key!r}"))
        if value is None or value <= 0:
            zh, en = fault_message(fault, text) if fault else ("须大于 0", "must be greater than 0")
            log.add(Problem(table.name, line, total + 1, f"total: {zh}", f"total: {en}"))
        else:
            totals[key] = value
    if problems := log.result():
        raise InputError(problems)
    return totals
