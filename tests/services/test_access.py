"""Accessibility services: coverage and floating-catchment scores on files and on the database, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyproj import Transformer

from jundeng.errors import InputError, JundengError
from jundeng.measure import decompose, gini, theil
from jundeng.services import access, access_db
from jundeng.services.regions import regions
from jundeng.store.db import Database
from tests.conftest import write

STOPS = "id,category,capacity,x,y,epsg\ns1,bus_stop,10,0,0,4547\ns2,bus_stop,20,2000,0,4547\nc1,clinic,5,0,0,4547\n"
PEOPLE = "id,region,population,x,y,epsg\np1,A,100,0,0,4547\np2,A,300,1000,0,4547\np3,B,50,5000,0,4547\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "f.csv", STOPS), write(tmp_path / "p.csv", PEOPLE)


def test_coverage_by_hand(files: tuple[Path, Path]) -> None:
    answer = access.coverage(*files, within=1000, category="bus_stop")
    assert answer.regions.to_dict(orient="records") == [
        {"region": "A", "population": 400.0, "covered": 400.0, "share": 1.0},
        {"region": "B", "population": 50.0, "covered": 0.0, "share": 0.0},
    ]
    assert answer.summary["share"] == pytest.approx(400 / 450)
    assert answer.summary["total"] == {"population": 450.0, "covered": 400.0, "share": pytest.approx(400 / 450)}
    # Gini of shares (1, 0) weighted (400, 50): Σ p_i p_j |x_i − x_j| / 2μ with μ = 400/450
    assert answer.summary["gini"] == pytest.approx(2 * (400 / 450) * (50 / 450) / (2 * 400 / 450))
    assert answer.summary["theil"] == pytest.approx(theil([1, 0], [400, 50]))
    assert answer.points["covered"].tolist() == [True, True, False]
    narrow = access.coverage(*files, within=999, category="bus_stop")
    assert narrow.regions["share"].tolist() == [0.25, 0.0]  # p2 is 1000 m from either stop


def test_a_cost_matrix_replaces_the_straight_line(files: tuple[Path, Path], tmp_path: Path) -> None:
    cost = write(tmp_path / "od.csv", "origin,destination,cost\np1,s1,20\np2,s2,9\np3,s2,10\n")
    answer = access.coverage(*files, within=10, category="bus_stop", cost=cost)
    assert answer.points["covered"].tolist() == [False, True, True]  # p1 sits on s1 but is 20 minutes away
    assert answer.summary["unit"] == "cost"
    bad = write(tmp_path / "bad.csv", "origin,destination,cost\np9,s1,1\n")
    with pytest.raises(InputError) as refused:
        access.coverage(*files, within=10, cost=bad)
    assert refused.value.location == "bad.csv:2:1"


def test_2sfca_and_e2sfca_by_hand(files: tuple[Path, Path]) -> None:
    two = access.score(*files, method="2sfca", catchment=1500, category="bus_stop")
    r1, r2 = 10 / 400, 20 / 300  # pairs: p1–s1 (0 m), p2–s1 (1000 m), p2–s2 (1000 m); p3 reaches nothing
    assert two.points["score"].tolist() == pytest.approx([r1, r1 + r2, 0])
    assert two.regions["score"].tolist() == pytest.approx([(100 * r1 + 300 * (r1 + r2)) / 400, 0])
    assert two.summary["population_without_access"] == 50
    enhanced = access.score(*files, method="e2sfca", catchment=1500, category="bus_stop")
    assert enhanced.summary["weights"] == [[500, 1.0], [1000, 0.68], [1500, 0.22]]  # thirds, Luo & Qi weights
    e1, e2 = 10 / (100 + 300 * 0.68), 20 / (300 * 0.68)
    assert enhanced.points["score"].tolist() == pytest.approx([e1, 0.68 * (e1 + e2), 0])
    given = access.score(*files, method="e2sfca", catchment=1500, weights="1000:1,1500:0.5", category="bus_stop")
    assert given.points["score"].tolist() == pytest.approx([10 / 400, 10 / 400 + 20 / 300, 0])
    gauss = access.score(*files, method="g2sfca", catchment=1500, category="bus_stop")
    assert gauss.summary["bandwidth"] == 750
    three = access.score(*files, method="3sfca", catchment=1500, category="bus_stop")
    assert three.points["score"].iloc[0] > 0 and three.summary["gini"] is not None


def test_parse_weights() -> None:
    assert access.parse_weights("1000:1，2000：0.68,3000:0.22") == [(1000, 1), (2000, 0.68), (3000, 0.22)]
    for bad in ("1000", "a:1", "2000:1,1000:0.5", "1000:-1"):
        with pytest.raises(JundengError):
            access.parse_weights(bad)


def test_refusals(files: tuple[Path, Path]) -> None:
    with pytest.raises(JundengError, match="categories present: bus_stop、clinic"):
        access.coverage(*files, within=10, category="school")
    with pytest.raises(JundengError, match="needs the regions of a database"):
        access.coverage(*files, within=10, by="district")
    with pytest.raises(JundengError, match="method must be"):
        access.score(*files, method="4sfca", catchment=10)


def test_projected_points_and_geographic_facilities_meet_in_lon_lat(tmp_path: Path) -> None:
    x, y = Transformer.from_crs(4326, 4547, always_xy=True).transform(113.55, 22.27)
    sites = write(tmp_path / "f.csv", "id,category,capacity,lon,lat\nf1,clinic,1,113.55,22.27\n")
    people = write(tmp_path / "p.csv", f"id,region,population,x,y\np1,A,10,{x + 300},{y}\n")
    assert access.coverage(sites, people, within=310, epsg=4547).summary["share"] == 1
    assert access.coverage(sites, people, within=290, epsg=4547).summary["share"] == 0
    with pytest.raises(JundengError, match="without an EPSG code cannot meet another system"):
        access.coverage(sites, people, within=290)


GROUPED = (
    "id,region,population,lon,lat,urban_rural\n"
    "p1,440402001,100,113.55,22.27,\n"  # 翠香街道: urban, in 香洲区
    "p2,440402105,50,113.70,22.10,\n"  # 桂山镇: rural, in 香洲区
    "p3,440403001,200,113.30,22.21,rural\n"  # 白藤街道 (urban) but the point says rural
)
CLINICS = "id,category,capacity,lon,lat,region\nh1,clinic,5,113.551,22.271,440402001\nh2,clinic,5,113.301,22.211,\n"


def test_by_district_and_urban_rural_use_the_regions(db: Database, tmp_path: Path) -> None:
    sites, people = write(tmp_path / "f.csv", CLINICS), write(tmp_path / "p.csv", GROUPED)
    known = regions(db)
    district = access.coverage(sites, people, within=1000, by="district", regions=known)
    assert district.regions[["region", "share"]].values.tolist() == [["440402", 100 / 150], ["440403", 1.0]]
    kind = access.coverage(sites, people, within=1000, by="urban_rural", regions=known)
    assert kind.regions[["region", "covered"]].values.tolist() == [["rural", 200.0], ["urban", 100.0]]
    shares = [1.0, 0.0, 1.0]  # per region as given, grouped into districts 440402, 440402, 440403
    split = decompose(shares, ["440402", "440402", "440403"], [100, 50, 200], "theil")
    assert district.summary["theil_between_district_share"] == pytest.approx(split.between_share)
    # the rural region covers nobody (its weight s_g is 0): all of Theil's T lies between urban and rural
    assert kind.summary["theil_between_urban_rural_share"] == pytest.approx(1.0)
    assert district.summary["gini"] == pytest.approx(gini([100 / 150, 1.0], [150, 200]))
    unknown = write(tmp_path / "u.csv", GROUPED.replace("440403001", "999999"))
    with pytest.raises(InputError) as refused:
        access.coverage(sites, unknown, within=1000, by="district", regions=known)
    assert refused.value.location == "u.csv:4:2"

    # the same from the database, within the programme
    done = access_db.import_files(db, facilities=sites, population=people, user="clerk")
    assert (done.facilities, done.points) == ((2, 0), (3, 0))
    stored = access_db.coverage(db, within=1000, by="district", under="440400")
    assert stored.regions.to_dict(orient="records") == district.regions.to_dict(orient="records")
    scored = access_db.score(db, method="2sfca", catchment=1000, by="region")
    assert scored.points["score"].tolist() == pytest.approx([5 / 100, 0, 5 / 200])
