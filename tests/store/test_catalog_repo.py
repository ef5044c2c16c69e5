"""Loading a catalogue into the store: region checks, reloading and auditing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jundeng.errors import InputError
from jundeng.io.yaml_files import parse_catalog
from jundeng.store import catalog_repo
from jundeng.store.db import Database
from jundeng.store.models import AuditRow
from tests.conftest import MINI_CATALOG


def test_target_region_must_exist_in_the_store(empty_db: Database) -> None:
    with empty_db.session() as session, pytest.raises(InputError, match="未定义的区划代码"):
        parse_catalog(MINI_CATALOG, "mini.yaml", **catalog_repo.known_codes(session))


def test_reloading_an_edited_catalogue_updates_and_audits(db: Database) -> None:
    edited = MINI_CATALOG.replace("每千人口床位数", "每千常住人口床位数")
    with db.session() as session:
        catalog = parse_catalog(edited, "mini.yaml", **catalog_repo.known_codes(session))
        summary = catalog_repo.load_catalog(session, catalog=catalog, user="editor")
    assert summary.updated == {"indicators": 1}
    with db.session() as session:
        beds = next(i for i in catalog_repo.indicators(session) if i.code == "BEDS")
        audit = session.execute(select(AuditRow).where(AuditRow.user == "editor")).scalar_one()
    assert beds.name == "每千常住人口床位数"
    assert (audit.before, audit.after) == ({"name": "每千人口床位数"}, {"name": "每千常住人口床位数"})
