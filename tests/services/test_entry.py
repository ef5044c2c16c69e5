"""The data-entry service: the scope's regions, and problems mapped back to the cells they came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from jundeng.services import entry, regions, users
from jundeng.store.db import Database
from tests.conftest import Templates, fresh_database


@pytest.fixture(scope="module")
def db(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    found, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("entry"))
    yield found
    drop()


def test_a_district_reports_for_its_own_towns_only(db: Database) -> None:
    district = users.principal(db, username="xiangzhou", epoch=0)
    assert district is not None
    found = {r.code for r in entry.scope_regions(db, district, level="town", under=None)}
    assert found == {r.code for r in regions.regions(db, level="town", under="440402")}
    with pytest.raises(Exception, match="level"):
        entry.scope_regions(db, district, level="street", under=None)


def test_problems_come_back_at_their_cells(db: Database) -> None:
    district = users.principal(db, username="xiangzhou", epoch=0)
    assert district is not None
    grid = entry.grid(db, district, period="2017", level="town", under=None)
    first, second = (grid.indicators[0].code, grid.regions[0].code), (grid.indicators[1].code, grid.regions[1].code)
    done = entry.submit(db, district, period="2017", values={first: "", second: "not a number"}, dry_run=True)
    assert not done.accepted and set(done.cells) == {second} and done.other == []
    assert replace(done, cells={}).accepted
