"""Request dependencies: the database, the signed-in principal with its region subtree, the policy check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from jundeng.store import regions_repo, users_repo
from jundeng.store.db import Database
from jundeng.web.auth import PUBLIC, Principal, enforce


def database(request: Request) -> Database:
    """Return the app's database."""
    db: Database = request.app.state.db
    return db


def load_principal(request: Request) -> Principal:
    """Return the principal of the session's user (the public principal when nobody is signed in)."""
    username = request.session.get("user") if "session" in request.scope else None
    if not username:
        return PUBLIC
    db = database(request)
    with db.session() as session:
        row = users_repo.get_user(session, username)
        if row is None or not row.active or request.session.get("epoch", 0) != (row.session_epoch or 0):
            request.session.clear()
            return PUBLIC
        subtree = None
        if row.role == "district" and row.region:
            subtree = frozenset(regions_repo.subtree_codes(regions_repo.regions(session), row.region))
        return Principal(
            username=row.username,
            display_name=row.display_name,
            role=row.role,
            region=row.region,
            unit=row.unit,
            domains=tuple(row.domains or ()),
            regions=subtree,
        )


def checked(request: Request) -> Principal:
    """Return the principal after the route's policy check (401/403 otherwise)."""
    request.state.principal = load_principal(request)
    return enforce(request)


DB = Annotated[Database, Depends(database)]
User = Annotated[Principal, Depends(checked)]
