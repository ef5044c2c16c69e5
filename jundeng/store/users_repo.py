"""Accounts: create, authenticate (argon2), list, and the office's publication list."""

from __future__ import annotations

from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jundeng.store.models import AuditRow, PublicationRow, UserRow

ROLES = ("admin", "office", "department", "district", "viewer", "public")
_hasher = PasswordHasher()
# verified against when the user does not exist, so that a wrong name costs as much time as a wrong password
_DUMMY_HASH = _hasher.hash("jundeng-no-such-user")


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    region: str | None = None,
    unit: str | None = None,
    domains: Sequence[str] = (),
    by: str,
) -> UserRow:
    """Create an account with an argon2 password hash (audited); raise ValueError for a bad role or password."""
    if role not in ROLES:
        raise ValueError(f"未知的角色 {role!r} / unknown role {role!r}: {', '.join(ROLES)}")
    if len(password) < 8:
        raise ValueError("密码至少 8 位 / the password needs at least 8 characters")
    if session.get(UserRow, username) is not None:
        raise ValueError(f"用户已存在 / the user exists: {username}")
    row = UserRow(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        role=role,
        region=region,
        unit=unit,
        domains=list(domains),
    )
    session.add(row)
    after = {"role": role, "region": region, "unit": unit, "domains": list(domains)}
    session.add(AuditRow(user=by, action="insert", entity="users", key=username, after=after))
    return row


def authenticate(session: Session, username: str, password: str) -> UserRow | None:
    """Return the active user whose password matches, else None (constant work for unknown names)."""
    row = session.get(UserRow, username)
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return row


def get_user(session: Session, username: str) -> UserRow | None:
    """Return the account ``username`` or None."""
    return session.get(UserRow, username)


def users(session: Session) -> list[UserRow]:
    """Return every account ordered by name."""
    return list(session.execute(select(UserRow).order_by(UserRow.username)).scalars())


def published(session: Session) -> set[str]:
    """Return the codes of the indicators the office has published."""
    return set(session.execute(select(PublicationRow.indicator)).scalars())


def publish(session: Session, indicator: str, *, by: str, on: bool = True) -> None:
    """Publish (or withdraw) an indicator on the public pages (audited)."""
    row = session.get(PublicationRow, indicator)
    if on and row is None:
        session.add(PublicationRow(indicator=indicator, published_by=by))
    elif not on and row is not None:
        session.delete(row)
    else:
        return
    session.add(AuditRow(user=by, action="publish" if on else "withdraw", entity="publications", key=indicator))


def end_sessions(session: Session, username: str) -> None:
    """Revoke every session of ``username`` (its cookies carry an older epoch from now on)."""
    row = session.get(UserRow, username)
    if row is not None:
        row.session_epoch = (row.session_epoch or 0) + 1
