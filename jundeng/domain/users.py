"""Accounts as the rest of Jundeng sees them (never the stored password hash)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class User(BaseModel):
    """An account: name, role and scope (region of a district, unit and domains of a department)."""

    model_config = ConfigDict(frozen=True)

    username: str
    display_name: str
    role: str
    region: str | None = None
    unit: str | None = None
    domains: list[str] = []
    active: bool = True
    session_epoch: int = 0
