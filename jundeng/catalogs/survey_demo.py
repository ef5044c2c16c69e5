"""Seeded synthetic satisfaction survey of the demo city (2017): a stratified two-stage sample, marked synthetic.

Pure: regions and the villages' residents in, the questionnaire (YAML text) and the microdata (pandas) out.

* **Design:** strata are district × urban/rural (6 strata). In each stratum m villages or communities are drawn
  with equal probability from its N_h (``stratum_size`` = N_h, for the finite-population correction; at most
  half of them, so that no stratum is a census of villages), and 25 residents in each. A respondent's weight is
  (N_h / m) × (residents of the village / 25).
* **Answers** (1–5, 4 and 5 satisfied): the chance of a satisfied answer is higher in 香洲 and in urban places, and
  differs by item; about 3 % of answers are missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from jundeng.catalogs.access_demo import district_of
from jundeng.domain.regions import Region

SOURCE = "合成演示满意度调查 synthetic demo satisfaction survey (jundeng demo generator v1)"
SEED = 20171031
YEAR = 2017
PER_PSU = 25
PSUS = 10  # villages or communities drawn per stratum (all of them where fewer)
QUESTIONNAIRE = """\
code: ZH-SAT
title: 珠海市基本公共服务满意度调查（合成演示）
items:
  - code: Q1
    text: 您对基层公共就业服务是否满意？
    scale: [1, 2, 3, 4, 5]
    labels: {1: 很不满意, 2: 不满意, 3: 一般, 4: 满意, 5: 很满意}
    satisfied: [4, 5]
    indicator: EMP_SERVICE_SATISFACTION
  - code: Q2
    text: 您对基层医疗卫生服务是否满意？
    scale: [1, 2, 3, 4, 5]
    labels: {1: 很不满意, 2: 不满意, 3: 一般, 4: 满意, 5: 很满意}
    satisfied: [4, 5]
  - code: Q3
    text: 您对公共文化体育服务是否满意？
    scale: [1, 2, 3, 4, 5]
    labels: {1: 很不满意, 2: 不满意, 3: 一般, 4: 满意, 5: 很满意}
    satisfied: [4, 5]
"""
DISTRICT_SHIFT = {"440402": 0.06, "440404": 0.0, "440403": -0.08}
ITEM_BASE = {"Q1": 0.86, "Q2": 0.78, "Q3": 0.74}
RURAL_SHIFT = -0.07


def microdata(regions: Sequence[Region], residents: Mapping[str, float]) -> pd.DataFrame:
    """Return one row per respondent: id, region, urban_rural, sex, age_group, weight, stratum, psu,
    stratum_size and the answers Q1–Q3 (NaN: no answer)."""
    rng = np.random.default_rng(SEED)
    districts = district_of(regions)
    villages = [r for r in regions if r.level.value == "village" and residents.get(r.code, 0) > 0]
    rows: list[dict[str, object]] = []
    strata: dict[tuple[str, str], list[Region]] = {}
    for village in villages:
        if village.code in districts:
            kind = "rural" if village.urban_rural.value == "rural" else "urban"
            strata.setdefault((districts[village.code], kind), []).append(village)
    for (district, kind), members in sorted(strata.items(), key=lambda kv: kv[0]):
        size = min(PSUS, max(2, len(members) // 2))  # never every village: a census of PSUs has no stage-1 variance
        drawn = rng.choice(len(members), size=min(size, len(members)), replace=False)
        for index in sorted(drawn):
            village = members[int(index)]
            weight = len(members) / len(drawn) * residents[village.code] / PER_PSU
            for _ in range(PER_PSU):
                record: dict[str, object] = {
                    "id": f"R{len(rows) + 1:05d}",
                    "region": village.code,
                    "urban_rural": kind,
                    "sex": str(rng.choice(["男", "女"])),
                    "age_group": str(rng.choice(["18-39", "40-59", "60+"])),
                    "weight": round(weight, 3),
                    "stratum": f"{district}-{kind}",
                    "psu": village.code,
                    "stratum_size": float(len(members)),
                }
                for item, base in ITEM_BASE.items():
                    chance = base + DISTRICT_SHIFT.get(district, 0.0) + (RURAL_SHIFT if kind == "rural" else 0.0)
                    satisfied = rng.random() < chance
                    answer = rng.choice([4, 5]) if satisfied else rng.choice([1, 2, 3], p=[0.15, 0.3, 0.55])
                    record[item] = np.nan if rng.random() < 0.03 else float(answer)
                rows.append(record)
    return pd.DataFrame(rows)
