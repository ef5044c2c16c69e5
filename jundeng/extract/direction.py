"""The direction of an indicator (higher or lower is better) and the comparator it gives a reach verb.

Hand-written lexicon, because which quantities a plan wants to push down is a matter of Chinese policy vocabulary
(死亡率, 失业率, 辍学率, 大班额 …), not of grammar: 达到 / 实现 / 提高到 on a higher-is-better quantity mean "at
least", 控制在 / 降至 / 达到 on a lower-is-better one mean "at most". A caller that has matched the candidate to
its catalogue passes the known directions (indicator name or code → "higher" / "lower"), which win over the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

Direction = str  # "higher" | "lower"

LOWER_RE = re.compile(
    r"死亡率|病死率|失业率|辍学率|流失率|发生率|发病率|患病率|感染率|致残率|犯罪率|案发率|事故|犯罪|超标|负债|欠薪|欠费|大班额"
    r"|班额|贫困发生率|贫困人口|贫困.{0,4}比例|低收入.{0,4}比例|文盲率|近视率|肥胖率|超重率|吸烟率|空置率|投诉|差错率|误诊率"
    r"|等待时间|等候时间|候诊时间|等候|排队时间|办结时限|办理时限|时限|自付比例|自付|负担|费用占比|个人卫生支出|生师比|师生比"
    r"|人口自然增长率|出生人口性别比|浓度|噪声|拥堵|空驶|能耗|排放|污染"
)
HIGHER_RE = re.compile(
    r"覆盖率|普及率|入园率|入学率|巩固率|升学率|参保率|达标率|合格率|满意度|满意率|覆盖面|完好率|通达率|通车率|受益率|知晓率"
    r"|接种率|管理率|规范化|建档率|到位率|服务率|就业率|寿命|增长|人均|每千人|每万人|数量|规模|床位|执业|面积|藏书"
)
# Words that reach a level: "at least" on a higher-is-better quantity, "at most" on a lower-is-better one.
REACH_WORDS = {"达到", "达", "可达", "力争达到", "达到并超过", "实现", "保持", "保持在", "稳定在", "维持在", "为"}
# A fixed amount per unit that the text sets exactly (每个县1所, 每个乡镇建设1个): "=", not a level to reach.
# 每千人 / 每万人 / 每十万 are densities (a level), not a fixed amount per unit, and do not match.
FIXED_PER_UNIT_RE = re.compile(r"每(?:个|一个|一|座|所|家|户|人|县|乡|镇|村|街道|社区|区|市|校|园|班|床)")


def direction_of(indicator: str, known: Mapping[str, str] | None = None, code: str | None = None) -> Direction | None:
    """Return "higher" or "lower" for an indicator: the caller's known direction first, then the lexicon."""
    if known:
        for key in (code, indicator):
            if key and known.get(key) in ("higher", "lower"):
                return known[key]
        for name, direction in known.items():
            if len(name) >= 3 and name in indicator and direction in ("higher", "lower"):
                return direction
    if LOWER_RE.search(indicator):
        return "lower"
    if HIGHER_RE.search(indicator):
        return "higher"
    return None


def directed(comparator: str, word: str, direction: Direction | None, *, bare: bool = False) -> str:
    """Return the comparator of a reach verb (or of a bare table value when ``bare``) given the direction.

    达到 93% on a higher-is-better rate is ">="; 达到 on a lower-is-better one is "<=". A strict word (低于, 少于,
    超过), a lowering word (控制在, 降至) and a post-word (以上, 以内) keep their own comparator; 为 stays "=" unless
    the direction is known.
    """
    if bare:
        return "<=" if direction == "lower" else ">="
    if word in REACH_WORDS:
        if direction is not None:
            return "<=" if direction == "lower" else ">="
        return comparator if word == "为" else ">="
    return comparator


def bare_target(pre: str, direction: Direction | None) -> str:
    """Return the comparator of a target written with no comparator word (城镇新增就业13.5万人, 婴儿死亡率5‰).

    Per issue 15 a bare figure of a directional indicator is a level to reach: "<=" on a lower-is-better quantity,
    ">=" otherwise (higher is the default, as for a bare table value); "=" only where the clause before the figure
    (``pre``) fixes an amount per unit (每个县1所).
    """
    if FIXED_PER_UNIT_RE.search(pre):
        return "="
    return directed("=", "", direction, bare=True)
