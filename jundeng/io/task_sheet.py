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
  targets ("新建12所中小学", "4万人", "十二所") — see :func:`parse_deadline` and :func:`parse_target`.

Every problem is located as ``file[sheet]:row:column`` and all are returned together; the caller imports
nothing if there is any.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jundeng.domain.tasks import Task
from jundeng.errors import Problem
from jundeng.io.tables import INSTRUCTION_SHEETS, cell_text, decode_bytes, open_workbook

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

STANDING_WORDS = ("长期", "持续", "常态", "经常", "每年", "逐年", "定期", "动态")
START_WORDS = ("起", "开始", "以来", "以后")

_CN_DIGITS = {ch: int(d) for ch, d in zip("〇零一二两三四五六七八九", "001223456789", strict=True)}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}

# Measure words and units a target number may carry, longest first (so 人次 wins over 人, 千米 over 千).
# fmt: off
_UNIT_WORDS = (
    "个百分点", "百分点", "平方公里", "平方米", "立方米", "万元", "亿元", "千米", "千克", "公里", "公顷", "人次",
    "床位", "个", "所", "套", "人", "名", "户", "家", "张", "座", "处", "间", "台", "辆", "项", "条", "次", "册",
    "件", "本", "场", "支", "亩", "元", "岁", "年", "天", "小时", "分钟", "米", "吨", "份", "栋", "幢", "站", "班",
    "位", "种", "篇", "片", "块", "倍", "%", "‰",
)
# fmt: on
TARGET_UNITS = tuple(sorted(_UNIT_WORDS, key=len, reverse=True))

STATUS_ZH = {
    "not_started": "未开始",
    "in_progress": "推进中",
    "completed": "已完成",
    "overdue": "逾期",
    "suspended": "暂停",
}
LIGHT_ZH = {"green": "绿", "yellow": "黄", "red": "红"}
LIGHT_FILL = {"绿": "63BE7B", "黄": "FFEB84", "红": "F8696B"}
# fmt: off
EXPORT_HEADER = (
    "序号", "任务内容", "牵头单位", "责任单位", "完成时限", "目标值", "状态", "进度(%)", "灯号", "最新进展",
)
# fmt: on


# ---------------------------------------------------------------------------------------------- numbers


def cn_to_number(text: str) -> int | None:
    """Return the value of a Chinese numeral ("十二", "两千", "一万二千", "二〇一七"), or None."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_SMALL and ch not in _CN_BIG for ch in text):
        return None
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = digit = 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[ch]
            digit = 0
        else:
            big = _CN_BIG[ch]
            if big > 10**4:
                total = (total + section + digit) * big
            else:
                total += (section + digit) * big
            section = digit = 0
    return total + section + digit


def _cn_decimal(text: str) -> float | None:
    """Return the value of a Chinese numeral with an optional 点 fraction ("一点五" → 1.5)."""
    whole, _, frac = text.partition("点")
    value = cn_to_number(whole)
    if value is None:
        return None
    if not frac:
        return float(value)
    if any(ch not in _CN_DIGITS for ch in frac):
        return None
    return float(f"{value}.{''.join(str(_CN_DIGITS[ch]) for ch in frac)}")


# ------------------------------------------------------------------------------------------- numbering

_CN_NUM = "一二三四五六七八九十百"
_NUMBERING: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"^第([{_CN_NUM}\d]+)(?:部分|章|节|篇)[\s、.．:：]*"), 1),
    (re.compile(rf"^([{_CN_NUM}]+)[、.．]\s*"), 1),
    (re.compile(rf"^[（(]([{_CN_NUM}]+)[）)][\s、.．]*"), 2),
    (re.compile(r"^([一二三四五六七八九十]+)是[，,：:\s]*"), 3),
    (re.compile(r"^[（(](\d{1,3})[）)][\s、.．]*"), 3),
    (re.compile(r"^(\d{1,3})(?:[、．]|\.(?!\d)|[)）])\s*"), 3),
    (re.compile(r"^([\u2460-\u2473])\s*"), 3),
)
_BARE_CN_NUMBER = re.compile(rf"^[{_CN_NUM}]+$")
_CLEAN_NUMBER = re.compile(r"^(\d{1,6})[.、．]?$")
_CODE_LIKE = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+$|^[A-Za-z][A-Za-z0-9_.-]*$")


def strip_numbering(text: str) -> tuple[str, int | None, int | None]:
    """Return ``text`` without its leading numbering ("（一）", "1.", "一是", "①" …), the number and its level.

    Level 1 is a top heading ("一、", "第一部分"), 2 a sub-heading ("（一）"), 3 an item ("1.", "(1)", "①", "一是").
    """
    for pattern, level in _NUMBERING:
        match = pattern.match(text)
        if match:
            token = match.group(1)
            if "\u2460" <= token <= "\u2473":
                number: int | None = ord(token) - 0x245F
            elif token.isdigit():
                number = int(token)
            else:
                number = cn_to_number(token)
            return text[match.end() :].lstrip(" 　:："), number, level
    return text, None, None


# ------------------------------------------------------------------------------------------------ units

_UNIT_SEPARATORS = set("、，,；;/／")
_OPEN = "（(【["
_CLOSE = "）)】]"
_TRAILING_ETC = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|机构)?$")
_ADMIN_ONLY = re.compile(r"^各?[区县市镇乡街道]+(?:[（(][区县市镇乡街道]+[）)])?$")
_ADMIN_GOV = re.compile(r"^[区县市镇乡街][区县市镇乡街道（）()]*(?:人民)?政府")


def split_units(text: str) -> list[str]:
    """Return the units named in a cell: split on 、，,；; / spaces and newlines (not inside brackets).

    A trailing 等 (等部门, 等有关单位) is removed; "各区、县政府" stays one unit; repeats are dropped.
    """
    pieces: list[str] = []
    buffer: list[str] = []
    depth = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and (ch in _UNIT_SEPARATORS or ch.isspace()):
            pieces.append("".join(buffer))
            buffer = []
        else:
            buffer.append(ch)
    pieces.append("".join(buffer))
    cleaned = [_TRAILING_ETC.sub("", p.strip()).strip() for p in pieces]
    cleaned = [p for p in cleaned if p]
    merged: list[str] = []
    for piece in cleaned:
        if merged and _ADMIN_ONLY.match(merged[-1]) and (_ADMIN_GOV.match(piece) or _ADMIN_ONLY.match(piece)):
            merged[-1] = f"{merged[-1]}、{piece}"
        else:
            merged.append(piece)
    return list(dict.fromkeys(merged))


# ---------------------------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class Deadline:
    """A parsed 完成时限: the deadline (None for standing tasks), an optional start, or an error (zh, en)."""

    deadline: date | None = None
    start: date | None = None
    error: tuple[str, str] | None = None


_DATE_TOKEN = re.compile(
    r"(?P<compact>(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])(?!\d))"
    r"|(?P<iso>(?<!\d)(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})(?:[-/.](?P<id>\d{1,2}))?(?![\d年]))"
    r"|(?P<y>(?<!\d)(?:19|20)\d{2})(?!\d)(?:年度?)?"
    r"|(?P<m>(?<!\d)\d{1,2})月份?(?:(?P<d>\d{1,2})[日号]|(?P<part>上旬|中旬|下旬|初|中|底|末))?"
    r"|(?P<half>上半年|下半年|年中)"
    r"|前(?P<qq>[1-4])季度|第?(?P<q>[1-4])季度"
    r"|(?<![\d一二三四五六七八九十两])(?P<end>年底|年末|年内|年度内|本年度|本年|今年|当年|全年)"
)
_ATTACHES = ("m", "half", "qq", "q")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _normalize_date_text(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[〇零一二三四五六七八九]{4}(?=年)", lambda m: str(cn_to_number(m[0])), s)
    s = re.sub(r"[一二三四五六七八九十]{1,3}(?=[月日号])", lambda m: str(cn_to_number(m[0])), s)
    s = re.sub(r"[一二三四](?=季度)", lambda m: str(cn_to_number(m[0])), s)
    return re.sub(r"[—–~]", "-", s)


def parse_deadline(text: str, year: int | None = None) -> Deadline:
    """Return the deadline a 完成时限 cell states, the latest of the dates it names.

    - a day ("2017年6月30日前", "2017-06-30", "20170630") is that day; a month ("2017年6月", "2017年6月底",
      "六月底") its last day (上旬 10th, 中旬 / 中 20th, 初 10th); a year ("2017年", "2017年底前") Dec 31;
      上半年 / 年中 June 30, 下半年 Dec 31, 一季度 … 四季度 and 前三季度 the quarter's end;
    - 年内 / 年底 / 本年度 / 今年 and dates without a year use the last year named in the text, else ``year``;
    - a range ("2017-2018年", "2017年6月至12月") ends at its last date;
    - a date followed by 起 / 开始 is a start, not a deadline;
    - no deadline date and a standing word (长期, 持续推进, 常态化, 每年 …) or only a start: None (standing task).
    Anything else is an error.
    """
    s = _normalize_date_text(text)
    matches = list(_DATE_TOKEN.finditer(s))
    current = year
    ends: list[date] = []
    starts: list[date] = []
    skip = False
    try:
        for i, match in enumerate(matches):
            if skip:
                skip = False
                continue
            groups = match.groupdict()
            end_pos = match.end()
            found: date
            if groups["compact"]:
                token = groups["compact"]
                found = date(int(token[:4]), int(token[4:6]), int(token[6:]))
                current = found.year
            elif groups["iso"]:
                current = int(groups["iy"])
                month = int(groups["im"])
                found = date(current, month, int(groups["id"])) if groups["id"] else _month_end(current, month)
            elif groups["y"]:
                current = int(groups["y"])
                nxt = matches[i + 1] if i + 1 < len(matches) else None
                if nxt and nxt.start() == end_pos and any(nxt.group(g) for g in _ATTACHES):
                    continue  # "2017年" + "6月": the month token carries the date
                found = date(current, 12, 31)
            else:
                if current is None:
                    return Deadline(
                        error=(
                            f"完成时限“{text}”没有年份：请写明年份（如 2017年6月底前），或导入时指定年度",
                            f"deadline '{text}' names no year: write it (e.g. 2017年6月底前) or give the year",
                        )
                    )
                if groups["m"]:
                    month = int(groups["m"])
                    part = groups["part"]
                    if groups["d"]:
                        found = date(current, month, int(groups["d"]))
                    elif part in ("上旬", "初"):
                        found = date(current, month, 10)
                    elif part in ("中旬", "中"):
                        found = date(current, month, 20)
                    else:
                        found = _month_end(current, month)
                elif groups["half"]:
                    found = date(current, 12, 31) if groups["half"] == "下半年" else date(current, 6, 30)
                elif groups["qq"] or groups["q"]:
                    found = _month_end(current, int(groups["qq"] or groups["q"]) * 3)
                else:
                    found = date(current, 12, 31)
            if s.startswith(START_WORDS, end_pos):  # "2017年起", "2017年6月开始": a start, not a deadline
                exact = groups["d"] or groups["id"] or groups["compact"]
                starts.append(found if exact else date(found.year, 1, 1) if groups["y"] else found.replace(day=1))
            else:
                ends.append(found)
    except ValueError:
        return Deadline(error=(f"完成时限“{text}”不是有效日期", f"deadline '{text}' is not a valid date"))
    start = min(starts) if starts else None
    if ends:
        return Deadline(deadline=max(ends), start=start)
    if start is not None or any(word in s for word in STANDING_WORDS):
        return Deadline(start=start)
    return Deadline(
        error=(
            f"无法识别的完成时限“{text}”：请写作“2017年底前”“2017年6月30日前”“2017年上半年”或“长期”等",
            f"unreadable deadline '{text}': write e.g. 2017年底前, 2017年6月30日前, 2017年上半年 or 长期",
        )
    )


# --------------------------------------------------------------------------------------------- targets

_TARGET_DATES = re.compile(
    r"(?:19|20)\d{2}年度?(?:\d{1,2}月(?:\d{1,2}[日号])?)?(?:底|末)?"
    r"|(?:19|20)\d{2}(?=[-至到]\d{4})"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"
    r"|\d{1,2}月\d{1,2}[日号]"
    r"|十[一二三四五]五"
)
_TARGET_NUMBER = re.compile(
    r"(?P<a>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"|(?P<c>[〇零一二两三四五六七八九十百千万亿]+(?:点[〇零一二三四五六七八九]+)?)"
)
_MULTIPLIERS = re.compile(r"[十百千万亿]+")
_MULTIPLIER_VALUE = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}


_PER = re.compile(r"(?:/[\u4e00-\u9fff]{1,2}(?![\u4e00-\u9fff]))+")


def _unit_at(text: str, pos: int) -> str | None:
    """Return the unit at ``pos`` with any rate suffix ("元/人/月", "万元/班/年"), or None."""
    unit = next((u for u in TARGET_UNITS if text.startswith(u, pos)), None)
    if unit is not None:
        per = _PER.match(text, pos + len(unit))
        if per:
            unit += per[0]
    return unit


def parse_target(text: str) -> tuple[float, str | None] | None:
    """Return the first target number in ``text`` and the unit after it, or None when there is none.

    "新建12所中小学" → (12, "所"); "2700套" → (2700, "套"); "4万人" / "四万人" → (40000, "人"); "95%" →
    (95, "%"); "500万元" → (500, "万元") (万元 and 亿元 are units of money, not multipliers); a rate keeps its
    whole unit: "690元/人/月" → (690, "元/人/月"). Dates ("2017年", "6月30日") are skipped. A Chinese numeral
    counts only when a known unit follows it.
    """
    s = _TARGET_DATES.sub(" ", unicodedata.normalize("NFKC", text))
    for match in _TARGET_NUMBER.finditer(s):
        pos = match.end()
        value: float | None
        if match["a"]:
            value = float(match["a"].replace(",", ""))
        else:
            run = match["c"]
            if not any(ch in _CN_DIGITS for ch in run) and not run.startswith("十"):
                continue  # 千家万户, 百姓 …
            if (
                run[-1] in "千万亿"
                and "点" not in run
                and (_unit_at(s, pos - 1) or "").startswith(("万元", "亿元", "千米", "千克"))
            ):
                run, pos = run[:-1], pos - 1
            value = _cn_decimal(run)
            if value is None:
                continue
        unit = _unit_at(s, pos)
        if unit is None:
            mult = _MULTIPLIERS.match(s, pos)
            if mult:
                for ch in mult[0]:
                    value *= _MULTIPLIER_VALUE[ch]
                unit = _unit_at(s, mult.end())
        if unit is None and match["c"]:
            continue  # a Chinese numeral counts only with its unit (一体化, 一批 …)
        return value, unit
    return None


# --------------------------------------------------------------------------------------------- reading


@dataclass
class _Grid:
    name: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _text(value: Any) -> str:
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    return cell_text(value).replace("\r\n", "\n").replace("\r", "\n")


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
    return grids, []


def _read_csv(path: Path, name: str) -> tuple[list[_Grid], list[Problem]]:
    data = path.read_bytes()
    if not data.strip():
        return [], [Problem(name, 1, 1, "文件为空", "the file is empty")]
    text, problems = decode_bytes(data, name)
    if problems:
        return [], problems
    grid = _Grid(name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, line + 1, 1, f"CSV 格式错误（引号未闭合？）: {exc}", f"malformed CSV: {exc}"))
            break
        grid.rows.append((line + 1, [_text(cell) for cell in row]))
        line = reader.line_num
    return [grid], problems


def _header_key(text: str) -> str:
    key = re.sub(r"\s+", "", text).strip("*＊")
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
    clean = _CLEAN_NUMBER.match(number_text)
    if clean:
        return f"{prefix}-{int(clean[1]):03d}"
    if _CODE_LIKE.match(number_text) and len(number_text) <= 64:
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
        if not busy and not _CLEAN_NUMBER.match(code_text):
            # a section heading: "一、公共教育" in either column, or "一" / "（一）" in 序号 and the name beside it
            written = title_text or code_text
            name, _, level = strip_numbering(written)
            if code_text and title_text:
                bare = _BARE_CN_NUMBER.match(code_text)
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
    suffix = path.suffix.lower()
    if not path.exists():
        return [], [Problem(name, 0, 0, "文件不存在", "no such file")]
    if suffix in (".xlsx", ".xlsm", ".xls"):
        grids, problems = _read_workbook(path, name)
    elif suffix in (".csv", ".txt"):
        grids, problems = _read_csv(path, name)
    else:
        return [], [
            Problem(name, 0, 0, f"不支持的文件类型 {suffix}", f"unsupported file type {suffix}: use XLSX, XLS or CSV")
        ]
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
    进度(%), 灯号, 最新进展.

    Each row is a mapping with keys ``code, title, lead_units, responsible_units, deadline_text`` (or
    ``deadline``), ``target_value, target_unit, status, percent, light, latest`` (missing keys are blank).
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
            ]
        )
        line = sheet.max_row
        for cell in sheet[line]:
            cell.alignment = wrap
        if light_text in LIGHT_FILL:
            sheet.cell(line, 9).fill = PatternFill("solid", fgColor=LIGHT_FILL[light_text])
            sheet.cell(line, 9).alignment = Alignment(horizontal="center", vertical="top")
    for letter, width in zip("ABCDEFGHIJ", (10, 48, 24, 30, 18, 12, 10, 9, 7, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.save(Path(path))
