"""Request dependencies: the database and the signed-in principal (checked by the route's policy)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from jundeng.store.db import Database
from jundeng.web.auth import Principal, current_principal


def database(request: Request) -> Database:
    """Return the app's database."""
    db: Database = request.app.state.db
    return db


DB = Annotated[Database, Depends(database)]
User = Annotated[Principal, Depends(current_principal)]
