"""The database handle: a busy pool answers "try again" (503), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from jundeng.errors import UnavailableError
from jundeng.store import db as db_module
from jundeng.store.db import Database


def test_a_request_that_finds_every_connection_busy_is_told_to_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "POOL_SIZE", 1)
    monkeypatch.setattr(db_module, "POOL_OVERFLOW", 0)
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_S", 0.2)
    db = Database(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    try:
        with db.session() as holding:
            holding.execute(text("SELECT 1"))
            with pytest.raises(UnavailableError) as caught, db.session() as waiting:
                waiting.execute(text("SELECT 1"))
        assert caught.value.status == 503 and caught.value.headers == {"Retry-After": "5"}
    finally:
        db.dispose()


def test_the_url_shown_to_people_hides_the_password() -> None:
    db = Database("postgresql://clerk:s3cret@127.0.0.1:5432/jundeng")
    assert "s3cret" not in db.shown_url and "clerk" in db.shown_url and "s3cret" in db.url
    db.dispose()
