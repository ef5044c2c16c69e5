"""Words the reports share (pure): the language switch, periods and days as a 通报 writes them, why a task is
lit and where a notice stands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from jundeng.domain.periods import Period
from jundeng.domain.tasks import Notice, TaskStatus

CN_NUMBERS = "一二三四五六七八九十"
QUARTERS_EN = ("first", "second", "third", "fourth")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def t(lang: str, zh: str, en: str) -> str:
    """Return the text in ``lang`` (``en``, else Chinese)."""
    return en if lang == "en" else zh


def issuer(programme: str, lang: str) -> str:
    """Return who issues a programme's reports: its equalization office (领导小组办公室)."""
    english = "Office of the leading group for the equalization of basic public services"
    return t(lang, f"{programme}基本公共服务均等化工作领导小组办公室", english)


def period_label(period: Period, lang: str) -> str:
    """Return a period in words: 2017年第三季度 / the third quarter of 2017."""
    y, i = period.year, period.index
    if period.kind == "half":
        return t(lang, f"{y}年{'上' if i == 1 else '下'}半年", f"the {'first' if i == 1 else 'second'} half of {y}")
    if period.kind == "quarter":
        return t(lang, f"{y}年第{CN_NUMBERS[i - 1]}季度", f"the {QUARTERS_EN[i - 1]} quarter of {y}")
    if period.kind == "month":
        return t(lang, f"{y}年{i}月", f"{MONTHS_EN[i - 1]} {y}")
    return t(lang, f"{y}年", f"{y}")


def day_label(day: date, lang: str) -> str:
    """Return a day as written in a 通报 (2017年9月30日) or in English (30 September 2017)."""
    return t(lang, f"{day.year}年{day.month}月{day.day}日", f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}")


def reason(row: Mapping[str, Any], lang: str) -> str:
    """Return why a task is lit: days overdue, points behind schedule, and a missing report."""
    parts = []
    left = row.get("days_left")
    if row.get("status") == TaskStatus.OVERDUE.value and left is not None and not pd.isna(left):
        parts.append(t(lang, f"逾期{-int(left)}天", f"{-int(left)} days overdue"))
    behind = row.get("behind")
    behind = None if behind is None or pd.isna(behind) else float(behind)
    if behind is not None and behind > 0:
        parts.append(t(lang, f"落后时序进度{behind:.1f}个百分点", f"{behind:.1f} points behind schedule"))
    elif left is not None and not pd.isna(left) and 0 <= int(left) <= 30:
        parts.append(t(lang, f"距时限仅{int(left)}天", f"due in {int(left)} days"))
    as_of = row.get("as_of")
    if as_of is None or (not isinstance(as_of, date) and pd.isna(as_of)):
        parts.append(t(lang, "未报送进展", "no progress reported"))
    return t(lang, "，", ", ").join(parts)


def notice_state(notice: Notice, today: date, lang: str) -> str:
    """Return a notice's state: closed, answered, overdue without answer, or awaiting its answer."""
    if notice.closed_at is not None:
        return t(lang, "已办结", "closed")
    if notice.response is not None:
        return t(lang, "已回复", "answered")
    if notice.due is not None and notice.due < today:
        return t(lang, "逾期未回复", "overdue, unanswered")
    return t(lang, "待回复", "awaiting answer")
