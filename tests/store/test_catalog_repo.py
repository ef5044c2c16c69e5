"""Loading a catalogue into the store: region checks, reloading and auditing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jundeng.errors import ConflictError, InputError, JundengError, NotFoundError
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


def audits(db: Database, action: str) -> list[AuditRow]:
    with db.session() as session:
        return list(session.execute(select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)).scalars())


def test_a_retired_target_is_kept_left_out_and_restored(db: Database) -> None:
    with db.session() as session:
        catalog_repo.retire(session, kind="target", key="GER:440400:2015", reason="规划调整", user="admin")
    with db.session() as session:
        assert catalog_repo.targets(session) == []
        kept = catalog_repo.targets(session, retired=True)
        gone = catalog_repo.retirements(session, kind="target")
    assert [(t.indicator, t.region, t.year) for t in kept] == [("GER", "440400", 2015)]
    assert set(gone) == {"GER:440400:2015"} and gone["GER:440400:2015"].by == "admin"
    assert gone["GER:440400:2015"].reason == "规划调整"
    [entry] = audits(db, "retire")
    assert (entry.user, entry.entity, entry.key) == ("admin", "targets", "GER|440400|2015")
    assert entry.before == {"retired_at": None, "retired_by": None}
    assert entry.after is not None and entry.after["retired_by"] == "admin" and entry.after["reason"] == "规划调整"
    with db.session() as session:
        catalog_repo.restore(session, kind="target", key="GER:440400:2015", user="admin2")
    with db.session() as session:
        assert [t.year for t in catalog_repo.targets(session)] == [2015]
        actions = [h["action"] for h in catalog_repo.history(session, kind="target", key="GER:440400:2015")]
    assert actions == ["insert", "retire", "restore"]
    assert audits(db, "restore")[0].after == {"retired_at": None, "retired_by": None, "reason": None}


def test_retiring_an_indicator_hides_it_and_its_targets_and_a_reload_keeps_it_retired(db: Database) -> None:
    with db.session() as session:
        catalog_repo.retire(session, kind="indicator", key="GER", reason="停止统计", user="admin")
    with db.session() as session:
        assert "GER" not in {i.code for i in catalog_repo.indicators(session)}
        assert "GER" in {i.code for i in catalog_repo.indicators(session, retired=True)}
        assert catalog_repo.targets(session) == []
        catalog = parse_catalog(MINI_CATALOG, "mini.yaml", **catalog_repo.known_codes(session))
        catalog_repo.load_catalog(session, catalog=catalog, user="loader")
    with db.session() as session:
        assert "GER" not in {i.code for i in catalog_repo.read_catalog(session).indicators}


def test_retiring_twice_an_unknown_entry_or_a_bad_key_is_refused(db: Database) -> None:
    with db.session() as session:
        catalog_repo.retire(session, kind="indicator", key="BEDS", reason="x", user="admin")
    with db.session() as session, pytest.raises(ConflictError):
        catalog_repo.retire(session, kind="indicator", key="BEDS", reason="x", user="admin")
    with db.session() as session, pytest.raises(ConflictError):
        catalog_repo.restore(session, kind="indicator", key="DOCTORS", user="admin")
    with db.session() as session, pytest.raises(NotFoundError):
        catalog_repo.retire(session, kind="item", key="NOPE", reason="x", user="admin")
    with db.session() as session, pytest.raises(JundengError, match="INDICATOR:REGION:YEAR"):
        catalog_repo.retire(session, kind="target", key="GER-2015", reason="x", user="admin")
    assert len(audits(db, "retire")) == 1


def test_editing_a_target_keeps_before_and_after(db: Database) -> None:
    with db.session() as session:
        changed = catalog_repo.edit_target(
            session, key="GER:440400:2015", changes={"value": 95.0, "comparator": ">"}, user="admin"
        )
    with db.session() as session, pytest.raises(JundengError, match="no fields"):
        catalog_repo.edit_target(session, key="GER:440400:2015", changes={"weight": 1}, user="admin")
    assert changed == {"comparator": ">", "value": 95.0}
    with db.session() as session:
        [target] = catalog_repo.targets(session)
    assert (target.value, target.comparator.value, target.baseline_value) == (95.0, ">", 88.0)
    [entry] = [a for a in audits(db, "update") if a.entity == "targets"]
    assert (entry.user, entry.key) == ("admin", "GER|440400|2015")
    assert (entry.before, entry.after) == ({"comparator": ">=", "value": 93.0}, {"comparator": ">", "value": 95.0})


def test_an_edit_leaving_an_invalid_target_changes_nothing(db: Database) -> None:
    with db.session() as session, pytest.raises(JundengError, match="baseline"):
        catalog_repo.edit_target(session, key="GER:440400:2015", changes={"baseline_value": None}, user="admin")
    with db.session() as session, pytest.raises(JundengError, match="start_year"):
        catalog_repo.edit_target(session, key="GER:440400:2015", changes={"kind": "cumulative"}, user="admin")
    with db.session() as session, pytest.raises(JundengError, match="comparator"):
        catalog_repo.edit_target(session, key="GER:440400:2015", changes={"comparator": "≈"}, user="admin")
    with db.session() as session:
        [target] = catalog_repo.targets(session)
    assert (target.baseline_value, target.kind.value, target.comparator.value) == (88.0, "value", ">=")
    assert [a for a in audits(db, "update") if a.entity == "targets"] == []


def test_a_target_moves_to_another_year_and_becomes_cumulative(db: Database) -> None:
    changes = {"year": 2016, "kind": "cumulative", "start_year": 2013}
    with db.session() as session:
        assert catalog_repo.edit_target(session, key="GER:440400:2015", changes=changes, user="admin") == changes
    with db.session() as session:
        [target] = catalog_repo.targets(session)
        assert (target.year, target.kind.value, target.start_year) == (2016, "cumulative", 2013)
        assert catalog_repo.edit_target(session, key="GER:440400:2016", changes={"value": 93}, user="admin") == {}
