"""Access as an indicator like any other: compute the coverage of every region and year from the stored
facilities and population points and store it as observations of an indicator, the source saying they are
computed (and synthetic when the inputs are).

For region r (a point's own region and each of its ancestors) and year t, with only the facilities open by t
(opening year unknown or ≤ t): value = k × covered_{r,t} / population_r, k the indicator's scale (100 for %),
numerator covered people and denominator residents, so attainment, gaps and appraisal read it unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from jundeng.catalogs.access_indicators import RULES
from jundeng.domain.observations import ObservationStatus
from jundeng.errors import NotFoundError
from jundeng.services.access import coverage_of
from jundeng.services.access_db import stored_inputs
from jundeng.services.ledger import SYNTHETIC_MARK
from jundeng.store import catalog_repo, observations_repo
from jundeng.store.db import Database


@dataclass(frozen=True)
class Published:
    """What a publication computed and stored."""

    indicator: str
    years: list[int]
    regions: int
    rows: int  # values computed (regions × years)
    written: int  # of them new or changed
    source: str


def source_of(category: str, within: float, synthetic: bool) -> str:
    """Return the source written on computed access values (it holds ``synthetic`` for synthetic inputs)."""
    text = f"由设施与人口点计算：{category} 直线 {within:g} 米内 / computed from facilities and population points: "
    return text + f"{category} within {within:g} m" + (f" · 合成输入 {SYNTHETIC_MARK} inputs" if synthetic else "")


def _rows(
    indicator: str, scale: float, year: int, covered: dict[str, float], people: dict[str, float]
) -> list[dict[str, object]]:
    return [
        {
            "indicator": indicator,
            "region": region,
            "period": str(year),
            "year": year,
            "disaggregation": "",
            "value": scale * covered[region] / total,
            "numerator": covered[region],
            "denominator": total,
            "note": None,
        }
        for region, total in sorted(people.items())
        if total > 0
    ]


def publish(
    db: Database,
    *,
    indicator: str,
    years: Sequence[int],
    user: str,
    category: str | None = None,
    within: float | None = None,
    under: str | None = None,
) -> Published:
    """Compute the indicator's coverage for every region (points' regions and their ancestors) and year and
    store it (a new revision only where a value changes); category and distance default to the indicator's
    rule in :mod:`jundeng.catalogs.access_indicators`."""
    rule = RULES.get(indicator)
    category = category or (rule.category if rule else None)
    within = within if within is not None else (rule.within if rule else None)
    if category is None or within is None:
        raise NotFoundError(
            f"指标 {indicator} 没有内置的设施类别与距离：请给出 --category 与 --within",
            f"indicator {indicator} has no built-in category and distance: give --category and --within",
        )
    with db.session() as session:
        found = {i.code: i for i in catalog_repo.indicators(session)}.get(indicator)
    if found is None:
        raise NotFoundError(
            f"目录中没有指标 {indicator}：请先载入（如 jundeng catalog load access）",
            f"no indicator {indicator} in the catalogue: load it first (e.g. jundeng catalog load access)",
        )
    sites, points, regions = stored_inputs(db, under)
    parents = {r.code: r.parent for r in regions}
    chains: dict[str, list[str]] = {}
    for code in set(points["region"].astype(str)):
        chain: list[str] = []
        node: str | None = code
        while node is not None and node in parents:
            chain.append(node)
            node = parents[node]
        chains[code] = chain
    rows: list[dict[str, object]] = []
    for year in years:
        answer = coverage_of(sites, points, within=within, category=category, regions=regions, year=year)
        people: dict[str, float] = {}
        covered: dict[str, float] = {}
        for row in answer.regions.to_dict(orient="records"):
            for code in chains.get(str(row["region"]), [str(row["region"])]):
                people[code] = people.get(code, 0.0) + float(row["population"])
                covered[code] = covered.get(code, 0.0) + float(row["covered"])
        rows += _rows(indicator, found.value_scale, int(year), covered, people)
    synthetic = bool(points["source"].fillna("").astype(str).str.contains(SYNTHETIC_MARK).any())
    source = source_of(category, within, synthetic)
    frame = pl.DataFrame(rows, schema_overrides={"note": pl.String})
    with db.session(write=True) as session:
        written = observations_repo.record(
            session,
            frame=frame,
            kind="computed",
            filename=f"access:{indicator}",
            sha256=None,
            user=user,
            status=ObservationStatus.APPROVED,
            source=source,
        )
    regions_done = len({r["region"] for r in rows})
    return Published(indicator, sorted(int(y) for y in years), regions_done, len(rows), written, source)
