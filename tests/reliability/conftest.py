"""A live server: the real ``jundeng serve`` (uvicorn) in its own process, on a fresh copy of the demo site.

The server runs as a user would run it, so what the tests measure (latency while another request works, the
process's memory after a hostile upload) is the server's own. Its address space is capped (``MAX_ADDRESS_SPACE``)
so that a runaway allocation fails inside the server instead of exhausting the machine the tests run on.
``benchmarks/bench_load.py`` starts its server with :func:`serve` and signs in with :func:`sign_in` too.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.store.db import Database
from tests.conftest import DIALECTS, Templates, free_port, fresh_database

LEDGER_DAY = "2017-09-30"  # the demo ledger's day (jundeng.services.demo.DEMO_TODAY)
MAX_ADDRESS_SPACE = 8 * 1024**3
START_TIMEOUT_S = 60.0


@dataclass
class LiveServer:
    """A running ``jundeng serve`` process: its base URL, database URL, process and log file."""

    url: str
    db_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        """Return True while the server process has not exited."""
        return self.process.poll() is None

    def memory_kb(self, field: str = "VmRSS") -> int:
        """Return a memory figure of the server process in KiB from /proc (VmRSS now, VmHWM the peak)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise KeyError(field)

    def log_tail(self, chars: int = 3000) -> str:
        """Return the end of the server's output (for failure messages)."""
        return self.log.read_text(errors="replace")[-chars:]


def jundeng_command() -> str:
    """Return the ``jundeng`` executable next to this Python."""
    return shutil.which("jundeng", path=str(Path(sys.executable).parent)) or "jundeng"


@contextmanager
def serve(
    db_url: str,
    log: Path,
    *,
    ledger_day: str = LEDGER_DAY,
    address_space: int | None = MAX_ADDRESS_SPACE,
    options: Sequence[str] = (),
    secret_key: str | None = "live-server-test",
) -> Iterator[LiveServer]:
    """Run ``jundeng serve [options]`` on ``db_url`` on a free port until the block ends; yield it once it
    answers. Its address space is capped at ``address_space`` bytes (None: no cap); ``secret_key`` None
    leaves the server to make its own."""
    port = free_port()
    argv = [jundeng_command(), "--db", db_url, "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--ledger-day", ledger_day, *options]
    env = {k: v for k, v in os.environ.items() if k != "JUNDENG_SECRET_KEY"}
    env |= {"JUNDENG_SECRET_KEY": secret_key} if secret_key is not None else {}
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = LiveServer(f"http://127.0.0.1:{port}", db_url, process, log)
    try:
        if address_space is not None:
            resource.prlimit(process.pid, resource.RLIMIT_AS, (address_space, address_space))
        wait_until_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def wait_until_ready(server: LiveServer) -> None:
    """Return once GET /api/v1/me answers 200; raise if the process exits or the server never answers."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"jundeng serve exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if httpx2.get(f"{server.url}/api/v1/me", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"jundeng serve did not answer within {START_TIMEOUT_S:.0f} s:\n{server.log_tail()}")


def sign_in(url: str, username: str | None, *, timeout: float = 60.0) -> httpx2.Client:
    """Return a client of ``url`` signed in as the demo account ``username`` (anonymous when None), with the
    CSRF header every write needs (the starlette-csrf cookie echoed in ``x-csrftoken``)."""
    client = httpx2.Client(base_url=url, timeout=timeout)
    client.get("/api/v1/me").raise_for_status()  # sets the csrftoken cookie
    if username is not None:
        client.post("/api/v1/login", json={"username": username, "password": DEMO_PASSWORD}).raise_for_status()
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    return client


@pytest.fixture(scope="module", params=DIALECTS)
def live_server(
    request: pytest.FixtureRequest, site_templates: Templates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """``jundeng serve`` in a subprocess on a fresh copy of the demo site (SQLite and PostgreSQL)."""
    folder = tmp_path_factory.mktemp("live")
    db, drop = fresh_database(request.param, site_templates, folder)
    url = db.url
    db.dispose()
    try:
        with serve(url, folder / "server.log") as server:
            yield server
    finally:
        drop()


@pytest.fixture(scope="module")
def sqlite_db(mini_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One SQLite copy of the mini database per module, for refusals and dry runs (they write nothing)."""
    db, drop = fresh_database("sqlite", mini_templates, tmp_path_factory.mktemp("mini"))
    yield db
    drop()
