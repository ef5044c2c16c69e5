"""Accounts: create, authenticate (argon2), list, edit, disable or enable, reset a password, and the office's
publication list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jundeng.domain import passwords
from jundeng.domain.principal import ROLES
from jundeng.domain.users import User
from jundeng.errors import ConflictError, JundengError, NotFoundError
from jundeng.store.models import AuditRow, PublicationRow, UserRow

_hasher = PasswordHasher()
# verified against when the user does not exist, so that a wrong name costs as much time as a wrong password
_DUMMY_HASH = _hasher.hash("jundeng-no-such-user")


def _user(row: UserRow) -> User:
    return User(
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        region=row.region,
        unit=row.unit,
        domains=list(row.domains or []),
        active=bool(row.active),
        session_epoch=row.session_epoch or 0,
    )


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
) -> User:
    """Create an account with an argon2 hash of its NFKC-normalised password (audited); refuse a bad role, a
    password against :mod:`jundeng.domain.passwords` (422) or a taken name (409)."""
    if role not in ROLES:
        raise JundengError(f"未知的角色 {role!r}", f"unknown role {role!r}: {', '.join(ROLES)}")
    password = passwords.check(password, username=username)
    if session.get(UserRow, username) is not None:
        raise ConflictError(f"用户已存在：{username}", f"the user exists: {username}")
    row = UserRow(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        role=role,
        region=region,
        unit=unit,
        domains=list(domains),
        active=True,
        session_epoch=0,
    )
    session.add(row)
    after = {"role": role, "region": region, "unit": unit, "domains": list(domains)}
    session.add(AuditRow(user=by, action="insert", entity="users", key=username, after=after))
    return _user(row)


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """Return the active user whose password matches, else None (constant work for unknown names).

    The password is compared NFKC-normalised, as it was hashed; a hash made before passwords were normalised
    is also tried against the password as typed, and rehashed normalised when that matches."""
    row = session.get(UserRow, username)
    stored = row.password_hash if row else _DUMMY_HASH
    typed = passwords.normalise(password)
    if not _verify(stored, typed):
        if typed == password or not _verify(stored, password):
            return None
        stored = ""  # a legacy hash of the unnormalised password: store the normalised one
    if row is None or not row.active:
        return None
    if not stored or _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(typed)
    return _user(row)


def _verify(stored: str, password: str) -> bool:
    """Return True when ``password`` matches the argon2 hash ``stored``."""
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def get_user(session: Session, *, username: str) -> User | None:
    """Return the account ``username`` or None."""
    row = session.get(UserRow, username)
    return None if row is None else _user(row)


def users(session: Session, *, role: str | None = None) -> list[User]:
    """Return every account (optionally of one role) ordered by name."""
    query = select(UserRow).order_by(UserRow.username)
    if role is not None:
        query = query.where(UserRow.role == role)
    return [_user(row) for row in session.execute(query).scalars()]


def published(session: Session) -> set[str]:
    """Return the codes of the indicators the office has published."""
    return set(session.execute(select(PublicationRow.indicator)).scalars())


def publish(session: Session, *, indicator: str, by: str, on: bool = True) -> None:
    """Publish (or withdraw) an indicator on the public pages (audited)."""
    row = session.get(PublicationRow, indicator)
    if on and row is None:
        session.add(PublicationRow(indicator=indicator, published_by=by))
    elif not on and row is not None:
        session.delete(row)
    else:
        return
    session.add(AuditRow(user=by, action="publish" if on else "withdraw", entity="publications", key=indicator))


def end_sessions(session: Session, *, username: str) -> None:
    """Revoke every session of ``username`` (its cookies carry an older epoch from now on)."""
    row = session.get(UserRow, username)
    if row is not None:
        row.session_epoch = (row.session_epoch or 0) + 1


EDITABLE = ("display_name", "role", "region", "unit", "domains")


def _row(session: Session, username: str) -> UserRow:
    """Return the stored account ``username``; NotFoundError (404) when there is none."""
    row = session.get(UserRow, username)
    if row is None:
        raise NotFoundError(f"没有用户 {username}", f"no user {username}")
    return row


def _other_admins(session: Session, username: str) -> int:
    """Return how many active administrators there are besides ``username``."""
    query = select(func.count()).select_from(UserRow)
    query = query.where(UserRow.role == "admin", UserRow.active.is_(True), UserRow.username != username)
    return int(session.execute(query).scalar_one())


def _keep_an_admin(session: Session, row: UserRow, by: str) -> None:
    """Refuse to take ``row`` away from the administrators when it is ``by`` itself or the last active one."""
    if row.role != "admin" or not row.active:
        return
    if row.username == by:
        raise ConflictError(
            "管理员不能停用自己或取消自己的管理员角色", "an administrator cannot disable or demote themselves"
        )
    if _other_admins(session, row.username) == 0:
        raise ConflictError("不能停用或降级最后一个系统管理员", "the last administrator cannot be disabled or demoted")


def update_user(session: Session, *, username: str, changes: Mapping[str, Any], by: str) -> bool:
    """Change an account's display name, role, region, unit or domains (audited before and after); return
    False when nothing changed. Refuse an unknown field or role, and demoting oneself or the last admin."""
    row = _row(session, username)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise JundengError(
            f"不能修改的字段：{', '.join(unknown)}", f"fields that cannot be edited: {', '.join(unknown)}"
        )
    if "role" in changes and changes["role"] not in ROLES:
        role = changes["role"]
        raise JundengError(f"未知的角色 {role!r}", f"unknown role {role!r}: {', '.join(ROLES)}")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field, value in changes.items():
        old = getattr(row, field)
        if field == "domains":
            value, old = list(value or []), list(old or [])
        elif field == "display_name":
            value = value or username
        else:
            value = value or None
        if value != old:
            before[field], after[field] = old, value
    if not after:
        return False
    if after.get("role", "admin") != "admin":
        _keep_an_admin(session, row, by)
    for field, value in after.items():
        setattr(row, field, value)
    session.add(AuditRow(user=by, action="update", entity="users", key=username, before=before, after=after))
    return True


def set_active(session: Session, *, username: str, active: bool, by: str) -> bool:
    """Enable or disable an account (audited; disabling ends its sessions); return False when it already was.
    An administrator cannot disable themselves, nor anyone the last active administrator."""
    row = _row(session, username)
    if bool(row.active) == active:
        return False
    if not active:
        _keep_an_admin(session, row, by)
        row.session_epoch = (row.session_epoch or 0) + 1
    row.active = active
    action = "enable" if active else "disable"
    before, after = {"active": not active}, {"active": active}
    session.add(AuditRow(user=by, action=action, entity="users", key=username, before=before, after=after))
    return True


def set_password(session: Session, *, username: str, password: str, by: str) -> None:
    """Give an account a new password that meets :mod:`jundeng.domain.passwords` (422 otherwise) and end its
    sessions; the audit says that it was reset, never the password nor its hash."""
    row = _row(session, username)
    row.password_hash = _hasher.hash(passwords.check(password, username=username))
    row.session_epoch = (row.session_epoch or 0) + 1
    session.add(AuditRow(user=by, action="reset-password", entity="users", key=username, after={"sessions": "ended"}))
