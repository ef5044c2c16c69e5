"""The gap rankings on the pages: the overview compares one level at a time and says what it left out; the gap
dashboard ``/gaps`` shows the urban–rural and the district ranking."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.web.app import create_app
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import signed_in


@pytest.fixture(scope="module")
def app(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("gaps"))
    yield create_app(db.url, secret_key="gaps-test", ledger_day=DEMO_TODAY)
    drop()


@pytest.mark.parametrize("role", ["office", "viewer"])
def test_the_gap_dashboard_shows_both_rankings(app: object, role: str) -> None:
    client: TestClient = signed_in(app, role)
    page = client.get("/gaps")
    assert page.status_code == 200, page.text
    assert 'id="gaps_urban_rural"' in page.text or "gaps_urban_rural" in page.text
    assert "gaps_district" in page.text
    assert "城乡比（高÷低，中位数）" in page.text and "基尼系数" in page.text
    assert "以百分点计的差值（差值不是分布）" in page.text and "FIN_BPS_SPENDING_GROWTH_GAP" in page.text
    english = client.get("/gaps?lang=en")
    assert "Urban–rural ratio" in english.text and "differences in percentage points" in english.text


def test_the_overview_ranks_one_level_and_leaves_out_point_differences(app: object) -> None:
    client = signed_in(app, "office")
    page = client.get("/?format=csv&table=gaps")
    assert page.status_code == 200
    lines = page.text.strip().splitlines()[1:]
    assert lines and all("FIN_BPS_SPENDING_GROWTH_GAP" not in line for line in lines)
    assert len({line.split(",")[3] for line in lines}) == 1  # one level only
    towns = client.get("/?level=town&format=csv&table=gaps").text.strip().splitlines()[1:]
    assert towns and {line.split(",")[3] for line in towns} == {"镇街"}
    assert {line.split(",")[4] for line in towns} == {"31"}
    html = client.get("/").text
    assert "未列入排名的指标" in html and "FIN_BPS_SPENDING_GROWTH_GAP" in html
    urban = client.get("/?kind=urban_rural&format=csv&table=gaps")
    assert urban.status_code == 200 and "城乡比" in urban.text
