"""Accounts: creation refusals, sign-in, the principal behind a session and signing everyone out."""

from __future__ import annotations

import pytest

from jundeng.errors import ConflictError, JundengError
from jundeng.services import users
from jundeng.store.db import Database

PASSWORD = "correct-horse"


def test_create_refuses_short_passwords_unknown_roles_and_duplicates(db: Database) -> None:
    with pytest.raises(JundengError) as short:
        users.create(db, username="a", password="short", role="office", by="admin")
    assert not isinstance(short.value, ConflictError)
    with pytest.raises(JundengError):
        users.create(db, username="b", password=PASSWORD, role="overlord", by="admin")
    users.create(db, username="c", password=PASSWORD, role="viewer", by="admin")
    with pytest.raises(ConflictError):
        users.create(db, username="c", password="another-password", role="office", by="admin")
    assert [u.username for u in users.users(db)] == ["c"]
    assert users.authenticate(db, username="c", password=PASSWORD) is not None, "the first password stands"


def test_authenticate(db: Database) -> None:
    users.create(db, username="office", password=PASSWORD, role="office", by="admin")
    found = users.authenticate(db, username="office", password=PASSWORD)
    assert found is not None and found.role == "office"
    assert users.authenticate(db, username="office", password=PASSWORD + "x") is None
    assert users.authenticate(db, username="nobody", password=PASSWORD) is None


def test_end_sessions_invalidates_the_old_epoch(db: Database) -> None:
    users.create(db, username="xz", password=PASSWORD, role="district", region="440402", by="admin")
    account = users.get(db, username="xz")
    assert account is not None
    old = account.session_epoch
    who = users.principal(db, username="xz", epoch=old)
    assert who is not None and who.role == "district" and who.regions is not None
    assert who.sees_region("440402001") and not who.sees_region("440403100")
    users.end_sessions(db, username="xz")
    assert users.principal(db, username="xz", epoch=old) is None
    account = users.get(db, username="xz")
    assert account is not None and account.session_epoch != old
    assert users.principal(db, username="xz", epoch=account.session_epoch) is not None
    assert users.principal(db, username="ghost", epoch=0) is None
