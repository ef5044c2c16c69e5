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


@pytest.fixture
def two_cities(data: Database, tmp_path: Path) -> Database:
    """珠海 (the ``data`` fixture) with 江门 beside it, and an approved value in 江门."""
    from jundeng.services import city

    city.init(data, code="440700", user="office")
    put(data, tmp_path / "jiangmen.csv", "BEDS,440703,2016,6.0\n", ObservationStatus.APPROVED)
    return data


def test_the_programme_of_a_user_of_one_city_is_that_city(two_cities: Database) -> None:
    """A user whose region lies in 江门 works in 江门 whatever is asked or remembered; another city's region reads
    as absent."""
    jiangmen = Principal(username="jm", display_name="江门市", role="office", region="440700")
    for asked, remembered in ((None, None), ("440703", None), (None, "440400")):
        found = scope.programme(two_cities, jiangmen, asked=asked, remembered=remembered)
        assert (found.code, found.name, found.undecided) == ("440700", "江门市", False)
        assert found.choices == (("440700", "江门市"),)
    with pytest.raises(NotFoundError, match="unknown region code: 440402"):
        scope.programme(two_cities, jiangmen, asked="440402")
    assert scope.programme(two_cities, xiangzhou(two_cities)).code == "440400"


def test_a_county_office_inside_a_city_works_in_its_county(empty_db: Database) -> None:
    """钟祥市's office, with 荆门 set up too, works in 钟祥 (it used to get the whole of 荆门); its district-level
    peers in 荆门 read as absent, its towns do not; 荆门's district users still work in 荆门."""
    from jundeng.services import city

    city.init(empty_db, code="420800", user="office")
    city.init(empty_db, code="420881", user="office")
    zhongxiang = Principal(username="zx", display_name="钟祥市", role="office", region="420881")
    found = scope.programme(empty_db, zhongxiang)
    assert (found.code, found.name, found.choices) == ("420881", "钟祥市", (("420881", "钟祥市"),))
    assert scope.programme(empty_db, zhongxiang, asked="420881100").code == "420881"
    with pytest.raises(NotFoundError):
        scope.programme(empty_db, zhongxiang, asked="420802")
    district = Principal(username="db", display_name="东宝区", role="district", region="420802")
    assert scope.programme(empty_db, district).code == "420800"


def test_a_user_of_no_region_chooses_among_the_programmes(two_cities: Database) -> None:
    """The office of a database holding two programmes must choose; a region asked picks its programme, a
    remembered choice stands until it is gone."""
    found = scope.programme(two_cities, OFFICE)
    assert found.undecided and found.code is None
    assert found.choices == (("440400", "珠海市"), ("440700", "江门市"))
    assert scope.programme(two_cities, OFFICE, asked="440703").code == "440700"
    assert scope.programme(two_cities, OFFICE, remembered="440400").code == "440400"
    assert scope.programme(two_cities, OFFICE, asked="440703", remembered="440400").code == "440700"
    assert scope.programme(two_cities, PUBLIC, remembered="999999").undecided
    with pytest.raises(NotFoundError):
        scope.programme(two_cities, OFFICE, asked="999999")


def test_one_programme_needs_no_choice(db: Database) -> None:
    found = scope.programme(db, OFFICE)
    assert (found.code, found.undecided, len(found.choices)) == ("440400", False, 1)


def test_values_of_one_programme(two_cities: Database) -> None:
    """The values of a programme's subtree only (the office sees both cities without one)."""
    assert set(scope.observations(two_cities, OFFICE, under="440700")["region"]) == {"440703"}
    assert set(scope.observations(two_cities, OFFICE, under="440400")["region"]) == {
        "440402001",
        "440402002",
        "440403100",
    }
    assert "440703" in set(scope.observations(two_cities, OFFICE)["region"])
