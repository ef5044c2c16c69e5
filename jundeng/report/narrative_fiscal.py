"""Generated narrative of the annual report's fiscal equalization section (rules, no language model), in
Chinese and English: as in :mod:`jundeng.report.narrative`, each paragraph's ``numbers`` are the figures it states,
rounded as written, and each of them is a figure of the section's tables."""

from __future__ import annotations

from collections.abc import Sequence

from jundeng.report.document import Paragraph
from jundeng.report.narrative import LISTED, _Say

RULE = {
    "zh": "基本公共服务支出增长高于财政经常性收入增长",
    "en": "spending on basic public services grows faster than recurrent revenue",
}


def fiscal_need(
    lang: str,
    *,
    year: int,
    scope: str,
    units: str,
    need: float,
    capacity: float,
    coverage: float | None,
    regions: int,
    gaps: Sequence[tuple[str, float, float | None]],
    received: float | None,
    closed: float | None,
    gini: float,
    gini_received: float | None,
) -> Paragraph:
    """Say the year's standard need against the capacity (万元), the regions with a gap (name, gap in 万元,
    coverage of its need), the transfers received and the share of the gap they closed, and the Gini of the
    resources per head before and after them."""
    say = _Say(lang)
    y, n_need, n_cap = say.count(year), say.num(need, 1), say.num(capacity, 1)
    cov = say.pct(coverage) if coverage is not None else ""
    n, k = say.count(regions), say.count(len(gaps))
    if lang == "en":
        text = f"In {y}, the standard need for basic public services of {scope} was {n_need} × 10,000 yuan"
        text += f" against a capacity of {n_cap} × 10,000 yuan" + (f", covering {cov} of the need." if cov else ".")
        if gaps:
            listed = "; ".join(
                f"{name} {say.num(gap, 1)}" + (f" ({say.pct(c)} of its need covered)" if c is not None else "")
                for name, gap, c in gaps
            )
            text += f" {k} of the {n} {units} had a fiscal gap (× 10,000 yuan): {listed}."
        else:
            text += f" The capacity of each of the {n} {units} covered its need."
        if received is not None:
            text += f" Transfers actually received came to {say.num(received, 1)} × 10,000 yuan"
            text += f", closing {say.pct(closed)} of the gap." if closed is not None else "."
        text += f" The Gini coefficient of the resources per head was {say.num(gini, 3)}"
        text += f" ({say.num(gini_received, 3)} with the transfers received)." if gini_received is not None else "."
        return say.para(text)
    text = f"{y}年，{scope}基本公共服务标准支出需求{n_need}万元，标准财力{n_cap}万元"
    text += f"，财力覆盖需求的{cov}。" if cov else "。"
    if gaps:
        listed = "；".join(
            f"{name}缺口{say.num(gap, 1)}万元" + (f"（财力覆盖需求的{say.pct(c)}）" if c is not None else "")
            for name, gap, c in gaps
        )
        text += f"{n}个{units}中{k}个存在财力缺口：{listed}。"
    else:
        text += f"{n}个{units}的财力均能覆盖标准支出需求。"
    if received is not None:
        text += f"当年实际获得转移支付{say.num(received, 1)}万元"
        text += f"，弥补缺口的{say.pct(closed)}。" if closed is not None else "。"
    text += f"按人均财力计算的基尼系数为{say.num(gini, 3)}"
    text += f"，计入实际转移支付后为{say.num(gini_received, 3)}。" if gini_received is not None else "。"
    return say.para(text)


def fiscal_growth(
    lang: str, *, units: str, regions: int, failed: Sequence[tuple[str, int, int, int, int]]
) -> Paragraph:
    """Say which of the ``regions`` checked failed the growth check in some years: (name, first year, last year,
    years checked, years failed) each; the rest met it every year."""
    say = _Say(lang)
    rule = RULE["en" if lang == "en" else "zh"]
    shown = failed[:LISTED]
    rest = len(failed) < regions
    if lang == "en":
        if not failed:
            return say.para(f"Each of the {units} met the rule that {rule} in every year checked.")
        listed = "; ".join(
            f"{name} in {say.count(f)} of {say.count(c)} years ({say.count(a)}–{say.count(b)})"
            for name, a, b, c, f in shown
        )
        more = ", etc." if len(failed) > LISTED else ""
        others = f" The other {units} met it every year." if rest else ""
        return say.para(f"The rule that {rule} was not met by {listed}{more}.{others}")
    if not failed:
        return say.para(f"各{units}在检查的年份均达到“{rule}”的要求。")
    listed = "；".join(
        f"{name}{say.count(a)}—{say.count(b)}年检查{say.count(c)}年，{say.count(f)}年未达到"
        for name, a, b, c, f in shown
    )
    more = "等" if len(failed) > LISTED else ""
    others = f"；其余{units}各年均达到要求" if rest else ""
    return say.para(f"对照“{rule}”的要求：{listed}{more}{others}。")
