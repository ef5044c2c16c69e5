"""The periodic bulletin (定期通报) as a document (pure): the numbers of :func:`jundeng.tasks.bulletin` and of the
assessed ledger, said in the 通报 form.

Sections: an opening paragraph with the overall counts (the same numbers as the overall table), progress by unit
(every lead or responsible unit, as the engine counts them) and by district (each district's own share of the
tasks it was decomposed to), the red and yellow lists with the reason, supervision notices (督办) and their
answers, the ranking of units by on-time progress, and the requirements that follow from the numbers.

``on time`` (按期推进) counts the tasks completed or on track (GREEN and neither overdue nor behind); the on-time
rate divides it by the tasks that are not suspended. Units rank by that rate, then by tasks, then by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from jundeng.domain.periods import Period
from jundeng.domain.tasks import Light, Notice, TaskStatus
from jundeng.report.cells import cell_number as _num
from jundeng.report.document import Column, Document, Paragraph, Section, Table
from jundeng.report.words import CN_NUMBERS, day_label, issuer, notice_state, period_label, reason, t
from jundeng.tasks import Bulletin, filter_ledger, rollup

OVERALL_KEYS = ("tasks", "completed", "on_track", "behind", "overdue", "suspended", "red", "yellow", "green")


@dataclass(frozen=True, eq=False)
class BulletinInputs:
    """What the bulletin says: the engine's bulletin, the assessed ledger, the districts' shares and notices."""

    programme: str  # the programme's name, e.g. 珠海市
    period: Period
    today: date
    bulletin: Bulletin
    assessment: pd.DataFrame  # jundeng.tasks.assess: one row per task
    shares: pd.DataFrame  # jundeng.tasks.assess_shares: one row per task and district share
    district_names: Mapping[str, str]
    notices: tuple[Notice, ...] = ()
    synthetic: bool = False


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _units(cell: Any) -> str:
    return "、".join(str(u) for u in cell) if isinstance(cell, list | tuple) else ("" if cell is None else str(cell))


def on_time(counts: Mapping[str, Any]) -> tuple[int, float | None]:
    """Return the tasks on time (completed + on track) and their share of the tasks not suspended."""
    done = _int(counts.get("completed")) + _int(counts.get("on_track"))
    base = _int(counts.get("tasks")) - _int(counts.get("suspended"))
    return done, (done / base if base > 0 else None)


def unit_rows(inputs: BulletinInputs) -> list[dict[str, Any]]:
    """Return one row per unit: the engine's counts, on-time tasks and rate, and the average progress."""
    rows = []
    for found in inputs.bulletin.by_unit.to_dict(orient="records"):
        rec = {str(k): v for k, v in found.items()}
        mine = filter_ledger(inputs.assessment, unit=str(rec["unit"]))
        done, rate = on_time(rec)
        average = float(mine["percent"].mean()) if len(mine) and mine["percent"].notna().any() else None
        rows.append(
            {
                **{k: _int(rec[k]) if k != "unit" else rec[k] for k in rec},
                "on_time": done,
                "rate": rate,
                "average": average,
            }
        )
    return rows


def ranking(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the units ranked by on-time rate (then tasks, then name); ties on rate share a rank."""
    ranked = sorted(rows, key=lambda r: (-(r["rate"] if r["rate"] is not None else -1.0), -r["tasks"], r["unit"]))
    out, previous, rank = [], None, 0
    for i, row in enumerate(ranked, start=1):
        if row["rate"] != previous:
            rank, previous = i, row["rate"]
        out.append({"rank": rank, **row})
    return out


def district_rows(inputs: BulletinInputs) -> list[dict[str, Any]]:
    """Return one row per district: the counts of its own shares (:func:`jundeng.tasks.rollup`), on-time shares
    and rate, and the average progress."""
    shares = inputs.shares
    if shares.empty:
        return []
    counts = rollup(shares, "district")
    closed = [TaskStatus.SUSPENDED.value, TaskStatus.OVERDUE.value]
    timely = (shares["status"] == TaskStatus.COMPLETED.value) | (
        (shares["light"] == Light.GREEN.value) & ~shares["status"].isin(closed)
    )
    rows = []
    for rec in counts.to_dict(orient="records"):
        code = str(rec["district"])
        mine = shares["district"] == code
        done, base = int((timely & mine).sum()), _int(rec["tasks"]) - _int(rec["suspended"])
        row: dict[str, Any] = {"district": inputs.district_names.get(code, code), "code": code}
        row.update({k: _int(rec[k]) for k in ("tasks", "completed", "overdue", "red", "yellow", "green")})
        average = shares.loc[mine, "percent"].mean()
        row.update(on_time=done, rate=done / base if base > 0 else None, average=_num(average))
        rows.append(row)
    return rows


def light_rows(inputs: BulletinInputs, colour: str, lang: str) -> list[dict[str, Any]]:
    """Return the tasks lit ``colour`` (overdue first, then furthest behind) with reason and latest report."""
    frame = inputs.assessment[inputs.assessment["light"] == colour]
    frame = frame.assign(_late=frame["status"] != TaskStatus.OVERDUE.value, _behind=-frame["behind"].fillna(0))
    frame = frame.sort_values(["_late", "_behind", "code"], kind="stable")
    rows = []
    for found in frame.to_dict(orient="records"):
        rec = {str(k): v for k, v in found.items()}
        as_of = rec.get("as_of")
        has_report = isinstance(as_of, date)  # a date prints as YYYY-MM-DD
        narrative = rec.get("narrative") if isinstance(rec.get("narrative"), str) else None
        rows.append(
            {
                "code": rec["code"],
                "title": rec["title"],
                "lead": _units(rec.get("lead_units")),
                "deadline": rec["deadline"].isoformat() if isinstance(rec.get("deadline"), date) else None,
                "percent": _num(rec.get("percent")),
                "expected": _num(rec.get("expected")),
                "reason": reason(rec, lang),
                "latest": f"{as_of} {narrative or ''}".strip() if has_report else None,
            }
        )
    return rows


def notice_rows(inputs: BulletinInputs, lang: str) -> list[dict[str, Any]]:
    """Return one row per notice: task, unit, request, dates, state and answer."""
    return [
        {
            "task": n.task,
            "unit": n.unit,
            "request": n.request,
            "issued": n.issued_at.date().isoformat() if n.issued_at else None,
            "due": n.due.isoformat() if n.due else None,
            "state": notice_state(n, inputs.today, lang),
            "response": n.response,
        }
        for n in inputs.notices
    ]


def _counts_columns(lang: str, first: Column) -> tuple[Column, ...]:
    return (
        first,
        Column("tasks", t(lang, "任务数（项）", "Tasks"), "int"),
        Column("completed", t(lang, "已完成", "Completed"), "int"),
        Column("on_time", t(lang, "按期推进", "On time"), "int"),
        Column("overdue", t(lang, "逾期", "Overdue"), "int"),
        Column("red", t(lang, "红灯", "Red"), "int"),
        Column("yellow", t(lang, "黄灯", "Yellow"), "int"),
        Column("green", t(lang, "绿灯", "Green"), "int"),
        Column("rate", t(lang, "按期推进率", "On-time rate"), "pct"),
    )


def _light_table(rows: list[dict[str, Any]], title: str, sheet: str, lang: str) -> Table:
    columns = (
        Column("code", t(lang, "任务编号", "Task")),
        Column("title", t(lang, "任务内容", "Task content")),
        Column("lead", t(lang, "牵头单位", "Lead units")),
        Column("deadline", t(lang, "完成时限", "Deadline")),
        Column("percent", t(lang, "完成进度", "Progress"), "num", "%"),
        Column("expected", t(lang, "时序进度", "Expected"), "num", "%"),
        Column("reason", t(lang, "亮灯原因", "Why")),
        Column("latest", t(lang, "最近报送", "Latest report")),
    )
    return Table(title, columns, tuple(rows), sheet=sheet)


def opening(inputs: BulletinInputs, lang: str) -> Paragraph:
    """Return the opening paragraph: the overall counts of the engine's totals, as the overall table shows."""
    n = {k: _int(inputs.bulletin.totals.get(k)) for k in OVERALL_KEYS}
    done, rate = on_time(n)
    share = 100 * rate if rate is not None else 0.0
    when, period = day_label(inputs.today, lang), period_label(inputs.period, lang)
    text = t(
        lang,
        f"{period}，全市纳入台账管理的基本公共服务均等化重点任务共{n['tasks']}项。截至{when}，已完成{n['completed']}项，"
        f"按进度推进{n['on_track']}项，进度滞后{n['behind']}项，逾期未完成{n['overdue']}项，暂缓{n['suspended']}项；"
        f"亮红灯{n['red']}项、黄灯{n['yellow']}项、绿灯{n['green']}项，按期推进率{share:.1f}%。现将有关情况通报如下。",
        f"In {period}, the ledger of {inputs.programme} held {n['tasks']} key tasks for the equalization of basic "
        f"public services. As of {when}, {n['completed']} were completed, {n['on_track']} on track, {n['behind']} "
        f"behind schedule, {n['overdue']} overdue and {n['suspended']} suspended; {n['red']} were lit red, "
        f"{n['yellow']} yellow and {n['green']} green, an on-time rate of {share:.1f}%.",
    )
    numbers = tuple(float(n[k]) for k in OVERALL_KEYS) + (round(share, 1),)
    return Paragraph(text, numbers, style="lead")


def overall_table(inputs: BulletinInputs, lang: str) -> Table:
    """Return the one-row table of the overall counts (the opening paragraph's numbers)."""
    n = {k: _int(inputs.bulletin.totals.get(k)) for k in OVERALL_KEYS}
    _, rate = on_time(n)
    labels = {
        "tasks": ("任务数（项）", "Tasks"),
        "completed": ("已完成", "Completed"),
        "on_track": ("按进度推进", "On track"),
        "behind": ("进度滞后", "Behind"),
        "overdue": ("逾期", "Overdue"),
        "suspended": ("暂缓", "Suspended"),
        "red": ("红灯", "Red"),
        "yellow": ("黄灯", "Yellow"),
        "green": ("绿灯", "Green"),
    }
    columns = tuple(Column(k, t(lang, *labels[k]), "int") for k in OVERALL_KEYS)
    columns += (Column("rate", t(lang, "按期推进率", "On-time rate"), "pct"),)
    return Table(
        t(lang, "任务总体进展情况", "Overall progress"),
        columns,
        ({**n, "rate": rate},),
        sheet=t(lang, "总体", "Overall"),
    )


def requirements(inputs: BulletinInputs, units: list[dict[str, Any]], lang: str) -> tuple[Paragraph, ...]:
    """Return the closing requirements, one paragraph per rule that the numbers trigger."""
    n = {k: _int(inputs.bulletin.totals.get(k)) for k in OVERALL_KEYS}
    waiting = sum(1 for x in inputs.notices if x.closed_at is None and x.response is None)
    last = [u for u in ranking(units) if u["rate"] is not None][-3:] if len(units) > 3 else []
    names = "、".join(str(u["unit"]) for u in last)
    rules = [
        (n["overdue"], f"抓紧整改逾期任务。对逾期未完成的{n['overdue']}项任务，牵头单位要在10个工作日内书面说明原因，"
         "提出整改措施和完成时限。", f"Overdue tasks: the lead units of the {n['overdue']} overdue tasks explain the "
         "delay in writing within 10 working days, with the remedy and a new completion date."),
        (n["red"], f"加快推进亮红灯任务。亮红灯的{n['red']}项任务要逐项分析原因，主要负责同志亲自督办，确保按时完成。",
         f"Red tasks: each of the {n['red']} tasks lit red is analysed and followed by the head of its lead unit."),
        (n["yellow"], f"防止黄灯任务滞后。亮黄灯的{n['yellow']}项任务要倒排工期，防止转为红灯。",
         f"Yellow tasks: the {n['yellow']} tasks lit yellow are rescheduled from their deadlines so none turns red."),
        (waiting, f"及时回复督办。尚有{waiting}份督办未回复，相关单位要按期书面回复办理情况。",
         f"Notices: {waiting} supervision notices await an answer; the units answer them in writing when due."),
    ]  # fmt: skip
    rules += [
        (len(last), f"补齐短板。按期推进率排名靠后的{names}要查找原因，加大工作力度。",
         f"Units at the bottom of the ranking ({names}) look into the causes and step up their work."),
        (1, "按时报送进展。各单位要在每月底前通过台账系统报送任务进展并上传佐证材料，确保数据真实准确。",
         "Reporting: every unit reports the progress of its tasks in the ledger with evidence each month."),
    ]  # fmt: skip
    out: list[Paragraph] = []
    for i, (count, zh, en) in enumerate(rules):
        if count:
            stated = (float(count),) if i < 4 else ()
            out.append(Paragraph(t(lang, f"{CN_NUMBERS[len(out)]}是{zh}", en), stated))
    return tuple(out)


def bulletin_report(inputs: BulletinInputs, lang: str = "zh") -> Document:
    """Return the bulletin (定期通报) of the period as a document."""
    period = period_label(inputs.period, lang)
    units, districts = unit_rows(inputs), district_rows(inputs)
    reds, yellows = light_rows(inputs, Light.RED.value, lang), light_rows(inputs, Light.YELLOW.value, lang)
    unit_table = Table(
        t(lang, "各单位任务进展情况", "Progress by unit"),
        (
            *_counts_columns(lang, Column("unit", t(lang, "责任单位", "Unit"))),
            Column("average", t(lang, "平均进度", "Average progress"), "num", "%"),
        ),
        tuple(units),
        note=t(
            lang, "任务按牵头单位和责任单位分别计数。", "A task counts once for each of its lead and responsible units."
        ),
        sheet=t(lang, "分单位", "Units"),
    )
    district_table = Table(
        t(lang, "各区任务进展情况", "Progress by district"),
        (
            *_counts_columns(lang, Column("district", t(lang, "区", "District"))),
            Column("average", t(lang, "平均进度", "Average progress"), "num", "%"),
        ),
        tuple(districts),
        note=t(lang, "按各区分解任务的本区进展计算。", "Each district's own share of the tasks decomposed to it."),
        sheet=t(lang, "分区", "Districts"),
    )
    rank_table = Table(
        t(lang, "各单位按期推进率排名", "Units ranked by on-time rate"),
        (
            Column("rank", t(lang, "名次", "Rank"), "int"),
            Column("unit", t(lang, "责任单位", "Unit")),
            Column("tasks", t(lang, "任务数（项）", "Tasks"), "int"),
            Column("on_time", t(lang, "按期推进", "On time"), "int"),
            Column("rate", t(lang, "按期推进率", "On-time rate"), "pct"),
        ),
        tuple(ranking(units)),
        sheet=t(lang, "排名", "Ranking"),
    )
    notice_table = Table(
        t(lang, "督办事项及回复情况", "Supervision notices and answers"),
        (
            Column("task", t(lang, "任务编号", "Task")),
            Column("unit", t(lang, "督办单位", "Unit")),
            Column("request", t(lang, "督办事项", "Request")),
            Column("issued", t(lang, "下发日期", "Issued")),
            Column("due", t(lang, "回复时限", "Due")),
            Column("state", t(lang, "办理状态", "State")),
            Column("response", t(lang, "回复内容", "Answer")),
        ),
        tuple(notice_rows(inputs, lang)),
        sheet=t(lang, "督办", "Notices"),
    )
    none = t(lang, "本期无。", "None in this period.")
    sections = (
        Section(t(lang, "一、总体情况", "1. Overall progress"), (opening(inputs, lang), overall_table(inputs, lang))),
        Section(t(lang, "二、分单位进展情况", "2. Progress by unit"), (unit_table,)),
        Section(
            t(lang, "三、分区进展情况", "3. Progress by district"),
            (district_table,) if districts else (Paragraph(none),),
        ),
        Section(
            t(lang, "四、红灯、黄灯任务", "4. Tasks lit red and yellow"),
            (),
            (
                Section(
                    t(lang, "（一）红灯任务", "4.1 Red"),
                    (_light_table(reds, t(lang, "红灯任务清单", "Tasks lit red"), t(lang, "红灯", "Red"), lang),)
                    if reds
                    else (Paragraph(none),),
                    level=2,
                ),
                Section(
                    t(lang, "（二）黄灯任务", "4.2 Yellow"),
                    (
                        _light_table(
                            yellows, t(lang, "黄灯任务清单", "Tasks lit yellow"), t(lang, "黄灯", "Yellow"), lang
                        ),
                    )
                    if yellows
                    else (Paragraph(none),),
                    level=2,
                ),
            ),
        ),
        Section(
            t(lang, "五、督办及回复情况", "5. Supervision notices"),
            (notice_table,) if inputs.notices else (Paragraph(none),),
        ),
        Section(t(lang, "六、按期推进率排名", "6. Ranking of units"), (rank_table,)),
        Section(t(lang, "七、工作要求", "7. Requirements"), requirements(inputs, units, lang)),
    )
    start, end = inputs.bulletin.period_start, inputs.bulletin.period_end
    synthetic = t(lang, "本通报中的任务进展为演示用合成数据。", "The progress in this bulletin is synthetic demo data.")
    return Document(
        title=t(
            lang,
            f"{inputs.programme}基本公共服务均等化工作进展情况通报（{period}）",
            f"Progress bulletin on the equalization of basic public services: {period}",
        ),
        subtitle=t(
            lang,
            f"统计期间：{day_label(start, lang)}至{day_label(end, lang)}",
            f"Period: {day_label(start, lang)} to {day_label(end, lang)}",
        ),
        issuer=issuer(inputs.programme, lang),
        date=day_label(inputs.today, lang),
        lang=lang,
        sections=sections,
        notes=(synthetic,) if inputs.synthetic else (),
        meta={
            "kind": "bulletin",
            "period": inputs.period.text,
            "today": inputs.today.isoformat(),
            "programme": inputs.programme,
        },
    )
