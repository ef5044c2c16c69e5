"""The annual report's access section: coverage by category, district, urban and rural from the service, the
towns most uncovered, figures of its own tables, and no section without facilities and points."""

from __future__ import annotations

import dataclasses

import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.report.annual import annual_report
from jundeng.report.annual_inputs import AnnualInputs
from jundeng.report.document import Document, Table
from jundeng.services import access_db
from jundeng.services.report_annual import annual_inputs
from jundeng.store.db import Database


@pytest.fixture(scope="module")
def inputs(demo_db: Database) -> AnnualInputs:
    return annual_inputs(demo_db, year=2017, today=DEMO_TODAY)


def _section(doc: Document, words: str) -> list[object]:
    return list(next(s for s in doc.sections if s.title.endswith(words)).blocks)


def test_the_section_states_the_services_coverage(demo_db: Database, inputs: AnnualInputs) -> None:
    assert inputs.access is not None and inputs.access.synthetic
    blocks = _section(annual_report(inputs, "zh"), "设施覆盖与可达性")
    text = " ".join(getattr(b, "text", "") for b in blocks)
    bus = access_db.coverage(demo_db, within=500, category="bus_stop", by="urban_rural", year=2017)
    assert f"公交站点直线500米以内的占{bus.summary['share'] * 100:.1f}%" in text
    shares = bus.regions.set_index("region")["share"]
    assert f"城镇{shares['urban'] * 100:.1f}%、农村{shares['rural'] * 100:.1f}%" in text
    tables = [b for b in blocks if isinstance(b, Table)]
    districts = next(t for t in tables if t.title == "各区设施覆盖率")
    by_district = access_db.coverage(demo_db, within=500, category="bus_stop", by="district", year=2017)
    expected = dict(zip(by_district.regions["region"], by_district.regions["share"], strict=True))
    names = {"香洲区": "440402", "斗门区": "440403", "金湾区": "440404"}
    for row in districts.rows:
        if row["name"] in names:
            assert row["bus_stop"] == pytest.approx(expected[names[row["name"]]])
    towns = next(t for t in tables if t.title == "未覆盖人口较多的镇街")
    uncovered = [r["uncovered"] for r in towns.rows if r["category"].startswith("公交站点")]
    assert uncovered == sorted(uncovered, reverse=True) and 0 < len(uncovered) <= 5
    assert any("合成演示数据" in getattr(b, "text", "") for b in blocks)


def test_the_english_section_and_no_section_without_access_data(inputs: AnnualInputs) -> None:
    en = annual_report(inputs, "en")
    text = " ".join(getattr(b, "text", "") for b in _section(en, "Access to facilities"))
    assert "lived within 500 m (straight line) of a bus stop" in text
    full = annual_report(inputs, "zh")
    without = annual_report(dataclasses.replace(inputs, access=None), "zh")
    assert not any(s.title.endswith("设施覆盖与可达性") for s in without.sections)
    access = next(s.title for s in full.sections if s.title.endswith("设施覆盖与可达性"))
    assert without.sections[-3].title == access.split("、")[0] + "、存在的问题"  # the problems take its number
