"""``jundeng serve --workers 2``: one sign-in holds across worker processes (one secret key for them all)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Templates, fresh_database
from tests.reliability.conftest import serve, sign_in

pytestmark = pytest.mark.slow


def test_a_session_holds_across_worker_processes(site_templates: Templates, tmp_path: Path) -> None:
    db, drop = fresh_database("sqlite", site_templates, tmp_path)
    url = db.url
    db.dispose()
    try:
        with serve(
            url, tmp_path / "server.log", options=["--workers", "2"], address_space=None, secret_key=None
        ) as server:
            client = sign_in(server.url, "office")
            try:
                fresh = {"Connection": "close"}  # a new connection each time: the kernel spreads them over both
                answers = [client.get("/api/v1/me", headers=fresh) for _ in range(40)]
                pages = [client.get("/").status_code for _ in range(6)]
            finally:
                client.close()
            assert {a.status_code for a in answers} == {200} and {a.json()["role"] for a in answers} == {"office"}
            assert set(pages) == {200}
            assert "2 worker(s)" in server.log.read_text(errors="replace")
    finally:
        drop()
