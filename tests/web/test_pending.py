"""Official vs pending (issue 13): pages use approved values only and tell reviewers how many more wait."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.domain.observations import ObservationStatus
from jundeng.services import pending
from jundeng.services.observations import import_files
from jundeng.store import observations_repo
from jundeng.store.db import Database
from jundeng.web.app import create_app
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import signed_in


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("pending"))
    yield create_app(db.url, secret_key="pending-test", ledger_day=DEMO_TODAY), db
    drop()


def shown(html: str) -> int | None:
    match = re.search(r'id="pending-banner"[^>]*>\s*<strong>(\d+)', html)
    return int(match.group(1)) if match else None


def test_reviewers_are_told_how_many_values_wait_and_others_are_not(
    site: tuple[object, Database], tmp_path: Path
) -> None:
    app, db = site
    with db.session() as session:
        approved = observations_repo.observations(session, statuses=["approved"], periods=["2017"]).to_pandas()
    towns = approved[(approved["region"].str.len() == 9) & ~approved["indicator"].str.startswith("ACC_")]  # reported
    picked = pd.concat([towns[towns["region"].str.startswith(d)].head(2) for d in ("440402", "440403")])
    corrections = tmp_path / "fix.csv"
    picked.assign(value=picked["value"] + 1)[["indicator", "region", "period", "value"]].to_csv(
        corrections, index=False
    )
    assert not import_files(db, [corrections], user="xiangzhou", status=ObservationStatus.SUBMITTED).errors
    with db.session() as session:
        counts = observations_repo.pending_by_region(session)
    assert sum(counts.values()) > 0, "the demo has values awaiting review"
    office = signed_in(app, "office")
    assert shown(office.get("/").text) == sum(counts.values())
    assert shown(office.get("/indicators").text) == sum(counts.values())
    district = signed_in(app, "district")
    own = shown(district.get("/").text)
    assert own == 2  # its own only
    assert shown(signed_in(app, "viewer").get("/").text) is None
    assert pending.REVIEWERS == ("admin", "office", "district")
