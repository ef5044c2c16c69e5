"""District scorecards: score, rank and rank interval, domain sub-scores, targets, gaps, obstacles, change.

Pure: it combines what :func:`composite`, :func:`monte_carlo` and :func:`attainment` returned.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jundeng.appraise.attainment import MISSED
from jundeng.appraise.composite import CompositeResult
from jundeng.appraise.uncertainty import Uncertainty
from jundeng.domain.attainment import AttainmentStatus

TOP = 3


def _relative_gaps(indicators: pd.DataFrame, directions: dict[str, int]) -> pd.DataFrame:
    """Return each region's relative shortfall from the best region per indicator, (best − x)/|best|."""
    frame = indicators[["region", "indicator", "value"]].dropna().copy()
    sign = frame["indicator"].map(directions).fillna(1.0)
    best = (frame["value"] * sign).groupby(frame["indicator"]).transform("max") * sign
    frame["gap"] = sign * (best - frame["value"]) / best.abs().replace(0, np.nan)
    return frame


def scorecard(
    result: CompositeResult,
    *,
    directions: dict[str, int],
    uncertainty: Uncertainty | None = None,
    attainment: pd.DataFrame | None = None,
    previous: CompositeResult | None = None,
) -> pd.DataFrame:
    """Return one row per region: score, rank, rank_p05/p95, domains, targets, gaps, obstacles and change.

    ``attainment`` is the output of :func:`jundeng.appraise.attainment` with a ``region`` column; a
    target counts as missed when its status is off_track or worsening. ``gaps`` lists the TOP indicators
    where the region is relatively furthest behind the best region; ``obstacles`` the TOP indicators by
    obstacle degree.
    """
    card = result.scores.copy()
    if uncertainty is not None:
        bands = uncertainty.summary.set_index("region")[["rank_p05", "rank_median", "rank_p95"]]
        card = card.join(bands, on="region")
    if attainment is not None and not attainment.empty:
        counts = attainment.groupby("region")["status"].agg(
            targets_achieved=lambda s: int((s == AttainmentStatus.ACHIEVED).sum()),
            targets_missed=lambda s: int(s.isin(MISSED).sum()),
            targets_no_data=lambda s: int((s == AttainmentStatus.NO_DATA).sum()),
        )
        card = card.join(counts, on="region")
    gaps = _relative_gaps(result.indicators, directions)
    top_gaps = gaps[gaps["gap"] > 0].sort_values("gap", ascending=False).groupby("region").head(TOP)
    card["gaps"] = card["region"].map(_top_lists(top_gaps, "gap"))
    obstacles = result.indicators[result.indicators["obstacle"] > 0]
    top_obstacles = obstacles.sort_values("obstacle", ascending=False).groupby("region").head(TOP)
    card["obstacles"] = card["region"].map(_top_lists(top_obstacles, "obstacle"))
    for column in ("gaps", "obstacles"):
        card[column] = card[column].apply(lambda v: v if isinstance(v, list) else [])
    if previous is not None:
        before = previous.scores.set_index("region")
        card["score_change"] = card["score"] - card["region"].map(before["score"])
        card["rank_change"] = card["region"].map(before["rank"]).astype("Float64") - card["rank"].astype("Float64")
    return card


def _top_lists(frame: pd.DataFrame, column: str) -> dict[str, list[dict[str, Any]]]:
    """Return region → [{indicator, column}, …] in the frame's order."""
    lists: dict[str, list[dict[str, Any]]] = {}
    for region, indicator, value in zip(frame["region"], frame["indicator"], frame[column], strict=True):
        lists.setdefault(str(region), []).append({"indicator": str(indicator), column: float(value)})
    return lists


def scorecard_records(card: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the scorecard as JSON-ready records (NaN → None)."""
    records = card.astype(object).where(card.notna(), None).to_dict(orient="records")
    return [{str(k): v for k, v in r.items()} for r in records]
