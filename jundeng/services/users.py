"""Accounts: sign in and out, the principal behind a session, listing and creating accounts."""

from __future__ import annotations

from collections.abc import Sequence

from jundeng.domain.principal import Principal
from jundeng.domain.users import User
from jundeng.store import regions_repo, users_repo
from jundeng.store.db import Database


def authenticate(db: Database, *, username: str, password: str) -> User | None:
    """Return the active account whose password matches, else None."""
    with db.session() as session:
        return users_repo.authenticate(session, username=username, password=password)


def end_sessions(db: Database, *, username: str) -> None:
    """Revoke every session of ``username`` (cookies issued before stop working)."""
    with db.session() as session:
        users_repo.end_sessions(session, username=username)


def principal(db: Database, *, username: str, epoch: int) -> Principal | None:
    """Return the principal of a session's user, or None when the account is gone, inactive or signed out."""
    with db.session() as session:
        user = users_repo.get_user(session, username=username)
        if user is None or not user.active or epoch != user.session_epoch:
            return None
        subtree = None
        if user.role == "district" and user.region:
            subtree = frozenset(regions_repo.subtree_codes(session, root=user.region))
    return Principal(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        region=user.region,
        unit=user.unit,
        domains=tuple(user.domains),
        regions=subtree,
    )


def users(db: Database, *, role: str | None = None) -> list[User]:
    """Return the accounts (optionally of one role) ordered by name."""
    with db.session() as session:
        return users_repo.users(session, role=role)


def get(db: Database, *, username: str) -> User | None:
    """Return the account ``username`` or None."""
    with db.session() as session:
        return users_repo.get_user(session, username=username)


def create(
    db: Database,
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
    """Create an account (argon2 hash, audited); refuse a bad role, a short password or a taken name."""
    with db.session() as session:
        return users_repo.create_user(
            session,
            username=username,
            password=password,
            role=role,
            display_name=display_name,
            region=region,
            unit=unit,
            domains=domains,
            by=by,
        )
