"""A district's scorecard (考评报告) as a document (pure): one or two printable pages with the district's score,
rank and rank interval (the appraisal's Monte Carlo, 5th–95th percentile), its domain scores against the
programme's average, the targets met and missed, the gaps between its own towns and villages, and its tasks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from jundeng.appraise.attainment import MISSED
from jundeng.domain.attainment import AttainmentStatus
from jundeng.domain.tasks import Light, TaskStatus
from jundeng.report.cells import cell_number as _num
from jundeng.report.document import Chart, Column, Document, Paragraph, Section, Series, Table
from jundeng.report.words import day_label, issuer, t

ACHIEVED = (AttainmentStatus.ACHIEVED.value, AttainmentStatus.ON_TRACK.value)

LEVEL_WORDS = {"district": ("县/区", "county"), "town": ("乡镇/街道", "town"), "village": ("村/社区", "village")}


@dataclass(frozen=True, eq=False)
class ScorecardInputs:
    """What a district's scorecard says: the appraisal's scorecard, attainment, gaps inside it and its tasks."""

    programme: str
    region: str
    name: str
    year: int
    today: date
    card: pd.DataFrame  # the appraisal's scorecard: one row per ranked region
    domains: Mapping[str, tuple[str, str]]  # code → (name, English name)
    indicators: Mapping[str, tuple[str, str]]
    attainment: pd.DataFrame  # facts.attained(facts, year, region)
    gaps: tuple[Mapping[str, Any], ...]  # analysis.gaps rows inside the district
    tasks: pd.DataFrame  # the ledger's tasks decomposed to the district
    shares: pd.DataFrame  # the district's own shares of them (assess_shares)
    synthetic: bool = False


def _name(names: Mapping[str, tuple[str, str]], code: str, lang: str) -> str:
    found = names.get(code)
    return (found[1] if lang == "en" else found[0]) if found else code


def row(inputs: ScorecardInputs) -> dict[str, Any]:
    """Return the district's row of the appraisal's scorecard."""
    found = inputs.card[inputs.card["region"] == inputs.region]
    return {str(k): v for k, v in found.iloc[0].to_dict().items()}


def domain_rows(inputs: ScorecardInputs, lang: str) -> list[dict[str, Any]]:
    """Return one row per domain: the district's score, the average of the ranked regions and the difference."""
    mine = row(inputs)
    rows = []
    for code in inputs.domains:
        if code not in inputs.card.columns:
            continue
        score, mean = _num(mine.get(code)), _num(inputs.card[code].mean())
        diff = score - mean if score is not None and mean is not None else None
        rows.append({"domain": _name(inputs.domains, code, lang), "score": score, "average": mean, "diff": diff})
    return rows


def target_rows(inputs: ScorecardInputs, lang: str, missed: bool) -> list[dict[str, Any]]:
    """Return the district's targets met (achieved or on track) or missed (off track or worsening)."""
    frame = inputs.attainment
    if frame.empty:
        return []
    keep = frame["status"].isin([str(s) for s in MISSED]) if missed else frame["status"].isin(ACHIEVED)
    return [
        {
            "indicator": _name(inputs.indicators, str(r["indicator"]), lang),
            "target": _num(r.get("target")),
            "actual": _num(r.get("actual")),
            "status": AttainmentStatus(str(r["status"])).label(lang),
        }
        for r in frame[keep].to_dict(orient="records")
    ]


def task_rows(inputs: ScorecardInputs, lang: str) -> list[dict[str, Any]]:
    """Return the district's tasks with its own share's progress, status and light (the city's when none)."""
    own = {str(r["code"]): r for r in inputs.shares.to_dict(orient="records")} if len(inputs.shares) else {}
    rows = []
    for r in inputs.tasks.to_dict(orient="records"):
        mine = own.get(str(r["code"]), r)
        rows.append(
            {
                "code": r["code"],
                "title": r["title"],
                "deadline": str(r["deadline"]) if isinstance(r.get("deadline"), date) else None,
                "percent": _num(mine.get("percent")),
                "status": TaskStatus(str(mine["status"])).label(lang),
                "light": Light(str(mine["light"])).label(lang),
                "light_code": str(mine["light"]),
            }
        )
    return rows


def summary(inputs: ScorecardInputs, lang: str) -> Paragraph:
    """Return the opening paragraph: score, rank among the regions ranked, its interval and the targets."""
    mine, units = row(inputs), len(inputs.card)
    score, rank = float(mine["score"]), int(mine["rank"])
    low, high = _num(mine.get("rank_p05")), _num(mine.get("rank_p95"))
    met, missed = len(target_rows(inputs, lang, False)), len(target_rows(inputs, lang, True))
    band = (
        t(lang, f"（模拟排名区间第{low:.0f}至{high:.0f}名）", f" (simulated rank interval {low:.0f}–{high:.0f})")
        if low is not None and high is not None
        else ""
    )
    text = t(
        lang,
        f"{inputs.year}年，{inputs.name}综合得分{score:.1f}分，在{units}个区中排名第{rank}位{band}；"
        f"{met}项目标已达成或进度正常，{missed}项目标进度滞后或出现倒退。",
        f"In {inputs.year}, {inputs.name} scored {score:.1f}, ranking {rank} of {units}{band}; {met} targets were "
        f"achieved or on track and {missed} off track or worsening.",
    )
    numbers = (round(score, 1), float(rank), float(units), float(met), float(missed))
    return Paragraph(text, numbers + ((low, high) if low is not None and high is not None else ()), style="lead")


def scorecard_report(inputs: ScorecardInputs, lang: str = "zh") -> Document:
    """Return the district's scorecard of the year as a document."""
    mine = row(inputs)
    headline = Table(
        t(lang, "综合得分与排名", "Score and rank"),
        (
            Column("score", t(lang, "综合得分", "Score"), "num"),
            Column("rank", t(lang, "排名", "Rank"), "int"),
            Column("units", t(lang, "参评区数", "Regions ranked"), "int"),
            Column("rank_p05", t(lang, "排名区间下限", "Rank interval, best"), "int"),
            Column("rank_p95", t(lang, "排名区间上限", "Rank interval, worst"), "int"),
            Column("score_change", t(lang, "得分较上年变化", "Score change on last year"), "num"),
        ),
        (
            {
                "score": _num(mine["score"]),
                "rank": int(mine["rank"]),
                "units": len(inputs.card),
                "rank_p05": _num(mine.get("rank_p05")),
                "rank_p95": _num(mine.get("rank_p95")),
                "score_change": _num(mine.get("score_change")),
            },
        ),
        note=t(
            lang, "排名区间为蒙特卡洛模拟的第5至第95百分位。", "Rank interval: 5th–95th percentile of the simulation."
        ),
        sheet=t(lang, "得分", "Score"),
    )
    domains = domain_rows(inputs, lang)
    domain_table = Table(
        t(lang, "分领域得分", "Scores by domain"),
        (
            Column("domain", t(lang, "领域", "Domain")),
            Column("score", t(lang, "本区得分", "Score"), "num"),
            Column("average", t(lang, "各区平均", "Average"), "num"),
            Column("diff", t(lang, "与平均之差", "Difference"), "num"),
        ),
        tuple(domains),
        sheet=t(lang, "分领域", "Domains"),
    )
    chart = Chart(
        t(lang, "分领域得分与各区平均", "Domain scores against the average"),
        "barh",
        tuple(r["domain"] for r in domains),
        (
            Series(inputs.name, tuple(r["score"] for r in domains)),
            Series(t(lang, "各区平均", "Average"), tuple(r["average"] for r in domains), dashed=True),
        ),
        unit=t(lang, "分", "points"),
    )
    target_columns = (
        Column("indicator", t(lang, "指标", "Indicator")),
        Column("target", t(lang, "目标值", "Target"), "num"),
        Column("actual", t(lang, "实际值", "Actual"), "num"),
        Column("status", t(lang, "状态", "Status")),
    )
    met, missed = target_rows(inputs, lang, False), target_rows(inputs, lang, True)
    gap_table = Table(
        t(lang, "区内差距（各镇街、村居之间）", "Gaps inside the district (between its towns and villages)"),
        (
            Column("indicator", t(lang, "指标", "Indicator")),
            Column("level", t(lang, "层级", "Level")),
            Column("units", t(lang, "单位数", "Units"), "int"),
            Column("gini", t(lang, "基尼系数", "Gini"), "num"),
            Column("max_min", t(lang, "最高/最低", "Max/min"), "num"),
        ),
        tuple(
            {
                "indicator": _name(inputs.indicators, str(g["indicator"]), lang),
                "level": t(lang, *LEVEL_WORDS.get(str(g["level"]), (str(g["level"]), str(g["level"])))),
                "units": g["units"],
                "gini": g.get("gini"),
                "max_min": g.get("max_min"),
            }
            for g in inputs.gaps[:10]
        ),  # fmt: skip
        sheet=t(lang, "区内差距", "Gaps"),
    )
    tasks = task_rows(inputs, lang)
    task_table = Table(
        t(lang, "本区红灯、黄灯任务", "The district's red and yellow tasks"),
        (
            Column("code", t(lang, "任务编号", "Task")),
            Column("title", t(lang, "任务内容", "Task content")),
            Column("deadline", t(lang, "完成时限", "Deadline")),
            Column("percent", t(lang, "本区进度", "Progress"), "num", "%"),
            Column("status", t(lang, "状态", "Status")),
            Column("light", t(lang, "亮灯", "Light")),
        ),
        tuple(r for r in tasks if r["light_code"] != Light.GREEN.value),  # the page lists those that need action
        note=t(lang, f"截至{day_label(inputs.today, lang)}。", f"As of {day_label(inputs.today, lang)}."),
        sheet=t(lang, "任务", "Tasks"),
    )
    lights = [sum(r["light_code"] == light.value for r in tasks) for light in (Light.RED, Light.YELLOW, Light.GREEN)]
    task_count = Paragraph(
        t(
            lang,
            f"本区承担{len(tasks)}项重点任务：红灯{lights[0]}项、黄灯{lights[1]}项、绿灯{lights[2]}项；下表列出红灯、黄灯任务。",
            f"The district shares {len(tasks)} tasks: {lights[0]} red, {lights[1]} yellow, {lights[2]} green; "
            "the red and yellow ones are listed below.",
        ),
        numbers=(float(len(tasks)), *(float(n) for n in lights)),
    )
    none = Paragraph(t(lang, "无。", "None."))
    sections = (
        Section(t(lang, "一、综合得分与排名", "1. Score and rank"), (summary(inputs, lang), headline)),
        Section(t(lang, "二、分领域得分", "2. Scores by domain"), (domain_table, chart)),
        Section(
            t(lang, "三、目标完成情况", "3. Targets"),
            (),
            (
                Section(
                    t(lang, "（一）已达成或进度正常", "3.1 Met or on track"),
                    (
                        Table(
                            t(lang, "已达成目标", "Targets met"),
                            target_columns,
                            tuple(met),
                            sheet=t(lang, "达成", "Met"),
                        ),
                    )
                    if met
                    else (none,),
                    level=2,
                ),
                Section(
                    t(lang, "（二）进度滞后或倒退", "3.2 Missed"),
                    (
                        Table(
                            t(lang, "未达成目标", "Targets missed"),
                            target_columns,
                            tuple(missed),
                            sheet=t(lang, "未达成", "Missed"),
                        ),
                    )
                    if missed
                    else (none,),
                    level=2,
                ),
            ),  # fmt: skip
        ),
        Section(t(lang, "四、区内差距", "4. Gaps inside the district"), (gap_table,) if inputs.gaps else (none,)),
        Section(t(lang, "五、重点任务", "5. Tasks"), (task_count, task_table) if len(inputs.tasks) else (none,)),
    )
    synthetic = t(lang, "本报告使用演示用合成数据。", "This report uses synthetic demo data.")
    return Document(
        title=t(
            lang,
            f"{inputs.name}{inputs.year}年基本公共服务均等化考评报告",
            f"Appraisal scorecard {inputs.year}: {inputs.name}",
        ),  # fmt: skip
        sections=sections,
        subtitle=t(lang, f"{inputs.programme}基本公共服务均等化绩效考评", "Equalization of basic public services"),
        issuer=issuer(inputs.programme, lang),
        date=day_label(inputs.today, lang),
        lang=lang,
        notes=(synthetic,) if inputs.synthetic else (),
        compact=True,  # one or two printable pages
        meta={"kind": "scorecard", "region": inputs.region, "year": inputs.year, "programme": inputs.programme},
    )
