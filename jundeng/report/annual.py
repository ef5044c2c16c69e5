"""The annual report (工作总结和工作计划) of one programme and year, assembled into the document model (pure).

A title page (with the synthetic-data and pending-values notes), a summary of the year, one section per domain
(its targets; the key indicators against last year and the baseline; the urban–rural and inter-area gaps and
whether they narrowed; its tasks), the fiscal equalization when fiscal data are stored (need, capacity and gap
per region, the growth check: :mod:`jundeng.report.annual_fiscal`), access to facilities when facilities and
population points are stored (:mod:`jundeng.report.annual_access`), the problems, next year's priorities drawn
from them, and annex tables (every target, every district's scorecard). Every sentence comes from
:mod:`jundeng.report.narrative` and states figures the tables of :mod:`jundeng.report.annual_tables` hold.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from jundeng.report import narrative as say
from jundeng.report.annual_access import access_section
from jundeng.report.annual_fiscal import fiscal_section
from jundeng.report.annual_inputs import AnnualInputs, GapSeries, KeyIndicator
from jundeng.report.annual_tables import (
    MISSED,
    attainment_table,
    counts,
    domain_name,
    gap_chart,
    gap_row,
    gap_table,
    indicator_name,
    indicator_unit,
    key_rows,
    key_table,
    ranking_chart,
    score_map,
    scorecard_table,
    targets_table,
    task_counts,
    tasks_table,
    trend_chart,
)
from jundeng.report.cells import cell_number as num
from jundeng.report.document import Block, Document, Paragraph, Section
from jundeng.report.words import issuer
from jundeng.report.words import t as tr

TREND_CHARTS = 2  # trend charts per domain at most


def _row(frame: pd.DataFrame, column: str, value: str) -> dict[str, Any] | None:
    found = frame[frame[column] == value] if len(frame) else frame
    return {str(k): v for k, v in found.iloc[0].to_dict().items()} if len(found) else None


def _title_page(inputs: AnnualInputs, lang: str) -> dict[str, Any]:
    year, name = inputs.year, inputs.programme_name
    notes = []
    if inputs.synthetic:
        notes.append(
            tr(
                lang,
                "本报告使用演示用的合成数据，不反映真实情况。",
                "This report uses synthetic demonstration data, not real figures.",
            )
        )
    if inputs.pending:
        notes.append(
            tr(
                lang,
                f"另有 {inputs.pending} 个数值待审核，未计入本报告。",
                f"{inputs.pending} more values await review and are not counted.",
            )
        )
    if inputs.derived:
        notes.append(tr(lang, "部分数值由下级汇总得出。", "Some values are rolled up from the level below."))
    return {
        "title": tr(
            lang, f"{name}{year}年基本公共服务均等化工作总结", f"{name}: equalization of basic public services, {year}"
        ),
        "subtitle": tr(lang, f"暨{year + 1}年工作计划", f"Annual report and plan for {year + 1}"),
        "issuer": issuer(name, lang),
        "date": inputs.ledger_day.isoformat(),
        "notes": tuple(notes),
    }


SCOPE_WORDS = {"province": "全省", "city": "全市", "district": "全县（区）", "town": "全镇"}


def _scope(inputs: AnnualInputs, lang: str, en: str) -> str:
    """Return how the programme is named in a sentence: 全市 (English: ``en``)."""
    return en if lang == "en" else SCOPE_WORDS.get(inputs.level, inputs.programme_name)


def _gap_paragraph(inputs: AnnualInputs, lang: str, gap: GapSeries) -> Paragraph:
    row = gap_row(inputs, gap)
    return say.gap_change(
        lang,
        name=indicator_name(inputs, gap.indicator, lang),
        index=gap.index,
        year=inputs.year,
        value=num(row["value"]),
        previous_year=row["previous_year"],
        previous=num(row["previous"]),
        scope=_scope(inputs, lang, ""),
        between=num(row["between"]),
    )


def _key_paragraph(inputs: AnnualInputs, lang: str, key: KeyIndicator) -> Paragraph:
    row = key_rows(inputs, key)
    return say.indicator_change(
        lang,
        name=indicator_name(inputs, key.code, lang),
        unit=inputs.unit(indicator_unit(inputs, key.code), lang),
        year=inputs.year,
        value=num(row["value"]),
        previous=num(row["previous"]),
        previous_year=row["previous_year"],
        baseline=num(row["baseline"]),
        baseline_year=row["baseline_year"],
    )


def _domain_section(inputs: AnnualInputs, lang: str, code: str, n: int) -> Section:
    name = domain_name(inputs, code, lang)
    subs: list[Section] = []
    row = _row(inputs.by_domain, "domain", code)
    targets = inputs.attainment[inputs.attainment["domain"] == code]
    blocks: list[Block] = [
        say.domain_targets(lang, domain=name, counts=counts(row), rate=num(row["attainment_rate"]) if row else None)
    ]
    if len(targets):
        title = tr(lang, f"{name}目标", f"Targets: {name}")
        blocks.append(targets_table(inputs, lang, targets, title, "", brief=True))
    subs.append(Section(tr(lang, "目标完成情况", "Targets"), tuple(blocks), level=2))
    keys = [k for k in inputs.key_indicators if k.domain == code]
    if keys:
        blocks = [_key_paragraph(inputs, lang, k) for k in keys]
        blocks.append(key_table(inputs, lang, keys, name))
        blocks += [trend_chart(inputs, lang, k) for k in keys if len(k.values) > 1][:TREND_CHARTS]
        subs.append(Section(tr(lang, "主要指标", "Key indicators"), tuple(blocks), level=2))
    gaps = [g for g in inputs.gaps if g.domain == code]
    if gaps:
        blocks = [_gap_paragraph(inputs, lang, g) for g in gaps]
        blocks.append(gap_table(inputs, lang, gaps, name))
        subs.append(Section(tr(lang, "城乡和地区差距", "Urban–rural and inter-area gaps"), tuple(blocks), level=2))
    part = inputs.ledger[inputs.ledger["domain_code"] == code]
    if len(part):
        c = task_counts(part)
        para = say.tasks_done(
            lang,
            day=inputs.ledger_day,
            total=c["total"],
            completed=c["completed"],
            overdue=c["overdue"],
            red=c["red"],
            domain=name,
        )
        subs.append(Section(tr(lang, "重点任务", "Key tasks"), (para,), level=2))
    return Section(tr(lang, f"{_ordinal(n)}、{name}", f"{n}. {name}"), (), tuple(subs))


def _behind(inputs: AnnualInputs) -> list[tuple[str, float, int, int]]:
    """Return the districts scoring below the average: (name, score, rank, targets lagging), worst last."""
    card = inputs.scorecard
    if card is None or len(card) < 2:
        return []
    mean = float(card["score"].mean())
    rows = card[card["score"] < mean].sort_values("rank")
    return [
        (str(r["name"]), float(r["score"]), int(r["rank"]), int(num(r.get("targets_missed")) or 0))
        for r in rows.to_dict("records")
    ]


def _summary(inputs: AnnualInputs, lang: str) -> Section:
    overall = {str(k): v for k, v in inputs.overall.iloc[0].to_dict().items()} if len(inputs.overall) else None
    scope = _scope(inputs, lang, inputs.programme_name)
    blocks: list[Block] = [
        say.year_summary(
            lang,
            year=inputs.year,
            scope=scope,
            counts=counts(overall),
            rate=num(overall["attainment_rate"]) if overall else None,
            binding_missed=int(overall["binding_missed"]) if overall else 0,
        )
    ]
    c = task_counts(inputs.ledger)
    blocks.append(
        say.tasks_done(
            lang, day=inputs.ledger_day, total=c["total"], completed=c["completed"], overdue=c["overdue"], red=c["red"]
        )
    )
    card = inputs.scorecard
    if card is not None and len(card) >= 2:
        ordered = card.sort_values("rank")
        best, worst = ordered.iloc[0], ordered.iloc[-1]
        blocks.append(
            say.district_ranking(
                lang,
                best=(str(best["name"]), float(best["score"])),
                worst=(str(worst["name"]), float(worst["score"])),
                units=int(worst["rank"]),
            )
        )
    blocks += [attainment_table(inputs, lang), tasks_table(inputs, lang)]
    blocks += [b for b in (gap_chart(inputs, lang), ranking_chart(inputs, lang), score_map(inputs, lang)) if b]
    return Section(tr(lang, "一、总体情况", "1. Summary of the year"), tuple(blocks))


def _missed_names(inputs: AnnualInputs, lang: str, frame: pd.DataFrame) -> list[str]:
    return [indicator_name(inputs, str(c), lang) for c in frame["indicator"]]


def _problems(inputs: AnnualInputs, lang: str, n: int) -> Section:
    att = inputs.attainment
    ledger = inputs.ledger
    blocks: list[Block] = [
        say.problem_targets(
            lang,
            off_track=_missed_names(inputs, lang, att[att["status"] == "off_track"]),
            worsening=_missed_names(inputs, lang, att[att["status"] == "worsening"]),
        ),
        say.problem_tasks(
            lang,
            red=[str(t)[:24] for t in ledger.loc[ledger["light"].astype(str) == "red", "title"]],
            overdue=[str(t)[:24] for t in ledger.loc[ledger["status"].astype(str) == "overdue", "title"]],
        ),
    ]
    if inputs.scorecard is not None and len(inputs.scorecard) >= 2:
        blocks.append(say.problem_districts(lang, behind=_behind(inputs)))
    return Section(tr(lang, f"{_ordinal(n)}、存在的问题", f"{n}. Problems"), tuple(blocks))


def _widened(inputs: AnnualInputs, lang: str) -> list[str]:
    names = []
    for g in inputs.gaps:
        row = gap_row(inputs, g)
        value, previous = num(row["value"]), num(row["previous"])
        d = say.INDEX_DECIMALS[g.index]
        if value is not None and previous is not None and round(value, d) > round(previous, d):
            index = say.INDEX_WORDS["en" if lang == "en" else "zh"][g.index]
            names.append(
                f"{indicator_name(inputs, g.indicator, lang)} ({index})"
                if lang == "en"
                else f"{indicator_name(inputs, g.indicator, lang)}（{index}）"
            )
    return names


def _priorities(inputs: AnnualInputs, lang: str, n: int) -> Section:
    blocks: list[Block] = []
    att = inputs.attainment
    for d in inputs.domains:
        missed = att[(att["domain"] == d.code) & att["status"].isin(MISSED)]
        if len(missed):
            blocks.append(
                say.priority_targets(
                    lang, domain=domain_name(inputs, d.code, lang), missed=_missed_names(inputs, lang, missed)
                )
            )
    c = task_counts(inputs.ledger)
    if c["red"] or c["overdue"]:
        blocks.append(say.priority_tasks(lang, red=c["red"], overdue=c["overdue"]))
    behind = _behind(inputs)
    if behind:
        blocks.append(say.priority_districts(lang, names=[b[0] for b in behind]))
    widened = _widened(inputs, lang)
    if widened:
        blocks.append(say.priority_gaps(lang, names=widened))
    if not blocks:
        blocks.append(Paragraph(tr(lang, "巩固现有成果，保持各项目标稳定达成。", "Keep every target met.")))
    return Section(
        tr(lang, f"{_ordinal(n)}、{inputs.year + 1}年工作重点", f"{n}. Priorities for {inputs.year + 1}"), tuple(blocks)
    )


def _annex(inputs: AnnualInputs, lang: str, n: int) -> Section:
    blocks: list[Block] = [
        targets_table(
            inputs,
            lang,
            inputs.attainment,
            tr(lang, "附表1 全部目标完成情况", "Annex table 1: every target"),
            tr(lang, "全部目标", "All targets"),
        )
    ]
    card = scorecard_table(inputs, lang)
    if card is not None:
        blocks.append(card)
    return Section(tr(lang, f"{_ordinal(n)}、附表", f"{n}. Annex tables"), tuple(blocks))


DIGITS = "零一二三四五六七八九"


def _ordinal(n: int) -> str:
    """Return ``n`` (1–99) in Chinese numerals: 一, 十, 十一, 二十三."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else DIGITS[tens] + "十"
    return head + (DIGITS[ones] if ones else "")


def annual_report(inputs: AnnualInputs, lang: str = "zh") -> Document:
    """Return the annual report of ``inputs`` in ``lang`` (``zh`` or ``en``)."""
    lang = "en" if lang == "en" else "zh"
    domains = tuple(_domain_section(inputs, lang, d.code, n) for n, d in enumerate(inputs.domains, start=2))
    n = len(domains) + 2
    title = tr(lang, f"{_ordinal(n)}、基本公共服务财政保障", f"{n}. Fiscal equalization")
    fiscal = fiscal_section(inputs, lang, title, _scope(inputs, lang, inputs.programme_name))
    n += fiscal is not None
    title = tr(lang, f"{_ordinal(n)}、设施覆盖与可达性", f"{n}. Access to facilities")
    access = access_section(inputs, lang, title, _scope(inputs, lang, inputs.programme_name))
    n += access is not None
    sections = (
        _summary(inputs, lang),
        *domains,
        *((fiscal,) if fiscal is not None else ()),
        *((access,) if access is not None else ()),
        _problems(inputs, lang, n),
        _priorities(inputs, lang, n + 1),
        _annex(inputs, lang, n + 2),
    )
    meta = {"kind": "annual", "year": inputs.year, "programme": inputs.programme, "day": inputs.ledger_day}
    return Document(sections=sections, lang=lang, meta=meta, **_title_page(inputs, lang))


def report_day(year: int, today: date) -> date:
    """Return the day the annual report of ``year`` assesses the ledger on: ``today``, at most the year's end."""
    return min(today, date(year, 12, 31))
