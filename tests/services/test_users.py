"""Accounts: creation refusals, sign-in, the principal behind a session, signing everyone out; editing,
disabling and enabling an account, resetting its password (all audited, no secret in the audit)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from jundeng.errors import ConflictError, JundengError, NotFoundError
from jundeng.services import users
from jundeng.store.db import Database
from jundeng.store.models import AuditRow

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


STRONG = "Xiangzhou-river-2024"


def audit_of(db: Database, key: str) -> list[AuditRow]:
    with db.session() as session:
        query = select(AuditRow).where(AuditRow.entity == "users", AuditRow.key == key).order_by(AuditRow.id)
        return list(session.execute(query).scalars())


def test_edit_changes_only_what_differs_and_audits_before_and_after(db: Database) -> None:
    users.create(db, username="xz", password=PASSWORD, role="district", region="440402", by="admin")
    changes = {"display_name": "香洲区统计员", "role": "district", "region": "440403", "unit": "斗门区统计局"}
    assert users.edit(db, username="xz", changes=changes, by="admin") is True
    account = users.get(db, username="xz")
    assert account is not None and (account.region, account.unit, account.display_name) == changes_of(changes)
    last = audit_of(db, "xz")[-1]
    assert (last.action, last.user) == ("update", "admin")
    assert last.before == {"display_name": "xz", "region": "440402", "unit": None}
    assert last.after == {"display_name": "香洲区统计员", "region": "440403", "unit": "斗门区统计局"}
    assert users.edit(db, username="xz", changes=changes, by="admin") is False  # nothing to change, nothing audited
    assert len(audit_of(db, "xz")) == 2


def changes_of(changes: dict[str, str]) -> tuple[str, str, str]:
    return changes["region"], changes["unit"], changes["display_name"]


def test_edit_refuses_what_create_refuses(db: Database) -> None:
    users.create(db, username="xz", password=PASSWORD, role="district", region="440402", by="admin")
    with pytest.raises(JundengError, match="region"):
        users.edit(db, username="xz", changes={"region": "999999"}, by="admin")
    with pytest.raises(JundengError, match="domain"):
        users.edit(db, username="xz", changes={"role": "department"}, by="admin")  # a department needs domains
    with pytest.raises(JundengError, match="role"):
        users.edit(db, username="xz", changes={"role": "overlord"}, by="admin")
    with pytest.raises(NotFoundError):
        users.edit(db, username="ghost", changes={"unit": "x"}, by="admin")
    account = users.get(db, username="xz")
    assert account is not None and (account.role, account.region) == ("district", "440402")


def test_an_admin_cannot_disable_or_demote_themselves_nor_the_last_admin(db: Database) -> None:
    users.create(db, username="root", password=PASSWORD, role="admin", by="setup")
    with pytest.raises(ConflictError):
        users.set_active(db, username="root", active=False, by="root")
    with pytest.raises(ConflictError):
        users.edit(db, username="root", changes={"role": "viewer"}, by="root")
    with pytest.raises(ConflictError):  # by someone else: still the last administrator
        users.set_active(db, username="root", active=False, by="cli-user")
    users.create(db, username="root2", password=PASSWORD, role="admin", by="root")
    assert users.set_active(db, username="root2", active=False, by="root") is True
    with pytest.raises(ConflictError):  # root2 is disabled: root is the last active administrator
        users.edit(db, username="root", changes={"role": "office"}, by="root2")
    assert users.set_active(db, username="root2", active=True, by="root") is True
    assert users.edit(db, username="root2", changes={"role": "office"}, by="root") is True
    account = users.get(db, username="root")
    assert account is not None and account.active and account.role == "admin"


def test_disabling_ends_the_sessions_and_enabling_lets_the_user_back(db: Database) -> None:
    users.create(db, username="viewer1", password=PASSWORD, role="viewer", by="admin")
    account = users.get(db, username="viewer1")
    assert account is not None
    assert users.set_active(db, username="viewer1", active=False, by="admin") is True
    assert users.set_active(db, username="viewer1", active=False, by="admin") is False
    assert users.principal(db, username="viewer1", epoch=account.session_epoch) is None
    assert users.authenticate(db, username="viewer1", password=PASSWORD) is None
    assert users.set_active(db, username="viewer1", active=True, by="admin") is True
    assert users.authenticate(db, username="viewer1", password=PASSWORD) is not None
    assert [a.action for a in audit_of(db, "viewer1")] == ["insert", "disable", "enable"]


def test_reset_password_keeps_the_policy_ends_sessions_and_audits_no_secret(db: Database) -> None:
    users.create(db, username="office1", password=PASSWORD, role="office", by="admin")
    account = users.get(db, username="office1")
    assert account is not None
    with pytest.raises(JundengError, match="common"):
        users.reset_password(db, username="office1", password="password123", by="admin")
    with pytest.raises(JundengError, match="user name"):
        users.reset_password(db, username="office1", password="my-office1-pass", by="admin")
    assert users.authenticate(db, username="office1", password=PASSWORD) is not None, "a refused reset changes nothing"
    users.reset_password(db, username="office1", password=STRONG, by="admin")
    assert users.authenticate(db, username="office1", password=PASSWORD) is None
    assert users.authenticate(db, username="office1", password=STRONG) is not None
    assert users.principal(db, username="office1", epoch=account.session_epoch) is None
    reset = audit_of(db, "office1")[-1]
    assert reset.action == "reset-password"
    recorded = json.dumps([reset.before, reset.after])
    assert STRONG not in recorded and "argon2" not in recorded and "hash" not in recorded
