"""What the Access page draws and offers: the stored facilities and demand points of one programme as plain
records with longitude and latitude, the categories and opening years present, and whether they are synthetic."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from jundeng.services.access import lonlat
from jundeng.services.access_db import read_all
from jundeng.services.ledger import SYNTHETIC_MARK
from jundeng.store.db import Database


@dataclass(frozen=True)
class Stored:
    """The facility categories and opening years stored in a programme, the counts, and whether any facility or
    point comes from the synthetic demo generator."""

    categories: list[str]
    years: list[int]
    facilities: int
    points: int
    synthetic: bool


def _read(db: Database, under: str | None, category: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    sites, points, _regions = read_all(db, under)
    return (sites if category is None else sites[sites["category"] == category]), points


def _synthetic(*frames: pd.DataFrame) -> bool:
    return any(bool(f["source"].fillna("").astype(str).str.contains(SYNTHETIC_MARK).any()) for f in frames)


def stored(db: Database, *, under: str | None = None) -> Stored:
    """Return the categories (sorted), the opening years (sorted) and the counts of the programme's facilities
    and demand points, and whether any of them is synthetic."""
    sites, points = _read(db, under)
    years = sorted({int(y) for y in sites["opening_year"].dropna()})
    categories = sorted({str(c) for c in sites["category"].dropna()})
    return Stored(categories, years, len(sites), len(points), _synthetic(sites, points))


def _lonlat(frame: pd.DataFrame) -> tuple[list[float | None], list[float | None]]:
    """Return the longitude and latitude of every row rounded to 6 decimals, None where not placeable."""
    x, y = lonlat(frame)
    return [_round(v) for v in x], [_round(v) for v in y]


def _round(value: float) -> float | None:
    return round(float(value), 6) if math.isfinite(value) else None


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


@dataclass(frozen=True)
class Layers:
    """What a map of a programme shows: its facilities and its demand points, as records with lon and lat."""

    facilities: list[dict[str, Any]]
    points: list[dict[str, Any]]


def layers(db: Database, *, under: str | None = None, category: str | None = None, year: int | None = None) -> Layers:
    """Return the programme's facilities (of ``category``; with ``year`` only those open by then: opening year
    unknown or ≤ year) as records id, name, category, capacity, region, opening_year, lon, lat, and its demand
    points as records id, region, population, urban_rural, lon, lat (lon, lat None where not placeable)."""
    sites, found = _read(db, under, category)
    if year is not None:
        sites = sites[~(sites["opening_year"].astype(float) > year)]
    fields = ("id", "name", "category", "capacity", "region", "opening_year")
    drawn = []
    for record, x, y in zip(sites.to_dict(orient="records"), *_lonlat(sites), strict=True):
        row = {k: _plain(record[k]) for k in fields}
        opened = row["opening_year"]
        drawn.append(row | {"opening_year": None if opened is None else int(opened), "lon": x, "lat": y})
    kept = ("id", "region", "population", "urban_rural")
    people = [
        {k: _plain(record[k]) for k in kept} | {"lon": x, "lat": y}
        for record, x, y in zip(found.to_dict(orient="records"), *_lonlat(found), strict=True)
    ]
    return Layers(drawn, people)
