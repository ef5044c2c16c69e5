"""Facilities and demand points for accessibility: only ever inserted, a correction is a higher revision."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from jundeng.store.models import AccessFacilityRow, AccessPointRow, AuditRow

WGS84 = 4326  # EPSG code of longitude/latitude
FACILITY_FIELDS = ("category", "capacity", "x", "y", "epsg", "region", "opening_year", "name")
POINT_FIELDS = ("region", "population", "x", "y", "epsg", "urban_rural", "groups")
TAIL = ("source", "revision", "created_by")


def _plain(value: Any) -> Any:
    """Return a stored value: None for a missing one (None or NaN), Python numbers for numpy ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def _latest(session: Session, model: type[AccessFacilityRow] | type[AccessPointRow]) -> dict[str, Any]:
    latest: dict[str, Any] = {}
    rows: Any = session.execute(select(model).order_by(model.revision)).scalars()
    for row in rows:
        latest[str(row.code)] = row
    return latest


def _write(
    session: Session,
    model: type[AccessFacilityRow] | type[AccessPointRow],
    records: list[dict[str, Any]],
    fields: tuple[str, ...],
    *,
    user: str,
    source: str | None,
    what: str,
) -> tuple[int, int]:
    """Insert a new revision of each record (code and ``fields``) that differs from the current one."""
    latest = _latest(session, model)
    rows: list[dict[str, Any]] = []
    unchanged = 0
    for record in records:
        code = str(record["code"])
        values = {f: _plain(record.get(f)) for f in fields}
        row = latest.get(code)
        if row is not None and {f: getattr(row, f) for f in fields} == values and row.source == source:
            unchanged += 1
            continue
        revision = 1 if row is None else row.revision + 1
        rows.append({"code": code, "revision": revision, "source": source, "created_by": user} | values)
    if rows:
        session.execute(insert(model), rows)
    after = {"written": len(rows), "unchanged": unchanged, "source": source}
    session.add(AuditRow(user=user, action="import", entity=str(model.__tablename__), key=what, after=after))
    return len(rows), unchanged


def write_facilities(
    session: Session, frame: pd.DataFrame, *, user: str, source: str | None = None, what: str = "facilities"
) -> tuple[int, int]:
    """Insert a new revision of each facility of ``frame`` (id, category, capacity, x, y, epsg, [region,
    opening_year, name]) that differs from the current one; audit the import as ``what``; return (written,
    unchanged)."""
    records: list[dict[str, Any]] = []
    for record in frame.to_dict(orient="records"):
        year = _plain(record.get("opening_year"))
        records.append(
            {
                "epsg": WGS84,  # lon/lat when the frame names no system
                **{str(k): v for k, v in record.items()},
                "code": record["id"],
                "opening_year": None if year is None else int(year),
            }
        )
    return _write(session, AccessFacilityRow, records, FACILITY_FIELDS, user=user, source=source, what=what)


def write_points(
    session: Session,
    frame: pd.DataFrame,
    *,
    user: str,
    source: str | None = None,
    what: str = "points",
    groups: list[str] | None = None,
) -> tuple[int, int]:
    """Insert a new revision of each demand point of ``frame`` (id, region, population, x, y, epsg,
    [urban_rural], then the ``groups`` columns of people by group) that differs from the current one; audit the
    import as ``what``; return (written, unchanged)."""
    groups = groups if groups is not None else [c for c in frame.columns if str(c).startswith("pop_")]
    records: list[dict[str, Any]] = []
    for record in frame.to_dict(orient="records"):
        by_group = {g: float(record[g]) for g in groups if _plain(record.get(g)) is not None}
        given = {str(k): v for k, v in record.items()}
        records.append({"epsg": WGS84} | given | {"code": record["id"], "groups": by_group or None})
    return _write(session, AccessPointRow, records, POINT_FIELDS, user=user, source=source, what=what)


def facilities(session: Session, category: str | None = None, regions: Collection[str] | None = None) -> pd.DataFrame:
    """Return the current facilities (highest revision), ordered by id: id, FACILITY_FIELDS, source, revision,
    created_by; only ``category`` when given, and only those in ``regions`` (or with no region) when given."""
    records = []
    for code, row in sorted(_latest(session, AccessFacilityRow).items()):
        if category is not None and row.category != category:
            continue
        if regions is not None and row.region is not None and row.region not in regions:
            continue
        records.append({"id": code} | {f: getattr(row, f) for f in (*FACILITY_FIELDS, *TAIL)})
    frame = pd.DataFrame(records, columns=["id", *FACILITY_FIELDS, *TAIL])
    frame[["capacity", "x", "y"]] = frame[["capacity", "x", "y"]].astype("float64")
    frame["opening_year"] = frame["opening_year"].astype("float64")  # NaN where not given
    return frame


def points(session: Session, regions: Collection[str] | None = None) -> pd.DataFrame:
    """Return the current demand points (highest revision), ordered by id: id, region, population, x, y, epsg,
    urban_rural, one ``pop_<group>`` column per group stored (NaN where not given), source, revision,
    created_by; only those in ``regions`` when given."""
    records = []
    groups: set[str] = set()
    for code, row in sorted(_latest(session, AccessPointRow).items()):
        if regions is not None and row.region not in regions:
            continue
        record = {"id": code} | {f: getattr(row, f) for f in (*POINT_FIELDS[:-1], *TAIL)}
        groups.update(row.groups or {})
        records.append(record | (row.groups or {}))
    ordered = sorted(groups)
    frame = pd.DataFrame(records, columns=["id", *POINT_FIELDS[:-1], *ordered, *TAIL])
    numeric = ["population", "x", "y", *ordered]
    frame[numeric] = frame[numeric].astype("float64")
    return frame


def version(session: Session) -> tuple[int, int]:
    """Return the data version of the access tables: the highest row id of facilities and of points (rows are
    only ever inserted, so any import moves it)."""
    facilities_id = session.execute(select(func.max(AccessFacilityRow.id))).scalar()
    points_id = session.execute(select(func.max(AccessPointRow.id))).scalar()
    return int(facilities_id or 0), int(points_id or 0)
