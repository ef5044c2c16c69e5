"""The one gap table: the same numbers as gap_report by hand, in the principal's scope."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jundeng.domain.catalog import Indicator
from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import Principal
from jundeng.errors import NotFoundError
from jundeng.measure.report import gap_report
from jundeng.services import analysis, regions
from jundeng.services import facts as facts_
from jundeng.services.observations import import_files, import_population
from jundeng.store.db import Database

TOWNS = {  # town: (beds per 1000, resident population)
    "440402001": (4.1, 52_000.0),
    "440402002": (5.0, 61_000.0),
    "440402003": (6.2, 38_000.0),
    "440403100": (3.2, 45_000.0),
    "440403103": (2.5, 30_000.0),
    "440403105": (2.9, 27_000.0),
    "440404100": (3.8, 70_000.0),
    "440404101": (2.2, 25_000.0),
}


@pytest.fixture
def data(db: Database, tmp_path: Path) -> Database:
    values = tmp_path / "beds.csv"
    values.write_text(
        "indicator,region,period,value\n" + "".join(f"BEDS,{t},2016,{v}\n" for t, (v, _) in TOWNS.items()),
        encoding="utf-8",
    )
    pop = tmp_path / "pop.csv"
    pop.write_text("region,year,resident\n" + "".join(f"{t},2016,{p}\n" for t, (_, p) in TOWNS.items()), "utf-8")
    assert import_files(db, [values], user="clerk", status=ObservationStatus.APPROVED).written == 8
    assert import_population(db, pop, user="clerk").written == 8
    return db


def by_hand(towns: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "value": [v for v, _ in towns.values()],
            "pop": [p for _, p in towns.values()],
            "district": [t[:6] for t in towns],
        }
    )


def test_gap_table_matches_gap_report_by_hand(data: Database) -> None:
    table = analysis.gap_table(data, indicator="BEDS", period="2016", by=("district",))
    expected = gap_report(by_hand(TOWNS), "value", "pop", ["district"], direction="higher")
    assert table.level == "town" and table.weighted
    assert set(table.values["region"]) == set(TOWNS)
    got = table.report.summary.set_index("measure")["value"]
    want = expected.summary.set_index("measure")["value"]
    assert list(got.index) == list(want.index)
    np.testing.assert_allclose(got.to_numpy(dtype=float), want.to_numpy(dtype=float), rtol=1e-9)
    got_parts, want_parts = (d.select_dtypes("number") for d in (table.report.decompositions, expected.decompositions))
    assert not want_parts.empty
    np.testing.assert_allclose(got_parts.to_numpy(dtype=float), want_parts.to_numpy(dtype=float), rtol=1e-9)
    assert len(table.report.groups) == 3


def test_unknown_indicator_or_period_is_not_found(data: Database) -> None:
    with pytest.raises(NotFoundError):
        analysis.gap_table(data, indicator="NOPE", period="2016")
    with pytest.raises(NotFoundError):
        analysis.gap_table(data, indicator="BEDS", period="2015")
    education = Principal(username="edu", display_name="教育局", role="department", domains=("edu",))
    with pytest.raises(NotFoundError):
        analysis.gap_table(data, indicator="BEDS", period="2016", principal=education)


def test_a_district_table_covers_only_its_towns(data: Database) -> None:
    doumen = Principal(
        username="dm", display_name="斗门区", role="district", region="440403",
        regions=regions.subtree(data, root="440403"),
    )  # fmt: skip
    table = analysis.gap_table(data, indicator="BEDS", period="2016", by=("town",), principal=doumen)
    own = {t: v for t, v in TOWNS.items() if t.startswith("440403")}
    assert set(table.values["region"]) == set(own)
    assert table.report.units == 3
    expected = gap_report(by_hand(own), "value", "pop", [], direction="higher")
    got = table.report.summary.set_index("measure")["value"]
    want = expected.summary.set_index("measure")["value"]
    np.testing.assert_allclose(got.to_numpy(dtype=float), want.reindex(got.index).to_numpy(dtype=float), rtol=1e-9)


def test_two_programmes_are_never_compared_together(data: Database, tmp_path: Path) -> None:
    """With a second programme in the database, a gap table says which one it is about (issue 12)."""
    from jundeng.errors import ScopeError
    from jundeng.services import city

    city.init(data, code="420881", user="office")  # 钟祥市 beside 珠海市
    values = tmp_path / "zx.csv"
    values.write_text("indicator,region,period,value\nBEDS,420881100,2016,9.0\nBEDS,420881101,2016,1.0\n", "utf-8")
    assert import_files(data, [values], user="clerk", status=ObservationStatus.APPROVED).written == 2
    with pytest.raises(ScopeError, match="choose one with --under"):
        analysis.gap_table(data, indicator="BEDS", period="2016")
    zhuhai = analysis.gap_table(data, indicator="BEDS", period="2016", under="440400")
    assert set(zhuhai.values["region"]) == set(TOWNS)
    zhongxiang = analysis.gap_table(data, indicator="BEDS", period="2016", under="420881")
    assert set(zhongxiang.values["region"]) == {"420881100", "420881101"}
    district = Principal(
        username="xz", display_name="香洲区", role="district", region="440402",
        regions=regions.subtree(data, root="440402"),
    )  # fmt: skip
    own = analysis.gap_table(data, indicator="BEDS", period="2016", principal=district)
    assert set(own.values["region"]) == {t for t in TOWNS if t.startswith("440402")}
    with pytest.raises(ScopeError):
        analysis.convergence(data, indicator="BEDS")
    with pytest.raises(NotFoundError, match="two periods"):  # one programme chosen; it has one period
        analysis.convergence(data, indicator="BEDS", under="440400")


def test_functional_zones_are_an_overlay_not_units_beside_the_districts(db: Database, tmp_path: Path) -> None:
    """A district-level gap counts each person once (the zones' people live in the districts); the zones are
    compared in their own view (they used to be ranked beside the districts, double-counting population)."""
    rows = {"440402": (5.0, 1_000.0), "440403": (3.0, 500.0), "440404": (4.0, 400.0)}
    rows |= {"440400-HQ": (7.0, 300.0), "440400-GX": (2.0, 600.0)}
    values = tmp_path / "beds.csv"
    values.write_text(
        "indicator,region,period,value\n" + "".join(f"BEDS,{r},2016,{v}\n" for r, (v, _) in rows.items()), "utf-8"
    )
    pop = tmp_path / "pop.csv"
    pop.write_text("region,year,resident\n" + "".join(f"{r},2016,{p}\n" for r, (_, p) in rows.items()), "utf-8")
    assert import_files(db, [values], user="clerk", status=ObservationStatus.APPROVED).written == 5
    assert import_population(db, pop, user="clerk").written == 5
    districts = analysis.gap_table(db, indicator="BEDS", period="2016", level="district")
    assert set(districts.values["region"]) == {"440402", "440403", "440404"}
    assert districts.values["population"].sum() == 1_900.0
    zones = analysis.gap_table(db, indicator="BEDS", period="2016", level="zone")
    assert set(zones.values["region"]) == {"440400-HQ", "440400-GX"} and zones.level == "zone"


def _facts(rows: list[tuple[str, str, str, float]], units: dict[str, str]) -> facts_.Facts:
    """Facts of hand-made yearly totals: (indicator, region, level, value) in 2020, population 1000 each."""
    obs = pd.DataFrame(rows, columns=["indicator", "region", "level", "value"]).assign(
        period="2020", year=2020, disaggregation="", functional_zone=False, population=1000.0, source="test"
    )
    obs["district"] = obs["region"].str[:6]
    obs["town"] = None
    indicators = {
        code: Indicator(code=code, name=code, domain="d", unit=unit, kind="expected") for code, unit in units.items()
    }
    scope = ("test", str(len(rows)), tuple(units), None, None)
    regions = obs[["region", "level"]].drop_duplicates().rename(columns={"region": "code"})
    return facts_.Facts(obs, regions.assign(name=regions["code"]), indicators, {}, [], "fp", scope)


def test_the_gap_ranking_compares_one_level_and_leaves_out_zero_spread_and_point_differences() -> None:
    districts = ["440402", "440403", "440404"]
    towns = [f"{d}00{i}" for d in districts for i in range(1, 4)]
    rows = [("RATE_D", d, "district", v) for d, v in zip(districts, [50.0, 60.0, 90.0], strict=True)]
    rows += [("RATE_T", t, "town", 10.0 + 5 * i) for i, t in enumerate(towns)]
    rows += [("RATE_T", d, "district", 20.0 + i) for i, d in enumerate(districts)]
    rows += [("FLAT", d, "district", 7.0) for d in districts]  # Gini 0: no gap
    rows += [("FISCAL_PP", d, "district", v) for d, v in zip(districts, [1.0, 5.0, 9.0], strict=True)]
    units = {"RATE_D": "%", "RATE_T": "%", "FLAT": "%", "FISCAL_PP": "个百分点"}
    facts = _facts(rows, units)

    ranking = analysis.gaps(facts, 2020, "district")
    assert ranking.kind == "district" and ranking.level == "district"  # the level every indicator has
    assert {r["level"] for r in ranking.rows} == {"district"}
    assert [r["indicator"] for r in ranking.rows] == ["RATE_D", "RATE_T"]
    assert all(r["units"] == 3 and r["weighted"] for r in ranking.rows)
    assert ranking.left_out["no_spread"] == ["FLAT"]
    assert ranking.left_out["difference"] == ["FISCAL_PP"]

    towns_only = analysis.gaps(facts, 2020, "district", level="town")
    assert [(r["indicator"], r["level"], r["units"]) for r in towns_only.rows] == [("RATE_T", "town", 9)]
    assert sorted(towns_only.left_out["level"]) == ["FLAT", "RATE_D"]
    grouped = analysis.gaps(facts, 2020, "district", kind="group")
    assert grouped.level == "town" and [r["indicator"] for r in grouped.rows] == ["RATE_T"]
    assert grouped.rows[0]["between"] > 0.5


def test_the_urban_rural_ranking_uses_the_ratio_of_urban_and_rural_values() -> None:
    districts = ["440402", "440403"]
    rows = [("RATE", d, "district", 50.0) for d in districts] + [("OTHER", d, "district", 5.0) for d in districts]
    facts = _facts(rows, {"RATE": "%", "OTHER": "%"})
    split = pd.DataFrame(
        [
            ("RATE", d, "district", v, f"urban_rural={k}")
            for d in districts
            for k, v in (("urban", 60.0), ("rural", 40.0))
        ],
        columns=["indicator", "region", "level", "value", "disaggregation"],
    ).assign(period="2020", year=2020, functional_zone=False, population=1000.0, name="x")
    facts = replace(facts, observations=pd.concat([facts.observations, split], ignore_index=True))
    ranking = analysis.gaps(facts, 2020, "district", kind="urban_rural")
    assert [(r["indicator"], r["units"]) for r in ranking.rows] == [("RATE", 2)]
    assert ranking.rows[0]["ratio"] == pytest.approx(1.5) and ranking.rows[0]["difference"] == pytest.approx(20.0)
    assert ranking.left_out["not_disaggregated"] == ["OTHER"]


@pytest.mark.parametrize("weighted", [True, False])
def test_spread_reads_the_same_measures_as_the_gap_report(weighted: bool) -> None:
    """The ranking's five measures, computed alone, equal the full gap report's on the same rows (weighted by
    population when every unit has one; a unit without population makes the measures unweighted)."""
    rng = np.random.default_rng(3)
    units = pd.DataFrame(
        {
            "value": rng.lognormal(3, 0.4, 40),
            "population": rng.integers(1_000, 90_000, 40).astype(float),
            "district": np.repeat(["a", "b", "c", "d"], 10),
        }
    )
    if not weighted:
        units.loc[5, "population"] = np.nan
    found = analysis.spread(units, "district")
    report = gap_report(units, "value", "population" if weighted else None, ["district"], max_dagum_groups=0)
    summary = dict(zip(report.summary["measure"], report.summary["value"], strict=True))
    theil = report.decompositions[report.decompositions["index"] == "theil"]
    expected = [summary["gini"], summary["theil"], summary["cv"], summary["max_min_ratio"]]
    assert [found["gini"], found["theil"], found["cv"], found["max_min"]] == pytest.approx(expected, rel=1e-12)
    assert found["between"] == pytest.approx(float(theil["between_share"].iloc[0]), rel=1e-12)
    assert 0 < float(found["between"] or 0) < 1
