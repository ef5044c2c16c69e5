"""Facts: approved values only, in scope, with a cache key that follows the approved data."""

from __future__ import annotations

from pathlib import Path

import pytest

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import PUBLIC, Principal
from jundeng.services import catalog, facts, regions
from jundeng.services.observations import decide, import_files, import_population
from jundeng.store.db import Database

OFFICE = Principal(username="office", display_name="办公室", role="office")


def put(db: Database, path: Path, rows: str, status: ObservationStatus) -> None:
    path.write_text("indicator,region,period,value\n" + rows, encoding="utf-8")
    assert not import_files(db, [path], user="clerk", status=status).errors


@pytest.fixture
def data(db: Database, tmp_path: Path) -> Database:
    rows = "BEDS,440402001,2016,4.1\nBEDS,440403100,2016,3.2\nGER,440402001,2016,95\n"
    put(db, tmp_path / "approved.csv", rows, ObservationStatus.APPROVED)
    put(db, tmp_path / "pending.csv", "BEDS,440402001,2017,4.5\n", ObservationStatus.SUBMITTED)
    return db


def keys(found: facts.Facts) -> set[tuple[str, str, str]]:
    obs = found.observations
    return set(zip(obs["indicator"], obs["region"], obs["period"], strict=True))


def test_pending_values_never_enter_the_facts(data: Database) -> None:
    found = facts.load(data, OFFICE)
    assert keys(found) == {("BEDS", "440402001", "2016"), ("BEDS", "440403100", "2016"), ("GER", "440402001", "2016")}
    assert set(found.observations["status"]) == {"approved"}
    assert facts.latest_year(found) == 2016
    assert found.observations.set_index("region").loc["440403100", "district"] == "440403"


def test_a_pending_correction_never_enters_the_facts(data: Database, tmp_path: Path) -> None:
    put(data, tmp_path / "fix.csv", "BEDS,440403100,2016,9.9\n", ObservationStatus.SUBMITTED)
    assert 9.9 not in set(facts.load(data, OFFICE).observations["value"])


def test_a_rejected_correction_leaves_the_approved_value(data: Database, tmp_path: Path) -> None:
    """The official figure is the latest approved revision: a rejected correction used to hide it for good."""
    put(data, tmp_path / "fix.csv", "BEDS,440403100,2016,9.9\n", ObservationStatus.SUBMITTED)
    assert decide(data, status=ObservationStatus.REJECTED, user="office", comment="typo", periods=["2016"]) == 1
    values = facts.load(data, OFFICE).observations.set_index("region")["value"]
    assert values.get("440403100") == pytest.approx(3.2)


def test_a_pending_correction_leaves_the_official_picture(data: Database, tmp_path: Path) -> None:
    """Values awaiting review never change what the pages show (issue 13: a district's upload moved the overview)."""

    def beds() -> dict[str, float]:
        obs = facts.load(data, OFFICE).observations
        obs = obs[(obs["indicator"] == "BEDS") & (obs["period"] == "2016")]
        return dict(zip(obs["region"], obs["value"], strict=True))

    before = beds()
    put(data, tmp_path / "fix.csv", "BEDS,440403100,2016,9.9\nBEDS,440402001,2016,0.1\n", ObservationStatus.SUBMITTED)
    assert beds() == before == {"440402001": 4.1, "440403100": 3.2}


def test_the_cache_key_follows_the_approved_data_only(data: Database, tmp_path: Path) -> None:
    before = facts.load(data, OFFICE)
    put(data, tmp_path / "more.csv", "BEDS,440404100,2017,2.0\n", ObservationStatus.SUBMITTED)
    assert facts.load(data, OFFICE).scope == before.scope, "a new pending value changes nothing"
    assert decide(data, status=ObservationStatus.APPROVED, user="office", periods=["2017"]) == 2
    after = facts.load(data, OFFICE)
    assert after.fingerprint != before.fingerprint and after.scope != before.scope
    assert ("BEDS", "440402001", "2017") in keys(after) and facts.latest_year(after) == 2017


def test_facts_are_scoped_to_the_principal(data: Database) -> None:
    district = Principal(
        username="xz", display_name="香洲区", role="district", region="440402",
        regions=regions.subtree(data, root="440402"),
    )  # fmt: skip
    assert {r for _, r, _ in keys(facts.load(data, district))} == {"440402001"}
    assert facts.load(data, PUBLIC).observations.empty
    catalog.publish(data, code="GER", by="office")
    public = facts.load(data, PUBLIC)
    assert keys(public) == {("GER", "440402001", "2016")} and set(public.indicators) == {"GER"}
    assert public.scope != facts.load(data, OFFICE).scope


def test_facts_are_read_once_per_data_version(data: Database, tmp_path: Path) -> None:
    """A page no longer reads every approved value: the facts are shared until an import or decision."""
    first = facts.load(data, OFFICE)
    assert facts.load(data, OFFICE) is first
    put(data, tmp_path / "more.csv", "BEDS,440404100,2017,2.0\n", ObservationStatus.SUBMITTED)
    again = facts.load(data, OFFICE)
    assert again is not first and again.scope == first.scope  # re-read, same approved data
    assert decide(data, status=ObservationStatus.APPROVED, user="office", periods=["2017"]) == 2
    assert ("BEDS", "440404100", "2017") in keys(facts.load(data, OFFICE))  # the writer sees its own decision


def test_new_population_figures_reach_the_facts(data: Database, tmp_path: Path) -> None:
    """A population import that only adds rows is audited, so the shared facts are read again."""
    assert not facts.load(data, OFFICE).observations.empty  # read and shared before the import
    path = tmp_path / "pop.csv"
    path.write_text("区划代码,年份,常住人口,户籍人口\n440402001,2016,52000,41000\n", encoding="utf-8")
    assert not import_population(data, path, user="clerk").errors
    after = facts.load(data, OFFICE).observations.set_index(["indicator", "region"])["population"]
    assert after[("BEDS", "440402001")] == 52000
