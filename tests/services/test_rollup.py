"""A county as the top of a programme (钟祥市, 31 towns): its own targets are fed by the roll-up of its towns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jundeng.domain.observations import ObservationStatus
from jundeng.services import catalog, city, regions
from jundeng.services.appraisal import target_attainment
from jundeng.services.observations import import_files
from jundeng.store.db import Database

CATALOG = """
plan: {code: zx-14th, title: 钟祥市基本公共服务, start_year: 2016, end_year: 2025}
domains: [{code: employment, name: 就业}, {code: social_insurance, name: 社会保险}]
indicators:
  - {code: ZX_NEW_JOBS, name: 城镇新增就业人数, domain: employment, unit: 人}
  - {code: ZX_PENSION_RATE, name: 基本养老保险参保率, domain: social_insurance, unit: "%",
     numerator: 参保人数, denominator: 应参保人数}
targets:
  - {indicator: ZX_NEW_JOBS, region: "420881", year: 2020, comparator: ">=", value: 40000,
     kind: cumulative, start_year: 2016}
  - {indicator: ZX_PENSION_RATE, region: "420881", year: 2020, comparator: ">=", value: 90}
"""


def test_a_county_top_is_fed_by_its_towns(empty_db: Database, tmp_path: Path) -> None:
    """钟祥市 reported nothing itself but every one of its 31 towns did: its targets used to say no_data."""
    done = city.init(empty_db, code="420881", user="office")
    assert done.level == "district" and done.regions["town"] == 31
    catalog.load_text(empty_db, content=CATALOG.encode(), name="zx.yaml", user="office")
    towns = [r.code for r in regions.regions(empty_db, level="town", under="420881")]
    rows: list[dict[str, object]] = []
    for n, town in enumerate(towns):
        for year in (2016, 2017, 2018):
            rows.append({"indicator": "ZX_NEW_JOBS", "region": town, "period": year, "value": 300 + n})
            num, den = 800 + n, 1000
            rows.append(
                {"indicator": "ZX_PENSION_RATE", "region": town, "period": year, "value": 100 * num / den,
                 "numerator": num, "denominator": den}
            )  # fmt: skip
    data = tmp_path / "towns.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    report = import_files(empty_db, [data], user="clerk", status=ObservationStatus.APPROVED)
    assert not report.errors
    table = target_attainment(empty_db, year=2018, under="420881").set_index("indicator")
    jobs, pension = table.loc["ZX_NEW_JOBS"], table.loc["ZX_PENSION_RATE"]
    per_year = sum(300 + n for n in range(31))
    assert jobs["actual"] == pytest.approx(3 * per_year)  # the period's sum of the towns' sums
    assert jobs["kind"] == "cumulative" and bool(jobs["derived"])
    assert jobs["status"] != "no_data"
    assert pension["actual"] == pytest.approx(100 * sum(800 + n for n in range(31)) / (31 * 1000))
    assert bool(pension["derived"]) and pension["status"] in ("on_track", "off_track")
    # 2019 from one town only: nothing is derived for 2019 (a partial sum would understate the county)
    late = tmp_path / "late.csv"
    pd.DataFrame([{"indicator": "ZX_PENSION_RATE", "region": towns[0], "period": 2019, "value": 99.0}]).to_csv(
        late, index=False
    )
    assert not import_files(empty_db, [late], user="clerk", status=ObservationStatus.APPROVED).errors
    later = target_attainment(empty_db, year=2019, under="420881").set_index("indicator")
    assert later.loc["ZX_PENSION_RATE", "actual_year"] == 2018
    # a value the county reports itself is never replaced by the roll-up
    own = tmp_path / "own.csv"
    pd.DataFrame([{"indicator": "ZX_PENSION_RATE", "region": "420881", "period": 2018, "value": 95.0}]).to_csv(
        own, index=False
    )
    assert not import_files(empty_db, [own], user="clerk", status=ObservationStatus.APPROVED).errors
    reported = target_attainment(empty_db, year=2018, under="420881").set_index("indicator")
    assert reported.loc["ZX_PENSION_RATE", "actual"] == 95.0 and not bool(reported.loc["ZX_PENSION_RATE", "derived"])


def test_the_national_indicators_take_any_year(empty_db: Database, tmp_path: Path) -> None:
    """A city set up today reports this year's values on the national list (it was bound to 2016–2020)."""
    city.init(empty_db, code="420881", user="office")
    data = tmp_path / "now.csv"
    data.write_text("indicator,region,period,value\nCN_SI_PENSION_COVERAGE,420881,2026,91.5\n", encoding="utf-8")
    report = import_files(empty_db, [data], user="clerk")
    assert not report.errors and report.written == 1
