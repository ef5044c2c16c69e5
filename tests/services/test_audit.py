"""The audit log read back: filters by entity, user and dates, pages, and states shown without secrets."""

from __future__ import annotations

from datetime import UTC, date, datetime

from jundeng.services import audit, users
from jundeng.store.db import Database
from jundeng.store.models import AuditRow


def test_filters_pages_and_dates(db: Database) -> None:
    before = audit.page(db).total  # loading the catalogue and the regions is audited too
    entities = set(audit.entities(db))
    for n in range(7):
        users.create(db, username=f"user{n}", password="correct-horse", role="viewer", by="admin" if n < 5 else "boss")
    with db.session(write=True) as session:
        old = datetime(2020, 1, 2, 12, tzinfo=UTC)
        session.add(AuditRow(user="archivist", action="update", entity="regions", key="440402", at=old))
    everything = audit.page(db, size=3)
    assert everything.total == before + 8 and len(everything.entries) == 3
    assert everything.entries[0].key == "user6", "newest first"
    created = audit.page(db, entity="users", size=3, number=3)
    assert created.total == 7 and [e.key for e in created.entries] == ["user0"]
    assert audit.page(db, entity="users", user="boss").total == 2
    assert audit.page(db, until=date(2020, 1, 2)).total == 1
    assert audit.page(db, since=date(2020, 1, 3)).total == before + 7
    assert audit.page(db, since=date(2020, 1, 2), until=date(2020, 1, 2)).entries[0].user == "archivist"
    assert set(audit.entities(db)) == entities | {"regions", "users"}


def test_readable_states_leave_secrets_out() -> None:
    state: dict[str, object] = {
        "role": "office",
        "domains": ["education", "health"],
        "unit": None,
        "password_hash": "$argon2id$x",
    }
    state |= {"token": "abc", "nested": {"secret": "s", "value": 3}}
    shown = audit.readable(state)
    assert shown == "role: office; domains: education, health; unit: —; nested: value: 3"
    assert audit.readable(None) == ""
