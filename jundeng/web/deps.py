"""Request dependencies: the database, the signed-in principal (checked by the route's policy), the programme
(city or county) the request is about, and ids in the ranges the database numbers them (larger ones are
invalid input, 422, never a driver's overflow)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from jundeng.services import scope
from jundeng.store.db import Database
from jundeng.web.auth import Principal, current_principal


def database(request: Request) -> Database:
    """Return the app's database."""
    db: Database = request.app.state.db
    return db


DB = Annotated[Database, Depends(database)]
User = Annotated[Principal, Depends(current_principal)]


def programme(request: Request, user: User, db: DB) -> scope.Programme:
    """Return the programme of the request: the user's own (the one above their region), else the one asked
    with ``?under=CODE`` (remembered in the session for the next pages), else the one remembered, else the
    database's only one; a region outside the user's own reads as absent (404). Kept on ``request.state``
    for the page's programme switch."""
    asked = request.query_params.get("under") or None
    session = request.session if "session" in request.scope else None
    found = scope.programme(db, user, asked=asked, remembered=session.get("under") if session is not None else None)
    if session is not None and asked and found.code and len(found.choices) > 1:
        session["under"] = found.code
    request.state.programme = found
    return found


Programme = Annotated[scope.Programme, Depends(programme)]

MAX_VALUE_ID = 2**63 - 1  # stored values (revisions) are numbered 64-bit
MAX_ROW_ID = 2**31 - 1  # other rows (progress reports …) are numbered 32-bit on PostgreSQL
ValueId = Annotated[int, Path(ge=1, le=MAX_VALUE_ID, description="the id of a stored value (revision)")]
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the id of a stored row")]
