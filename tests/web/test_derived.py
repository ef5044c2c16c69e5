"""A county that reported only its towns: the web shows its rolled-up values and says they are derived."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient

from jundeng.domain.observations import ObservationStatus
from jundeng.services import city, regions, users
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.services.observations import import_files
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.limits import limiter


def test_the_overview_marks_values_rolled_up_from_the_towns(empty_db: Database, tmp_path: Path) -> None:
    city.init(empty_db, code="420881", user="t")  # 钟祥市 as the top of its own programme
    rows = [
        ("CN_SI_PENSION_COVERAGE", town.code, year, 100 * (900 - n) / 1000, 900 - n, 1000)
        for n, town in enumerate(regions.regions(empty_db, level="town"))
        for year in (2019, 2020)
    ]
    data = tmp_path / "towns.csv"
    pd.DataFrame(rows, columns=["indicator", "region", "period", "value", "numerator", "denominator"]).to_csv(
        data, index=False
    )
    assert not import_files(empty_db, [data], user="t", status=ObservationStatus.APPROVED).errors
    users.create(empty_db, username="zx", password=DEMO_PASSWORD, by="t", role="office", region="420881")
    limiter.reset()
    app = create_app(empty_db.url, secret_key="derived-test")
    client = TestClient(app)
    client.get("/api/v1/me")
    assert client.post("/api/v1/login", json={"username": "zx", "password": DEMO_PASSWORD}).status_code == 200
    html = client.get("/").text
    assert 'id="derived-banner"' in html  # the county's 2020 value is not reported but rolled up: said so
    page = client.get("/indicators/CN_SI_PENSION_COVERAGE").text
    expected = 100 * sum(900 - n for n in range(31)) / (31 * 1000)
    assert f"{expected:.2f}" in page or f"{expected:.1f}" in page
    ranking = client.get("/appraisal").text  # a county's units are its towns (it used to rank 钟祥 alone)
    towns = regions.regions(empty_db, level="town")
    assert sum(t.name in ranking for t in towns) == len(towns) == 31
    client.close()
    app.state.db.dispose()  # the app's own connections (PostgreSQL) closed before the next test
