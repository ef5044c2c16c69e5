"""Analysis-ready frames from the store: one row per region for an indicator and period, with the
population weight and the groupings (urban/rural, district, town, functional zone) that gap measures use."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from jundeng.domain.periods import parse_period
from jundeng.domain.regions import LEVELS, ancestry
from jundeng.store import observations_repo, regions_repo
from jundeng.store.models import PopulationRow


def _ancestors(regions: pd.DataFrame) -> pd.DataFrame:
    """Return, for every region, the codes of its district, town and city ancestors (or itself)."""
    found = ancestry(
        dict(zip(regions["code"], regions["parent"], strict=True)),
        dict(zip(regions["code"], regions["level"], strict=True)),
        ("district", "town", "city"),
    )
    return pd.DataFrame([{"code": code, **levels} for code, levels in found.items()])


def indicator_frame(
    session: Session,
    *,
    indicator: str,
    period: str,
    level: str | None = None,
    statuses: Sequence[str] = ("approved",),
    as_of: int | None = None,
) -> pd.DataFrame:
    """Return the current values of ``indicator`` in ``period`` at one region level, ready to measure.

    Columns: region, name, level, value, population (resident, falling back to registered, else NaN),
    urban_rural, district, district_name, town, town_name, zone, disaggregation. Without ``level``, the
    lowest level that has totals is used. Rows with a disaggregation are kept (column
    ``disaggregation``) so that callers can compare groups such as urban_rural=rural.
    """
    obs = observations_repo.observations(
        session, indicators=[indicator], periods=[period], statuses=statuses, as_of=as_of
    )
    regions = pd.DataFrame([r.model_dump(mode="json") for r in regions_repo.regions(session)])
    if obs.height == 0 or regions.empty:
        return pd.DataFrame(
            columns=["region", "name", "level", "value", "population", "urban_rural", "district", "town", "zone"]
        )
    frame = obs.select("region", "value", "disaggregation").to_pandas()
    frame = frame.merge(regions.rename(columns={"code": "region"}), on="region", how="left")
    if level is None:
        totals = frame[frame["disaggregation"] == ""]
        present = set(totals["level"]) or set(frame["level"])
        level = next(lv for lv in LEVELS if lv in present)
    frame = frame[frame["level"] == level].copy()
    year = parse_period(period).year
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
