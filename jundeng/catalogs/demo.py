"""Seeded generator of the synthetic demo data for Zhuhai: population and 2013–2017 observations.

Pure: regions, indicators and a profile in, polars DataFrames out. Per indicator the profile gives the
city-wide mean in the first and last year, the relative urban/rural and inter-district gaps in the
first year, whether those gaps narrow, widen or stay, the relative noise between units, and the lowest
level at which the indicator is reported. A unit's value in year t is

    value = m(t) · (1 ∓ b),   b = district_gap(t) · d_k + rural_gap(t) · r + noise · ε

(− for higher-is-better, + for lower-is-better), where m(t) moves linearly from ``start`` to ``end``,
d_k ∈ {−½, 0, +½} ranks the districts (香洲 best, 金湾 middle, 斗门 worst), r is 1 for rural, ½ for
mixed and 0 for urban units, ε ~ N(0, 1), and gaps scale by (1 − 0.6·τ) to narrow or (1 + 0.6·τ) to
widen, τ = (t − t₀)/(t₁ − t₀). Upper levels are population-weighted means (or sums for counts) of
their units, with urban and rural values for indicators that declare the urban_rural dimension.
Every row carries ``SOURCE`` so that screens and reports can say the figures are synthetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from jundeng.domain.catalog import Direction, Indicator
from jundeng.domain.regions import Region

SOURCE = "合成演示数据 synthetic demo data (jundeng demo generator v1)"
SEED = 20171231
YEARS = (2013, 2014, 2015, 2016, 2017)
DISTRICT_RANK = {"440402": -0.5, "440404": 0.0, "440403": 0.5}  # 香洲 best, 金湾, 斗门 worst
DISTRICT_SHARE = {"440402": 0.60, "440403": 0.25, "440404": 0.15}
RESIDENT_2017 = 1_765_000.0
REGISTERED_2017 = 1_170_000.0


@dataclass(frozen=True)
class Profile:
    """Generator parameters of one indicator (see the module docstring)."""

    indicator: str
    start: float
    end: float
    rural_gap: float = 0.1
    district_gap: float = 0.1
    gap_trend: str = "narrow"
    noise: float = 0.02
    level: str = "village"


def is_count(indicator: Indicator) -> bool:
    """Return True when values add up across regions (see :attr:`Indicator.is_additive`)."""
    return indicator.is_additive


def _district_of(regions: Sequence[Region]) -> dict[str, str]:
    by_code = {r.code: r for r in regions}
    result = {}
    for region in regions:
        node: Region | None = region
        while node is not None and node.level.value not in ("district", "city"):
            node = by_code.get(node.parent or "")
        if node is not None and node.level.value == "district":
            result[region.code] = node.code
    return result


def population(regions: Sequence[Region], rng: np.random.Generator) -> pl.DataFrame:
    """Return resident and registered population of every region and year (villages up to the city)."""
    districts = _district_of(regions)
    villages = [r for r in regions if r.level.value == "village" and r.code in districts]
    weight = rng.lognormal(0.0, 0.5, len(villages)) * np.array(
        [2.0 if v.urban_rural.value == "urban" else 1.0 for v in villages]
    )
    base = np.zeros(len(villages))
    for code, share in DISTRICT_SHARE.items():
        mask = np.array([districts[v.code] == code for v in villages])
        base[mask] = RESIDENT_2017 * share * weight[mask] / weight[mask].sum()
    migrant = np.where([v.urban_rural.value == "urban" for v in villages], 0.38, 0.22)
    rows = []
    for year in YEARS:
        resident = np.round(base / 1.03 ** (YEARS[-1] - year))
        registered = np.round(resident * (1 - migrant) * REGISTERED_2017 / (RESIDENT_2017 * 0.66))
        rows.append(
            pl.DataFrame(
                {
                    "region": [v.code for v in villages],
                    "year": year,
                    "resident": resident,
                    "registered": np.minimum(registered, resident),
                }
            )
        )
    return _roll_up_population(pl.concat(rows), regions)


def _roll_up_population(villages: pl.DataFrame, regions: Sequence[Region]) -> pl.DataFrame:
    parent = {r.code: r.parent for r in regions}
    frames = [villages]
    current = villages
    while True:
        current = (
            current.with_columns(pl.col("region").replace_strict(parent, default=None))
            .drop_nulls("region")
            .group_by("region", "year")
            .agg(pl.col("resident").sum(), pl.col("registered").sum())
        )
        if current.height == 0:
            break
        frames.append(current)
    members = [(r.zone, r.code) for r in regions if r.zone and r.level.value == "town"]
    towns = frames[1]
    for zone in sorted({z for z, _ in members}):
        codes = [c for z, c in members if z == zone]
        frames.append(
            towns.filter(pl.col("region").is_in(codes))
            .group_by("year")
            .agg(pl.col("resident").sum(), pl.col("registered").sum())
            .with_columns(pl.lit(zone).alias("region"))
            .select("region", "year", "resident", "registered")
        )
    return pl.concat(frames, how="diagonal").sort("region", "year")


def _gap_scale(trend: str, tau: float) -> float:
    return {"narrow": 1 - 0.6 * tau, "widen": 1 + 0.6 * tau}.get(trend, 1.0)


def observations(
    regions: Sequence[Region],
    indicators: Sequence[Indicator],
    profiles: Sequence[Profile],
    pop: pl.DataFrame,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Return synthetic observations (import layout plus ``year``) for every profiled indicator."""
    by_code = {i.code: i for i in indicators}
    districts = _district_of(regions)
    frames = []
    for profile in profiles:
        indicator = by_code.get(profile.indicator)
        if indicator is None:
            continue
        units = [r for r in regions if r.level.value == profile.level and r.code in districts and not r.functional_zone]
        rank = np.array([DISTRICT_RANK.get(districts[u.code], 0.0) for u in units])
        rural = np.array([{"urban": 0.0, "rural": 1.0}.get(u.urban_rural.value, 0.5) for u in units])
        sign = -1.0 if indicator.direction is Direction.HIGHER else 1.0
        lo, hi = indicator.valid_range
        count = is_count(indicator)
        for year in YEARS:
            tau = (year - YEARS[0]) / (YEARS[-1] - YEARS[0])
            mean = profile.start + (profile.end - profile.start) * tau
            scale = _gap_scale(profile.gap_trend, tau)
            badness = scale * (profile.district_gap * rank + profile.rural_gap * rural)
            badness = badness + profile.noise * rng.standard_normal(len(units))
            values = mean * (1 + sign * badness)
            if count:
                values = np.maximum(np.round(values), 0)
            values = np.clip(values, lo if lo is not None else -np.inf, hi if hi is not None else np.inf)
            frames.append(
                pl.DataFrame(
                    {
                        "indicator": indicator.code,
                        "region": [u.code for u in units],
                        "period": str(year),
                        "year": year,
                        "value": values,
                        "urban_rural": [u.urban_rural.value for u in units],
                    }
                )
            )
    units_frame = pl.concat(frames)
    return _roll_up(units_frame, regions, by_code, pop)


def _roll_up(
    units: pl.DataFrame, regions: Sequence[Region], by_code: dict[str, Indicator], pop: pl.DataFrame
) -> pl.DataFrame:
    """Add district and city values (and their urban/rural split where declared); return all rows."""
    parent = {r.code: r.parent for r in regions}
    weights = pop.select("region", "year", pl.col("resident").alias("_w"))
    counts = {code for code, ind in by_code.items() if is_count(ind)}
    split = {code for code, ind in by_code.items() if "urban_rural" in ind.disaggregations}
    result = [units.with_columns(pl.lit("").alias("disaggregation"))]
    level_rows = units.join(weights, on=["region", "year"], how="left").with_columns(pl.col("_w").fill_null(1.0))
    while True:
        level_rows = level_rows.with_columns(pl.col("region").replace_strict(parent, default=None)).drop_nulls("region")
        if level_rows.height == 0:
            break

        def agg(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
            return frame.group_by(*keys).agg(
                pl.when(pl.col("indicator").first().is_in(list(counts)))
                .then(pl.col("value").sum())
                .otherwise((pl.col("value") * pl.col("_w")).sum() / pl.col("_w").sum())
                .alias("value"),
                pl.col("_w").sum(),
            )

        keys = ["indicator", "region", "period", "year"]
        totals = agg(level_rows, keys)
        result.append(totals.drop("_w").with_columns(pl.lit("").alias("disaggregation")))
        by_type = agg(
            level_rows.filter(pl.col("indicator").is_in(list(split)) & (pl.col("urban_rural") != "mixed")),
            [*keys, "urban_rural"],
        )
        result.append(
            by_type.drop("_w").with_columns((pl.lit("urban_rural=") + pl.col("urban_rural")).alias("disaggregation"))
        )
        level_rows = totals.with_columns(pl.lit("mixed").alias("urban_rural"))
    frame = pl.concat([f.select("indicator", "region", "period", "year", "disaggregation", "value") for f in result])
    return _with_ratio_parts(frame, by_code).sort("indicator", "region", "period", "disaggregation")


def _with_ratio_parts(frame: pl.DataFrame, by_code: dict[str, Indicator]) -> pl.DataFrame:
    """Give ratio indicators a whole-number numerator and denominator and the value they imply."""
    scale = {code: ind.value_scale for code, ind in by_code.items() if ind.is_ratio}
    is_ratio = pl.col("indicator").is_in(list(scale))
    k = pl.col("indicator").replace_strict(scale, default=1.0, return_dtype=pl.Float64)
    denominator = 800 + (pl.col("value") * 37).round() % 400  # varied, reproducible sizes
    numerator = (pl.col("value") / k * denominator).round()
    return frame.with_columns(
        pl.when(is_ratio).then(denominator).otherwise(None).alias("denominator"),
        pl.when(is_ratio).then(numerator).otherwise(None).alias("numerator"),
    ).with_columns(
        pl.when(is_ratio)
        .then(k * pl.col("numerator") / pl.col("denominator"))
        .otherwise(pl.col("value").round(4))
        .alias("value"),
        pl.lit(None, pl.String).alias("note"),
    )


def generate(
    regions: Sequence[Region], indicators: Sequence[Indicator], profiles: Sequence[Profile], seed: int = SEED
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (population, observations) for the demo city, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    pop = population(regions, rng)
    return pop, observations(regions, indicators, profiles, pop, rng)
