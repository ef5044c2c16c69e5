"""Facilities and demand points are never overwritten: a correction is a revision, the latest wins, audited."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from jundeng.errors import InputError
from jundeng.services.access_db import import_files
from jundeng.store import access_repo
from jundeng.store.db import Database
from jundeng.store.models import AccessFacilityRow, AccessPointRow, AuditRow


def _sites(capacity: float) -> pd.DataFrame:
    rows = [
        {"id": "f1", "category": "clinic", "capacity": capacity, "x": 113.5, "y": 22.2, "epsg": 4326},
        {"id": "f2", "category": "bus_stop", "capacity": 1.0, "x": 113.6, "y": 22.3, "epsg": 4326},
    ]
    rows[0] |= {"region": "440402", "opening_year": 2019.0, "name": "卫生站"}
    rows[1] |= {"region": None, "opening_year": math.nan, "name": None}
    return pd.DataFrame(rows)


def test_a_corrected_facility_is_a_new_revision_and_the_latest_wins(db: Database) -> None:
    with db.session() as session:
        assert access_repo.write_facilities(session, _sites(10), user="a", source="s", what="f1.csv") == (2, 0)
    with db.session() as session:
        assert access_repo.write_facilities(session, _sites(12), user="b", source="s", what="f2.csv") == (1, 1)
    with db.session() as session:
        current = access_repo.facilities(session)
        stored = session.scalar(select(func.count()).select_from(AccessFacilityRow))
        audits = session.execute(select(AuditRow.user, AuditRow.key).where(AuditRow.entity == "access_facilities"))
        audit_rows = sorted(audits.all())
        clinics = access_repo.facilities(session, category="clinic")
        outside = access_repo.facilities(session, regions={"440403"})
    assert stored == 3
    first = current.iloc[0]
    assert (first["id"], first["capacity"], first["revision"], first["created_by"]) == ("f1", 12, 2, "b")
    assert (first["opening_year"], first["name"], first["region"]) == (2019, "卫生站", "440402")
    assert math.isnan(current.iloc[1]["opening_year"]) and current.iloc[1]["revision"] == 1
    assert audit_rows == [("a", "f1.csv"), ("b", "f2.csv")]
    assert clinics["id"].tolist() == ["f1"]
    assert outside["id"].tolist() == ["f2"]  # a facility without a region is kept by every filter


def test_points_keep_their_groups_and_revisions(db: Database) -> None:
    frame = pd.DataFrame(
        [
            {"id": "p1", "region": "440402", "population": 100.0, "x": 1.0, "y": 2.0, "epsg": 4547},
            {"id": "p2", "region": "440403", "population": 50.0, "x": 3.0, "y": 4.0, "epsg": 4547},
        ]
    )
    frame["urban_rural"] = ["urban", None]
    frame["pop_old"] = [10.0, math.nan]
    with db.session() as session:
        assert access_repo.write_points(session, frame, user="a", source=None, what="p.csv") == (2, 0)
    frame.loc[1, "population"] = 60.0
    with db.session() as session:
        assert access_repo.write_points(session, frame, user="a", source=None, what="p.csv") == (1, 1)
        current = access_repo.points(session)
        only = access_repo.points(session, regions={"440402"})
        revisions = session.execute(select(AccessPointRow.code, AccessPointRow.revision)).all()
    assert sorted(revisions) == [("p1", 1), ("p2", 1), ("p2", 2)]
    assert current["population"].tolist() == [100, 60] and current["revision"].tolist() == [1, 2]
    assert current.iloc[0]["pop_old"] == 10 and math.isnan(current.iloc[1]["pop_old"])
    assert current.iloc[0]["urban_rural"] == "urban" and pd.isna(current.iloc[1]["urban_rural"])
    assert only["id"].tolist() == ["p1"]


def test_nothing_is_stored_from_files_with_a_problem(db: Database, tmp_path: Path) -> None:
    sites = tmp_path / "f.csv"
    sites.write_text("id,category,capacity,lon,lat,region\nf1,clinic,5,113.5,22.2,440402\n", encoding="utf-8")
    people = tmp_path / "p.csv"
    people.write_text("id,region,population,lon,lat\np1,440402,10,113.5,22.2\np2,999999,5,113.5,22.2\n", "utf-8")
    with pytest.raises(InputError) as refused:
        import_files(db, facilities=sites, population=people, user="a")
    assert [str(p).split(" / ")[1] for p in refused.value.problems] == ["unknown region code '999999'"]
    assert refused.value.location == "p.csv:3:2"
    people.write_text("id,region,population,lon,lat\np1,440402,-1,113.5,22.2\n", "utf-8")
    with pytest.raises(InputError):
        import_files(db, facilities=sites, population=people, user="a")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AccessFacilityRow)) == 0
        assert session.scalar(select(func.count()).select_from(AccessPointRow)) == 0
    done = import_files(db, facilities=sites, user="a", source="survey")
    assert done.facilities == (1, 0) and done.points is None
