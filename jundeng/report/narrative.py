"""Generated narrative: sentences built from the numbers by rules (no language model), in Chinese and English.

Every function returns a :class:`~jundeng.report.document.Paragraph` whose ``numbers`` are the figures the
sentence states, rounded exactly as written (years and days included; names are words, not figures), so that a
test can find each of them in the tables the same computation produced. Missing figures are said as such
("暂无数据" / "no data"), never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from jundeng.report.document import Paragraph

STATUS_ORDER = ("achieved", "on_track", "off_track", "worsening", "no_data")
STATUS_WORDS = {
    "zh": {
        "achieved": "已达成",
        "on_track": "进度正常",
        "off_track": "进度滞后",
        "worsening": "退步",
        "no_data": "无数据",
    },
    "en": {
        "achieved": "achieved",
        "on_track": "on track",
        "off_track": "off track",
        "worsening": "worsening",
        "no_data": "without data",
    },
}
INDEX_WORDS = {  # the gap indices, named in words
    "zh": {"gini": "基尼系数", "theil": "泰尔指数", "ratio": "城乡比"},
    "en": {"gini": "Gini coefficient", "theil": "Theil index", "ratio": "urban–rural ratio"},
}
INDEX_DECIMALS = {"gini": 3, "theil": 3, "ratio": 2}
PERCENT_UNITS = frozenset({"%", "％"})
LISTED = 5  # names listed in one sentence at most


@dataclass
class _Say:
    """Collects the figures a sentence states, each rounded as written."""

    lang: str
    numbers: list[float] = field(default_factory=list)

    def num(self, x: float, decimals: int) -> str:
        rounded = round(float(x), decimals)
        rounded = rounded + 0.0  # no "-0.0"
        self.numbers.append(rounded)
        return f"{rounded:.{decimals}f}"

    def count(self, n: int) -> str:
        self.numbers.append(float(n))
        return str(int(n))

    def pct(self, share: float, decimals: int = 1) -> str:
        return self.num(share * 100, decimals) + "%"

    def day(self, d: date) -> str:
        parts = [self.count(d.year), self.count(d.month), self.count(d.day)]
        if self.lang == "en":
            return f"{parts[0]}-{d.month:02d}-{d.day:02d}"
        return f"{parts[0]}年{parts[1]}月{parts[2]}日"

    def para(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(text, tuple(self.numbers), style)  # type: ignore[arg-type]


def value_decimals(*xs: float | None) -> int:
    """Return the decimals indicator values compared in one sentence are written with: none for whole numbers,
    else 2 below 10, 1 below 1,000 and none above (the most any of them needs)."""
    found = [0]
    for x in xs:
        if x is None or float(x).is_integer():
            continue
        size = abs(float(x))
        found.append(2 if size < 10 else 1 if size < 1000 else 0)
    return max(found)


def _names(lang: str, names: Sequence[str]) -> str:
    unique = list(dict.fromkeys(names))
    shown = unique[:LISTED]
    sep = "、" if lang == "zh" else ", "
    more = ("等" if lang == "zh" else ", etc.") if len(unique) > LISTED else ""
    return sep.join(shown) + more


def _unit_text(lang: str, unit: str) -> str:
    return "" if not unit else unit if lang == "zh" or unit in PERCENT_UNITS else f" {unit}"


def _change_unit(lang: str, unit: str) -> str:
    if unit in PERCENT_UNITS:
        return "个百分点" if lang == "zh" else " percentage points"
    return _unit_text(lang, unit)


def year_summary(
    lang: str, *, year: int, scope: str, counts: Mapping[str, int], rate: float | None, binding_missed: int = 0
) -> Paragraph:
    """Say how the year's targets stand: how many achieved, on track, off track, worsening, without data, and the
    attainment rate (achieved ÷ targets with data)."""
    say = _Say(lang)
    total = sum(int(counts.get(s, 0)) for s in STATUS_ORDER)
    y, n = say.count(year), say.count(total)
    parts = [(s, int(counts.get(s, 0))) for s in STATUS_ORDER if int(counts.get(s, 0))]
    if lang == "en":
        listed = ", ".join(f"{say.count(c)} {STATUS_WORDS['en'][s]}" for s, c in parts)
        text = f"In {y}, of the {n} targets of {scope}, {listed or 'none has data'}."
        text += f" The attainment rate was {say.pct(rate)}." if rate is not None else " No attainment rate: no data."
        if binding_missed:
            text += f" {say.count(binding_missed)} binding target(s) were missed."
        return say.para(text, "lead")
    listed = "，".join(f"{STATUS_WORDS['zh'][s]}{say.count(c)}项" for s, c in parts)
    text = f"{y}年，{scope}{n}项目标中，{listed or '均无数据'}。"
    text += f"目标达成率为{say.pct(rate)}。" if rate is not None else "因无数据，无法计算目标达成率。"
    if binding_missed:
        text += f"{say.count(binding_missed)}项约束性目标未完成。"
    return say.para(text, "lead")


def domain_targets(lang: str, *, domain: str, counts: Mapping[str, int], rate: float | None) -> Paragraph:
    """Say how one domain's targets stand (counts by status and attainment rate)."""
    say = _Say(lang)
    total = sum(int(counts.get(s, 0)) for s in STATUS_ORDER)
    if total == 0:
        return say.para(f"{domain}领域没有设定目标。" if lang == "zh" else f"No targets are set in {domain}.")
    n = say.count(total)
    parts = [(s, int(counts.get(s, 0))) for s in STATUS_ORDER if int(counts.get(s, 0))]
    if lang == "en":
        listed = ", ".join(f"{say.count(c)} {STATUS_WORDS['en'][s]}" for s, c in parts)
        rate_text = f"attainment rate {say.pct(rate)}" if rate is not None else "no attainment rate (no data)"
        return say.para(f"{domain}: {n} targets, {listed}; {rate_text}.")
    listed = "，".join(f"{STATUS_WORDS['zh'][s]}{say.count(c)}项" for s, c in parts)
    rate_text = f"达成率{say.pct(rate)}" if rate is not None else "暂无数据，无法计算达成率"
    return say.para(f"{domain}领域共{n}项目标，其中{listed}，{rate_text}。")


def indicator_change(
    lang: str,
    *,
    name: str,
    unit: str,
    year: int,
    value: float | None,
    previous: float | None = None,
    previous_year: int | None = None,
    baseline: float | None = None,
    baseline_year: int | None = None,
) -> Paragraph:
    """Say an indicator's value this year and its change against last year and against the baseline."""
    say = _Say(lang)
    if value is None:
        y = say.count(year)
        return say.para(f"{name}{y}年暂无数据。" if lang == "zh" else f"{name}: no data for {y}.")
    d = value_decimals(value, previous, baseline)
    u, cu = _unit_text(lang, unit), _change_unit(lang, unit)
    y, v = say.count(year), say.num(value, d)
    clauses: list[str] = []
    for other, other_year, zh_label in ((previous, previous_year, "上年"), (baseline, baseline_year, "基期")):
        if other is None or other_year is None:
            continue
        delta = value - other
        oy, ov = say.count(other_year), say.num(other, d)
        if lang == "en":
            label = "last year" if zh_label == "上年" else "the baseline"
            if round(abs(delta), d) == 0:
                clauses.append(f"unchanged from {label} ({oy}: {ov}{u})")
            else:
                word = "up" if delta > 0 else "down"
                clauses.append(f"{word} {say.num(abs(delta), d)}{cu} from {label} ({oy}: {ov}{u})")
        elif round(abs(delta), d) == 0:
            clauses.append(f"与{zh_label}（{oy}年{ov}{u}）持平")
        else:
            word = "提高" if delta > 0 else "下降"
            clauses.append(f"比{zh_label}（{oy}年{ov}{u}）{word}{say.num(abs(delta), d)}{cu}")
    if lang == "en":
        tail = ("; " + "; ".join(clauses)) if clauses else "; no earlier value to compare"
        return say.para(f"{name} was {v}{u} in {y}{tail}.")
    tail = ("，" + "，".join(clauses)) if clauses else "，暂无可比较的往年数据"
    return say.para(f"{name}{y}年为{v}{u}{tail}。")


def gap_change(
    lang: str,
    *,
    name: str,
    index: str,
    year: int,
    value: float | None,
    previous_year: int | None,
    previous: float | None,
    scope: str = "",
    between: float | None = None,
) -> Paragraph:
    """Say whether a gap (``index``: gini, theil or ratio, named in words) narrowed or widened from
    ``previous_year`` to ``year``; equal when both round alike; "no data" when either is missing."""
    say = _Say(lang)
    word = INDEX_WORDS["en" if lang == "en" else "zh"][index]
    d = INDEX_DECIMALS[index]
    times = ("倍" if lang == "zh" else " times") if index == "ratio" else ""
    kind_zh = "城乡差距" if index == "ratio" else "地区间差距"
    kind_en = "urban–rural gap" if index == "ratio" else "gap between areas"
    if value is None or previous is None or previous_year is None:
        y = say.count(year)
        if lang == "en":
            return say.para(f"The {kind_en} in {name} ({word}): no data to compare for {y}.")
        return say.para(f"{scope}{name}{kind_zh}（{word}）{y}年暂无可比数据。")
    py, pv = say.count(previous_year), say.num(previous, d)
    y, v = say.count(year), say.num(value, d)
    delta = round(value, d) - round(previous, d)
    if lang == "en":
        verb = "was unchanged at" if delta == 0 else "narrowed from" if delta < 0 else "widened from"
        if delta == 0:
            text = f"The {kind_en} in {name} ({word}) {verb} {v}{times} in {y} ({py}: {pv}{times})"
        else:
            text = f"The {kind_en} in {name} ({word}) {verb} {pv}{times} in {py} to {v}{times} in {y}"
        if between is not None:
            text += f"; {say.pct(between)} of the Theil index lay between districts"
        return say.para(text + ".")
    if delta == 0:
        text = f"{scope}{name}{kind_zh}（{word}）{y}年为{v}{times}，与{py}年持平"
    else:
        verb = "缩小" if delta < 0 else "扩大"
        text = f"{scope}{name}{kind_zh}（{word}）由{py}年的{pv}{times}{verb}到{y}年的{v}{times}"
    if between is not None:
        text += f"，泰尔指数中区间差距占{say.pct(between)}"
    return say.para(text + "。")


def tasks_done(
    lang: str, *, day: date, total: int, completed: int, overdue: int, red: int = 0, domain: str = ""
) -> Paragraph:
    """Say how many tasks (of a domain) were completed and overdue, and how many have a red light, on ``day``."""
    say = _Say(lang)
    when = say.day(day)
    if total == 0:
        if lang == "en":
            return say.para(f"As of {when}, no tasks{' in ' + domain if domain else ''} are in the ledger.")
        return say.para(f"截至{when}，{domain}{'领域' if domain else ''}台账中没有重点任务。")
    n, c, o, r = say.count(total), say.count(completed), say.count(overdue), say.count(red)
    if lang == "en":
        where = f" in {domain}" if domain else ""
        return say.para(f"As of {when}, of the {n} key tasks{where}, {c} were completed, {o} overdue and {r} red.")
    where = f"{domain}领域" if domain else ""
    return say.para(f"截至{when}，{where}{n}项重点任务中，已完成{c}项，逾期{o}项，亮红灯{r}项。")


def problem_targets(lang: str, *, off_track: Sequence[str], worsening: Sequence[str]) -> Paragraph:
    """Say which targets are off track and which are worsening."""
    say = _Say(lang)
    if not off_track and not worsening:
        return say.para(
            "所有有数据的目标均已达成或进度正常。" if lang == "zh" else "Every target with data is met or on track."
        )
    parts = []
    if lang == "en":
        if off_track:
            parts.append(f"{say.count(len(off_track))} targets are off track ({_names(lang, off_track)})")
        if worsening:
            parts.append(f"{say.count(len(worsening))} are worsening ({_names(lang, worsening)})")
        return say.para("; ".join(parts) + ".")
    if off_track:
        parts.append(f"{say.count(len(off_track))}项目标进度滞后（{_names(lang, off_track)}）")
    if worsening:
        parts.append(f"{say.count(len(worsening))}项目标出现退步（{_names(lang, worsening)}）")
    return say.para("；".join(parts) + "。")


def problem_tasks(lang: str, *, red: Sequence[str], overdue: Sequence[str]) -> Paragraph:
    """Say which tasks have a red light and which are overdue."""
    say = _Say(lang)
    if not red and not overdue:
        return say.para("没有亮红灯或逾期的任务。" if lang == "zh" else "No task is red or overdue.")
    if lang == "en":
        parts = [f"{say.count(len(red))} tasks are red ({_names(lang, red)})"] if red else []
        parts += [f"{say.count(len(overdue))} overdue ({_names(lang, overdue)})"] if overdue else []
        return say.para("; ".join(parts) + ".")
    parts = [f"{say.count(len(red))}项任务亮红灯（{_names(lang, red)}）"] if red else []
    parts += [f"{say.count(len(overdue))}项任务逾期（{_names(lang, overdue)}）"] if overdue else []
    return say.para("；".join(parts) + "。")


def problem_districts(lang: str, *, behind: Sequence[tuple[str, float, int, int]]) -> Paragraph:
    """Say which districts are behind: (name, score, rank, targets missed) each."""
    say = _Say(lang)
    if not behind:
        return say.para("没有明显落后的区。" if lang == "zh" else "No district is clearly behind.")
    if lang == "en":
        listed = "; ".join(
            f"{name} (score {say.num(score, 1)}, rank {say.count(rank)}, {say.count(missed)} targets missed)"
            for name, score, rank, missed in behind
        )
        return say.para(f"Districts behind the average: {listed}.")
    listed = "；".join(
        f"{name}（得分{say.num(score, 1)}分，排名第{say.count(rank)}，{say.count(missed)}项目标未达进度）"
        for name, score, rank, missed in behind
    )
    return say.para(f"低于平均水平的区：{listed}。")


def district_ranking(lang: str, *, best: tuple[str, float], worst: tuple[str, float], units: int) -> Paragraph:
    """Say the appraisal's highest and lowest scoring units."""
    say = _Say(lang)
    n = say.count(units)
    if lang == "en":
        return say.para(
            f"Of the {n} units appraised, {best[0]} scored highest ({say.num(best[1], 1)}) "
            f"and {worst[0]} lowest ({say.num(worst[1], 1)})."
        )
    high, low = say.num(best[1], 1), say.num(worst[1], 1)
    return say.para(f"参加考评的{n}个区中，{best[0]}得分最高（{high}分），{worst[0]}最低（{low}分）。")


def priority_targets(lang: str, *, domain: str, missed: Sequence[str]) -> Paragraph:
    """Say next year's priority in a domain: the targets off track or worsening."""
    say = _Say(lang)
    if lang == "en":
        return say.para(f"{domain}: speed up the {say.count(len(missed))} lagging targets ({_names(lang, missed)}).")
    return say.para(f"{domain}：加快推进{say.count(len(missed))}项滞后目标（{_names(lang, missed)}）。")


def priority_tasks(lang: str, *, red: int, overdue: int) -> Paragraph:
    """Say next year's priority on the ledger: supervise the red and overdue tasks."""
    say = _Say(lang)
    if lang == "en":
        return say.para(
            f"Supervise the {say.count(red)} red and {say.count(overdue)} overdue tasks until they are done."
        )
    return say.para(f"对{say.count(red)}项红灯任务和{say.count(overdue)}项逾期任务挂牌督办，限期完成。")


def priority_districts(lang: str, *, names: Sequence[str]) -> Paragraph:
    """Say next year's priority for the districts behind."""
    if lang == "en":
        return Paragraph(f"Give more support to the districts behind: {_names(lang, names)}.")
    return Paragraph(f"加大对{_names(lang, names)}的支持和督导力度，缩小区域差距。")


def priority_gaps(lang: str, *, names: Sequence[str]) -> Paragraph:
    """Say next year's priority for the gaps that widened."""
    if lang == "en":
        return Paragraph(f"Narrow the gaps that widened this year: {_names(lang, names)}.")
    return Paragraph(f"着力缩小本年扩大的差距：{_names(lang, names)}。")
