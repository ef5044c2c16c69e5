"""Read and write the task-division spreadsheet (重点任务分工方案) that governments already use.

Layout: 序号, 任务内容 (工作任务 / 重点任务 / 主要任务), 牵头单位, 责任单位 (配合单位), 完成时限 (时间要求 /
完成时间), optional 目标值 (strict: must be readable) or 预期成果 / 工作目标 (prose: a number is taken when one
can be read, the text is kept as the description), optional 领域 / 类别, 标签, 计量单位. Other columns are ignored.

The reader is tolerant of what real sheets contain:

- a title row (or several) above the header: the header is the row among the first 10 that names the task
  column and the most other known columns; a single year in the title rows ("2017年…分工表") is the default
  year when none is given;
- section rows ("一、公共教育", "（一）基本公共教育") that carry no units, deadline or target: they set the
  domain (the top heading) and the section path (kept in ``source_clause``) of the rows below;
- merged cells: a vertically merged cell applies to every row it covers (only its first column is filled,
  so a heading merged across the row does not leak into the unit columns);
- numbering in 序号 or at the start of 任务内容 ("（一）", "1.", "1、", "一是", "(1)", "①"), stripped from the
  title; units separated by 、，,；; / spaces or newlines, trailing 等 (等部门) removed;
- deadlines ("2017年底前", "2017年6月30日前", "2017年上半年", "年内", "六月底", "2017-2018年", "长期" …) and
  targets ("新建12所中小学", "4万人", "十二所") — see :mod:`jundeng.io.task_fields`.

Every problem is located as ``file[sheet]:row:column`` and all are returned together; the caller imports
nothing if there is any.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jundeng.domain.tasks import Light, Task, TaskStatus
from jundeng.errors import Problem
from jundeng.io import sanitize
from jundeng.io.encodings import header_text
from jundeng.io.tables import (
    INSTRUCTION_SHEETS,
    cell_text,
    control_problem,
    csv_records,
    decode_file,
    open_workbook,
    table_kind,
)
from jundeng.io.task_fields import (
    BARE_CN_NUMBER,
    CLEAN_NUMBER,
    CODE_LIKE,
    parse_deadline,
    parse_target,
    simplified,
    split_units,
    strip_numbering,
)

HEADER_SCAN_ROWS = 10
SECTION_MAX_CHARS = 40

# Column roles and the header texts that name them (compared without spaces, "*" marks or a trailing
# bracketed note such as "完成时限（年月）").
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("序号", "编号", "任务编号", "代码", "任务代码"),
    "title": (
        "任务内容",
        "工作任务",
        "重点任务",
        "主要任务",
        "任务",
        "工作内容",
        "任务名称",
        "具体任务",
        "重点工作",
        "工作事项",
        "任务事项",
    ),
    "lead": ("牵头单位", "牵头部门", "牵头责任单位", "主责单位"),
    "responsible": ("责任单位", "配合单位", "责任部门", "配合部门", "协办单位", "参与单位", "协同单位"),
    "deadline": ("完成时限", "时间要求", "完成时间", "时限", "完成期限", "时间节点", "时限要求", "时间安排"),
    "target": ("目标值", "目标数", "指标值", "目标任务数"),
    "outcome": ("预期成果", "工作目标", "预期目标", "目标"),
    "measure": ("计量单位", "目标单位"),
    "domain": ("领域", "类别", "服务领域", "所属领域", "任务类别"),
    "tags": ("标签",),
    "description": ("具体措施", "工作措施", "主要措施", "说明"),
}
_ROLE_OF = {alias: role for role, aliases in HEADERS.items() for alias in aliases}
# Roles whose several columns are combined (责任单位 and 配合单位 side by side).
_MULTI_ROLES = {"responsible", "tags", "description"}

STATUS_ZH = {s.value: s.label_zh for s in TaskStatus}
LIGHT_ZH = {light.value: light.label_zh[:1] for light in Light}  # 红灯 → 红 on a red cell
LIGHT_FILL = {"绿": "63BE7B", "黄": "FFEB84", "红": "F8696B"}
# fmt: off
EXPORT_HEADER = (
    "序号", "任务内容", "牵头单位", "责任单位", "完成时限", "目标值", "状态", "进度(%)", "灯号", "最新进展",
    "领域", "标签",
)
# fmt: on


# ---------------------------------------------------------------------------------------------- numbers


@dataclass
class _Grid:
    name: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _text(value: Any) -> str:
    """Return a cell as text in simplified script (a sheet in traditional script reads like its twin)."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    return simplified(cell_text(value).replace("\r\n", "\n").replace("\r", "\n"))


def _read_workbook(path: Path, name: str) -> tuple[list[_Grid], list[Problem]]:
    book, opened = open_workbook(path, name)
    if book is None:
        return [], opened
    grids: list[_Grid] = []
    for sheet_name in book.sheet_names:
        if sheet_name.strip().lower() in INSTRUCTION_SHEETS:
            continue
        sheet = book.get_sheet_by_name(sheet_name)
        cells = [[_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        for (r0, c0), (r1, _c1) in sheet.merged_cell_ranges or []:
            if r0 >= len(cells) or c0 >= len(cells[r0]):
                continue
            value = cells[r0][c0]
            for r in range(r0 + 1, min(r1, len(cells) - 1) + 1):
                if c0 < len(cells[r]) and not cells[r][c0]:
                    cells[r][c0] = value
        grids.append(_Grid(f"{name}[{sheet_name}]", [(i, row) for i, row in enumerate(cells, start=1)]))
    return grids, _control_problems(grids)


def _control_problems(grids: list[_Grid]) -> list[Problem]:
    """Return one located problem per row holding a control character (NUL …) in any cell."""
    found = (control_problem(grid.name, row, cells) for grid in grids for row, cells in grid.rows)
    return [p for p in found if p is not None]


def _read_csv(path: Path, name: str) -> tuple[list[_Grid], list[Problem]]:
    text, problems = decode_file(path)
    if problems:
        return [], problems
    grid = _Grid(name)
    for start, row in csv_records(text, name, problems):
        grid.rows.append((start, [_text(cell) for cell in row]))
    return [grid], problems + _control_problems([grid])


def _header_key(text: str) -> str:
    key = re.sub(r"\s+", "", header_text(text)).strip("*＊")
    return re.sub(r"[（(][^）)]*[）)]$", "", key)


def _header_roles(cells: list[str]) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = {}
    for col, cell in enumerate(cells):
        role = _ROLE_OF.get(_header_key(cell))
        if role:
            roles.setdefault(role, []).append(col)
    return roles


_YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


@dataclass
class _Pending:
    where: str
    row: int
    key: str | None
    prefix: str
    fields: dict[str, Any]


@dataclass
class _Context:
    year: int | None
    plan: str | None
    source: str
    problems: list[Problem] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)


def _row_key(number_text: str, prefix: str) -> str | None:
    clean = CLEAN_NUMBER.match(number_text)
    if clean:
        return f"{prefix}-{int(clean[1]):03d}"
    if CODE_LIKE.match(number_text) and len(number_text) <= 64:
        return number_text
    return None


def _parse_grid(grid: _Grid, ctx: _Context) -> None:
    scan = grid.rows[:HEADER_SCAN_ROWS]
    best: tuple[int, int, dict[str, list[int]]] | None = None  # (index, score, roles)
    guess: tuple[int, int] | None = None  # (row number, score) of the likeliest header without a task column
    for index, (number, cells) in enumerate(scan):
        roles = _header_roles(cells)
        if "title" in roles:
            if best is None or len(roles) > best[1]:
                best = (index, len(roles), roles)
        elif roles and (guess is None or len(roles) > guess[1]):
            guess = (number, len(roles))
    if best is None:
        if not any(any(cells) for _, cells in grid.rows):
            return
        row = guess[0] if guess else next(n for n, cells in grid.rows if any(cells))
        ctx.problems.append(
            Problem(
                grid.name,
                row,
                0,
                "未找到“任务内容”列：前 10 行内须有表头（序号、任务内容、牵头单位、责任单位、完成时限）",
                "no 任务内容 (task) column: the header (序号, 任务内容, 牵头单位, 责任单位, 完成时限) must be "
                "within the first 10 rows",
            )
        )
        return
    header_index, _, roles = best
    header_number, header_cells = grid.rows[header_index]
    for role, cols in roles.items():
        if len(cols) > 1 and role not in _MULTI_ROLES:
            ctx.problems.append(
                Problem(
                    grid.name,
                    header_number,
                    cols[1] + 1,
                    f"重复的列“{header_cells[cols[1]]}”",
                    f"duplicate column '{header_cells[cols[1]]}'",
                )
            )
    year = ctx.year
    if year is None:
        years = {int(y) for _, cells in grid.rows[:header_index] for c in cells for y in _YEAR_IN_TITLE.findall(c)}
        year = years.pop() if len(years) == 1 else None
    prefix = str(year) if year is not None else "T"
    headings: list[tuple[int, str, str]] = []  # (level, name, as written)

    def cell(cells: list[str], role: str) -> str:
        cols = roles.get(role, [])
        return "\n".join(cells[c] for c in cols[: None if role in _MULTI_ROLES else 1] if c < len(cells) and cells[c])

    def col_of(role: str) -> int:
        return roles[role][0] + 1 if role in roles else 0

    for number, cells in grid.rows[header_index + 1 :]:
        if not any(cells):
            continue
        if _header_roles(cells).keys() == roles.keys():
            continue  # the header repeated (a page break in the source)
        code_text = cell(cells, "code")
        title_text = cell(cells, "title")
        lead_text, resp_text = cell(cells, "lead"), cell(cells, "responsible")
        deadline_text, target_text = cell(cells, "deadline"), cell(cells, "target")
        outcome_text = cell(cells, "outcome")
        busy = lead_text or resp_text or deadline_text or target_text or outcome_text
        filled = [c for c in cells if c]
        if not busy and len(filled) == 1 and re.match(r"^(?:注|备注|说明|附注)[：:]", filled[0]):
            continue  # a footnote
        if not busy and not CLEAN_NUMBER.match(code_text):
            # a section heading: "一、公共教育" in either column, or "一" / "（一）" in 序号 and the name beside it
            written = title_text or code_text
            name, _, level = strip_numbering(written)
            if code_text and title_text:
                bare = BARE_CN_NUMBER.match(code_text)
                level = 1 if bare else strip_numbering(code_text)[2] or level
                written = f"{code_text}、{title_text}" if bare else f"{code_text}{title_text}"
            if name and len(name) <= SECTION_MAX_CHARS and "\n" not in name and level in (None, 1, 2):
                level = level or 1
                headings = [h for h in headings if h[0] < level] + [(level, name, written)]
                continue
        if not title_text:
            ctx.problems.append(
                Problem(
                    grid.name,
                    number,
                    col_of("title"),
                    "任务内容为空",
                    "the task content (任务内容) is empty",
                )
            )
            continue
        title, _, _ = strip_numbering(title_text)
        title = title.strip().rstrip("；;，,").strip()
        if not title:
            ctx.problems.append(
                Problem(grid.name, number, col_of("title"), "任务内容为空", "the task content is empty")
            )
            continue
        fields: dict[str, Any] = {
            "title": title,
            "domain": cell(cells, "domain") or (headings[0][1] if headings else None),
            "plan": ctx.plan,
            "year": year,
            "lead_units": split_units(lead_text),
            "responsible_units": split_units(resp_text),
            "tags": split_units(cell(cells, "tags")),
            "source_document": ctx.source,
            "source_clause": " ".join(h[2] for h in headings) or None,
        }
        descriptions = [d for d in (cell(cells, "description"), outcome_text) if d]
        if descriptions:
            fields["description"] = "\n".join(descriptions)
        if deadline_text:
            parsed = parse_deadline(deadline_text, year)
            if parsed.error:
                ctx.problems.append(Problem(grid.name, number, col_of("deadline"), *parsed.error))
            fields.update(deadline=parsed.deadline, start=parsed.start, deadline_text=" ".join(deadline_text.split()))
        target = parse_target(target_text) if target_text else None
        if target_text and target is None:
            ctx.problems.append(
                Problem(
                    grid.name,
                    number,
                    col_of("target"),
                    f"无法识别的目标值“{target_text}”：请写作“12所”“2700套”“4万人”等",
                    f"unreadable target value '{target_text}': write e.g. 12所, 2700套 or 4万人",
                )
            )
        if target is None and outcome_text:
            target = parse_target(outcome_text)
        if target is not None:
            fields["target_value"], fields["target_unit"] = target
            if fields["target_unit"] is None:
                fields["target_unit"] = cell(cells, "measure") or None
        ctx.pending.append(_Pending(grid.name, number, _row_key(code_text, prefix), prefix, fields))


def read_task_sheet(
    path: str | Path, *, year: int | None = None, plan: str | None = None
) -> tuple[list[Task], list[Problem]]:
    """Return the tasks of a 重点任务分工方案 sheet (.xlsx, .xls or .csv in UTF-8/GBK) and every problem found.

    Codes are ``{year}-{n:03d}`` (``T-…`` when no year is given or found in the title), ``n`` taken from 序号
    when every task has a distinct clean number there (a 序号 such as ``JY-01`` is kept as the code), else
    the running index of the task in the file. Every non-instruction sheet of a workbook is read. When the
    problem list is not empty the tasks are incomplete and must not be imported.
    """
    path = Path(path)
    name = path.name
    kind, problems = table_kind(path)
    if not kind:
        return [], problems
    grids, problems = _read_workbook(path, name) if kind == "workbook" else _read_csv(path, name)
    ctx = _Context(year, plan, name, problems)
    for grid in grids:
        _parse_grid(grid, ctx)
    if not ctx.pending and not ctx.problems:
        ctx.problems.append(Problem(name, 1, 1, "没有任务行", "no task rows found"))
    keys = [p.key for p in ctx.pending]
    use_keys = all(keys) and len(set(keys)) == len(keys)
    tasks: list[Task] = []
    for index, pending in enumerate(ctx.pending, start=1):
        code = pending.key if use_keys and pending.key else f"{pending.prefix}-{index:03d}"
        try:
            tasks.append(Task(code=code, **pending.fields))
        except ValidationError as exc:
            message = "; ".join(e["msg"] for e in exc.errors())
            ctx.problems.append(
                Problem(pending.where, pending.row, 1, f"任务无效: {message}", f"invalid task: {message}")
            )
    return tasks, ctx.problems


# --------------------------------------------------------------------------------------------- writing


def _format_number(value: float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _units_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return "、".join(str(v) for v in value)


def _deadline_text(row: Mapping[str, Any]) -> str:
    if row.get("deadline_text"):
        return str(row["deadline_text"])
    deadline = row.get("deadline")
    if isinstance(deadline, str) and deadline:
        deadline = date.fromisoformat(deadline[:10])
    if isinstance(deadline, date):
        return f"{deadline.year}年{deadline.month}月{deadline.day}日"
    return ""


def write_task_sheet(path: str | Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """Export the ledger to the 分工方案 layout (XLSX): 序号, 任务内容, 牵头单位, 责任单位, 完成时限, 目标值, 状态,
    进度(%), 灯号, 最新进展, 领域, 标签.

    Each row is a mapping with keys ``code, title, lead_units, responsible_units, deadline_text`` (or
    ``deadline``), ``target_value, target_unit, status, percent, light, latest, domain, tags`` (missing keys are blank).
    Units are joined with 、, lights written 红/黄/绿 on a cell of that colour. :func:`read_task_sheet` reads
    the file back to the same titles, units, deadlines and targets.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "重点任务分工"
    sheet.append(list(EXPORT_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        target = row.get("target_value")
        target_text = "" if target is None else _format_number(target) + str(row.get("target_unit") or "")
        status = row.get("status")
        status_text = STATUS_ZH.get(str(status), str(status)) if status is not None else ""
        light = row.get("light")
        light_text = LIGHT_ZH.get(str(light), str(light)) if light is not None else ""
        percent = row.get("percent")
        sheet.append(
            sanitize.row(
                [
                    str(row.get("code") or ""),
                    str(row.get("title") or ""),
                    _units_text(row.get("lead_units")),
                    _units_text(row.get("responsible_units")),
                    _deadline_text(row),
                    target_text,
                    status_text,
                    None if percent is None else round(float(percent), 1),
                    light_text,
                    str(row.get("latest") or ""),
                    str(row.get("domain") or ""),
                    _units_text(row.get("tags")),
                ]
            )
        )
        line = sheet.max_row
        for cell in sheet[line]:
            cell.alignment = wrap
        if light_text in LIGHT_FILL:
            sheet.cell(line, 9).fill = PatternFill("solid", fgColor=LIGHT_FILL[light_text])
            sheet.cell(line, 9).alignment = Alignment(horizontal="center", vertical="top")
    for letter, width in zip("ABCDEFGHIJKL", (10, 48, 24, 30, 18, 12, 10, 9, 7, 40, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.save(Path(path))
