"""Access scope: districts see their subtree, departments their domains, the public published approved values."""

from __future__ import annotations

from pathlib import Path

import pytest

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import PUBLIC, Principal
from jundeng.errors import NotFoundError
from jundeng.services import catalog, regions, scope
from jundeng.services.observations import import_files
from jundeng.store.db import Database

OFFICE = Principal(username="office", display_name="办公室", role="office")
HEALTH = Principal(username="health", display_name="卫健局", role="department", domains=("health",))
APPROVED = "BEDS,440402001,2016,4.1\nBEDS,440402002,2016,5.0\nBEDS,440403100,2016,3.2\nGER,440402001,2016,95\n"
PENDING = "BEDS,440402001,2017,4.5\nBEDS,440403100,2017,3.3\n"


def put(db: Database, path: Path, rows: str, status: ObservationStatus) -> None:
    path.write_text("indicator,region,period,value\n" + rows, encoding="utf-8")
    report = import_files(db, [path], user="clerk", status=status)
    assert not report.errors, report.problems


@pytest.fixture
def data(db: Database, tmp_path: Path) -> Database:
    put(db, tmp_path / "approved.csv", APPROVED, ObservationStatus.APPROVED)
    put(db, tmp_path / "pending.csv", PENDING, ObservationStatus.SUBMITTED)
    return db


def xiangzhou(db: Database) -> Principal:
    tree = regions.subtree(db, root="440402")
    return Principal(username="xz", display_name="香洲区", role="district", region="440402", regions=tree)


def obs_id(db: Database, region: str, period: str, indicator: str = "BEDS") -> int:
    frame = scope.observations(db, OFFICE, indicator=indicator, period=period, region=region)
    assert len(frame) == 1
    return int(frame["id"].iloc[0])


def test_a_district_sees_only_its_own_subtree(data: Database) -> None:
    user = xiangzhou(data)
    frame = scope.observations(data, user)
    assert set(frame["region"]) == {"440402001", "440402002"}
    assert len(frame) == 4  # three approved and one pending value in 香洲区
    assert len(scope.observations(data, OFFICE)) == 6


def test_a_revision_outside_the_district_reads_as_absent(data: Database) -> None:
    user = xiangzhou(data)
    own = scope.revision(data, user, obs_id=obs_id(data, "440402001", "2016"))
    assert own.region == "440402001" and own.value == pytest.approx(4.1)
    other = obs_id(data, "440403100", "2016")
    with pytest.raises(NotFoundError):
        scope.revision(data, user, obs_id=other)
    with pytest.raises(NotFoundError):
        scope.history(data, user, obs_id=other)
    with pytest.raises(NotFoundError):
        scope.revision(data, OFFICE, obs_id=10**9)


def test_a_department_sees_only_its_domains(data: Database) -> None:
    assert scope.indicator_codes(data, HEALTH) == {"BEDS", "DOCTORS"}
    assert set(scope.observations(data, HEALTH)["indicator"]) == {"BEDS"}
    with pytest.raises(NotFoundError):
        scope.revision(data, HEALTH, obs_id=obs_id(data, "440402001", "2016", indicator="GER"))


def test_the_public_sees_published_indicators_and_approved_values_only(data: Database) -> None:
    assert scope.indicator_codes(data, PUBLIC) == set()
    assert scope.observations(data, PUBLIC).empty
    catalog.publish(data, code="BEDS", by="office")
    assert scope.indicator_codes(data, PUBLIC) == {"BEDS"}
    frame = scope.observations(data, PUBLIC)
    assert set(frame["period"]) == {"2016"} and set(frame["status"]) == {"approved"}
    assert len(frame) == 3
    assert scope.revision(data, PUBLIC, obs_id=obs_id(data, "440403100", "2016")).status == "approved"
    with pytest.raises(NotFoundError):
        scope.revision(data, PUBLIC, obs_id=obs_id(data, "440403100", "2017"))
