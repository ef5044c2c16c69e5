"""Analysis-ready frames from the store: one row per region for an indicator and period, with the
population weight and the groupings (urban/rural, district, town, functional zone) that gap measures use."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from jundeng.domain.periods import parse_period
from jundeng.domain.regions import LEVELS, ancestry
from jundeng.domain.rollup import derive
from jundeng.store import catalog_repo, observations_repo, regions_repo
from jundeng.store.models import PopulationRow


def _ancestors(regions: pd.DataFrame) -> pd.DataFrame:
    """Return, for every region, the codes of its district, town and city ancestors (or itself)."""
    found = ancestry(
        dict(zip(regions["code"], regions["parent"], strict=True)),
        dict(zip(regions["code"], regions["level"], strict=True)),
        ("district", "town", "city"),
    )
    return pd.DataFrame([{"code": code, **levels} for code, levels in found.items()])


def rolled_up(session: Session, values: pd.DataFrame) -> pd.DataFrame:
    """Return yearly values (indicator, region, year, value, numerator, denominator) with the values derived
    from the level below added (``derived`` True), by each indicator's aggregation rule
    (:mod:`jundeng.domain.rollup`); reported values are never replaced."""
    indicators = catalog_repo.indicators(session)
    rules = {i.code: i.rollup for i in indicators}
    scales = {i.code: i.value_scale for i in indicators}
    tree = pd.DataFrame(
        [(r.code, r.level.value, r.parent, r.functional_zone, r.zone) for r in regions_repo.regions(session)],
        columns=["code", "level", "parent", "functional_zone", "zone"],
    )
    people = pd.DataFrame(
        [(p.region, p.year, p.resident) for p in regions_repo.population(session) if p.group == ""],
        columns=["region", "year", "resident"],
    )
    return derive(values, tree, rules, scales=scales, population=people)


ZONE = "zone"  # the level name of the functional-zone view


def indicator_frame(
    session: Session,
    *,
    indicator: str,
    period: str,
    level: str | None = None,
    statuses: Sequence[str] = ("approved",),
    as_of: int | None = None,
    within: set[str] | None = None,
) -> pd.DataFrame:
    """Return the current values of ``indicator`` in ``period`` at one region level, ready to measure.

    Columns: region, name, level, value, population (resident, falling back to registered, else NaN),
    urban_rural, district, district_name, town, town_name, zone, disaggregation, derived. Without ``level``,
    the lowest level that has totals is used. Functional zones are an overlay, never a unit beside the
    counties (each person counted once); ``level="zone"`` is their own view. Totals a region did not report are
    rolled up from the level below (``derived``). ``within`` limits the regions (one programme's subtree).
    Rows with a disaggregation are kept (column ``disaggregation``) so that callers can compare groups such as
    urban_rural=rural.
    """
    obs = observations_repo.observations(
        session, indicators=[indicator], periods=[period], statuses=statuses, as_of=as_of
    )
    regions = pd.DataFrame([r.model_dump(mode="json") for r in regions_repo.regions(session)])
    if obs.height == 0 or regions.empty:
        return pd.DataFrame(
            columns=["region", "name", "level", "value", "population", "urban_rural", "district", "town", "zone"]
        )
    year = parse_period(period).year
    raw = obs.select("region", "value", "numerator", "denominator", "disaggregation").to_pandas()
    totals = raw[raw["disaggregation"] == ""].drop(columns="disaggregation").assign(indicator=indicator, year=year)
    derived = rolled_up(session, totals)
    derived = derived[derived["derived"]].drop(columns=["indicator", "year"]).assign(disaggregation="")
    frame = pd.concat([raw.assign(derived=False), derived], ignore_index=True)
    frame = frame.merge(regions.rename(columns={"code": "region"}), on="region", how="left")
    if within is not None:
        frame = frame[frame["region"].isin(within)]
    zones = frame["functional_zone"].fillna(False).astype(bool)
    if level == ZONE:
        frame = frame[zones].assign(level=ZONE)
    else:
        frame = frame[~zones]
        if level is None and len(frame):
            totals = frame[frame["disaggregation"] == ""]
            present = set(totals["level"]) or set(frame["level"])
            level = next(lv for lv in LEVELS if lv in present)
        frame = frame[frame["level"] == level].copy()
    pop = pd.DataFrame(
        session.execute(
            select(PopulationRow.region, PopulationRow.resident, PopulationRow.registered).where(
                PopulationRow.year == year, PopulationRow.group == ""
            )
        ).all(),
        columns=["region", "resident", "registered"],
    )
    frame = frame.merge(pop, on="region", how="left")
    frame["population"] = frame["resident"].astype("float64").fillna(frame["registered"].astype("float64"))
    names = dict(zip(regions["code"], regions["name"], strict=True))
    frame = frame.merge(_ancestors(regions).rename(columns={"code": "region"}), on="region", how="left")
    frame["district_name"] = frame["district"].map(names)
    frame["town_name"] = frame["town"].map(names)
    columns = [
        "region",
        "name",
        "level",
        "value",
        "population",
        "urban_rural",
        "district",
        "district_name",
        "town",
        "town_name",
        "zone",
        "disaggregation",
        "derived",
    ]
    return frame[columns].sort_values(["disaggregation", "region"]).reset_index(drop=True)


def indicator_panel(
    session: Session,
    *,
    indicator: str,
    level: str | None = None,
    statuses: Sequence[str] = ("approved",),
) -> pd.DataFrame:
    """Return :func:`indicator_frame` for every period of ``indicator`` (totals only), with a ``period`` column.

    The level is fixed across periods: the given one, or the lowest level with totals in the first period.
    """
    periods = sorted(
        set(observations_repo.observations(session, indicators=[indicator], statuses=statuses)["period"].to_list())
    )
    frames = []
    for period in periods:
        frame = indicator_frame(session, indicator=indicator, period=period, level=level, statuses=statuses)
        frame = frame[frame["disaggregation"] == ""]
        if frame.empty:
            continue
        level = level or str(frame["level"].iloc[0])
        frames.append(frame.assign(period=period))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
