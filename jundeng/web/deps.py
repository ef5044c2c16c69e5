"""Request dependencies: the database, the signed-in principal (checked by the route's policy), and ids in
the ranges the database numbers them (larger ones are invalid input, 422, never a driver's overflow)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from jundeng.store.db import Database
from jundeng.web.auth import Principal, current_principal


def database(request: Request) -> Database:
    """Return the app's database."""
    db: Database = request.app.state.db
    return db


DB = Annotated[Database, Depends(database)]
User = Annotated[Principal, Depends(current_principal)]

MAX_VALUE_ID = 2**63 - 1  # stored values (revisions) are numbered 64-bit
MAX_ROW_ID = 2**31 - 1  # other rows (progress reports …) are numbered 32-bit on PostgreSQL
ValueId = Annotated[int, Path(ge=1, le=MAX_VALUE_ID, description="the id of a stored value (revision)")]
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the id of a stored row")]
