"""Fixtures: databases built once per test run (shared by the xdist workers) and copied per test or module.

Each kind of database (migrated and empty, the mini catalogue, the demo city, the demo site) is built at most once
per run and dialect, under a file lock in the run's shared temporary folder; tests get copies (a file copy on
SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL). PostgreSQL cases carry the ``postgres`` marker, so
``pytest -m "not postgres"`` never connects to a server.
"""

from __future__ import annotations

import functools
import hashlib
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from filelock import FileLock
from hypothesis import settings
from sqlalchemy import Engine, create_engine, text

from jundeng.catalogs import zhuhai_regions
from jundeng.io.yaml_files import parse_catalog
from jundeng.store import catalog_repo, regions_repo
from jundeng.store.db import Database

settings.register_profile("jundeng", derandomize=True, deadline=None)  # reproducible property tests in CI
settings.load_profile("jundeng")

PG_ADMIN = os.environ.get("JUNDENG_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DIALECTS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
FIXTURES = Path(__file__).parent / "fixtures"

MINI_CATALOG = """
plan: {code: p1, title: 测试规划, start_year: 2013, end_year: 2017}
domains:
  - {code: edu, name: 公共教育}
  - {code: health, name: 公共卫生}
indicators:
  - code: GER
    name: 学前三年毛入园率
    domain: edu
    unit: "%"
    numerator: 在园幼儿数
    denominator: 3-5岁适龄人口
    share: false
    valid_max: 150
    disaggregations: [urban_rural]
  - code: DROPOUT
    name: 初中年辍学率
    domain: edu
    unit: "%"
    direction: lower
    kind: binding
    numerator: 辍学人数
    denominator: 在校生数
  - {code: BEDS, name: 每千人口床位数, domain: health, unit: 张/千人}
  - {code: DOCTORS, name: 全科医生数, domain: health, unit: 人}
targets:
  - {indicator: GER, region: "440400", year: 2015, comparator: ">=", value: 93, baseline_year: 2011, baseline_value: 88}
"""

Build = Callable[[Database], None]


def pg_url(name: str) -> str:
    """Return the URL of the PostgreSQL database ``name`` on the test server."""
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


@functools.cache
def pg_admin() -> Engine:
    """Return this process's autocommit engine on the test server's maintenance database."""
    return create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")


def shared_folder(factory: pytest.TempPathFactory) -> Path:
    """Return the temporary folder shared by every process of this run (the xdist controller's)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def run_tag(folder: Path) -> str:
    """Return a short tag naming this run's PostgreSQL templates."""
    return hashlib.sha1(str(folder).encode()).hexdigest()[:10]


def copy_sqlite(source: Path, target: Path) -> Database:
    """Copy the SQLite database ``source`` to ``target`` (the backup API also copies the WAL) and open it."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return Database(f"sqlite:///{target}")


class Templates:
    """A database of one kind, built once per run and dialect on first use; ``templates[dialect]`` names it."""

    def __init__(self, folder: Path, kind: str, build: Build, base: Templates | None = None) -> None:
        self.folder, self.kind, self.build, self.base = folder, kind, build, base

    def __getitem__(self, dialect: str) -> str:
        """Return the SQLite file or the PostgreSQL template database, building it if this run has not yet."""
        with FileLock(self.folder / f"{self.kind}-{dialect}.lock"):
            done = self.folder / f"{self.kind}-{dialect}.built"
            if dialect == "sqlite":
                path = self.folder / f"{self.kind}.sqlite"
                if not done.exists():
                    db = self._start_sqlite(path)
                    self.build(db)
                    db.dispose()
                    done.touch()
                return str(path)
            name = f"jundeng_{self.kind}_{run_tag(self.folder)}"
            if not done.exists():
                db = self._start_postgresql(name)
                self.build(db)
                db.dispose()
                done.write_text(name)
            return name

    def _start_sqlite(self, path: Path) -> Database:
        path.unlink(missing_ok=True)  # what a failed build left
        if self.base is None:
            db = Database(f"sqlite:///{path}")
            db.upgrade()
            return db
        return copy_sqlite(Path(self.base["sqlite"]), path)

    def _start_postgresql(self, name: str) -> Database:
        create(name, self.base["postgresql"] if self.base is not None else None, self.folder)
        db = Database(pg_url(name))
        if self.base is None:
            db.upgrade()
        return db


def create(name: str, template: str | None, folder: Path) -> None:
    """Create the PostgreSQL database ``name``, empty or a copy of ``template`` (copies serialized by a file lock)."""
    clause = f' TEMPLATE "{template}"' if template else ""
    with FileLock(folder / f"copy-{template}.lock"), pg_admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))


def fresh_database(dialect: str, templates: Templates, tmp_path: Path) -> tuple[Database, Callable[[], None]]:
    """Return a new copy of the ``templates`` database of ``dialect`` and a callable that drops it."""
    if dialect == "sqlite":
        db = copy_sqlite(Path(templates["sqlite"]), tmp_path / f"{uuid.uuid4().hex[:8]}.sqlite")
        return db, db.dispose
    name = f"jundeng_t_{uuid.uuid4().hex[:12]}"
    create(name, templates["postgresql"], templates.folder)
    db = Database(pg_url(name))

    def drop() -> None:
        db.dispose()
        with pg_admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return db, drop


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the run's PostgreSQL templates once every worker is done (in the controller, or without xdist)."""
    factory: pytest.TempPathFactory | None = getattr(session.config, "_tmp_path_factory", None)
    if os.environ.get("PYTEST_XDIST_WORKER") or factory is None:
        return
    names = [p.read_text() for p in factory.getbasetemp().glob("*-postgresql.built")]
    if names:
        with pg_admin().connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        pg_admin().dispose()


def _load_mini(db: Database) -> None:
    with db.session() as session:
        regions_repo.load_regions(session, regions=zhuhai_regions(), user="fixture")
    with db.session() as session:
        catalog = parse_catalog(MINI_CATALOG, "mini.yaml", **catalog_repo.known_codes(session))
        catalog_repo.load_catalog(session, catalog=catalog, user="fixture")


def _load_demo(db: Database) -> None:
    from jundeng.services.demo import load_demo

    load_demo(db, user="demo")


def _load_site(db: Database) -> None:
    from jundeng.services.demo_accounts import create_demo_accounts
    from jundeng.services.ledger import load_demo_ledger

    load_demo_ledger(db, user="demo")
    create_demo_accounts(db, by="demo")


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """Migrated empty databases to copy from, one per dialect."""
    return Templates(shared_folder(tmp_path_factory), "empty", lambda db: None)


@pytest.fixture(scope="session")
def mini_templates(templates: Templates) -> Templates:
    """Zhuhai's regions and the small test catalogue, to copy from."""
    return Templates(templates.folder, "mini", _load_mini, base=templates)


@pytest.fixture(scope="session")
def demo_templates(templates: Templates) -> Templates:
    """The demo city (``load_demo``), to copy from."""
    return Templates(templates.folder, "demo", _load_demo, base=templates)


@pytest.fixture(scope="session")
def site_templates(demo_templates: Templates) -> Templates:
    """The demo city with the demo ledger and the demo accounts (what ``jundeng demo`` serves), to copy from."""
    return Templates(demo_templates.folder, "site", _load_site, base=demo_templates)


@pytest.fixture(params=DIALECTS)
def empty_db(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """A fresh migrated database with nothing in it (SQLite and PostgreSQL)."""
    db, drop = fresh_database(request.param, templates, tmp_path)
    yield db
    drop()


@pytest.fixture(params=DIALECTS)
def db(request: pytest.FixtureRequest, mini_templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """A fresh database with Zhuhai's regions and a small test catalogue (SQLite and PostgreSQL)."""
    db, drop = fresh_database(request.param, mini_templates, tmp_path)
    yield db
    drop()


@pytest.fixture(scope="session")
def demo_db(demo_templates: Templates) -> Iterator[Database]:
    """The demo city (SQLite), built once per test run and shared; tests must not write to it."""
    db = Database(f"sqlite:///{demo_templates['sqlite']}")
    yield db
    db.dispose()


def write(path: Path, text_: str, encoding: str = "utf-8") -> Path:
    """Write ``text_`` to ``path`` and return the path."""
    path.write_bytes(text_.encode(encoding))
    return path


@pytest.fixture
def frame() -> pd.DataFrame:
    """120 synthetic towns with values, populations, districts and urban/rural (for the gap table)."""
    rng = np.random.default_rng(5)
    n = 120
    return pd.DataFrame(
        {
            "value": rng.lognormal(3, 0.3, n),
            "pop": rng.integers(100, 10_000, n).astype(float),
            "district": rng.choice(["香洲区", "斗门区", "金湾区"], n),
            "urban_rural": rng.choice(["urban", "rural"], n),
        }
    )


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn_thread(config: Any) -> Iterator[int]:
    """Serve a ``uvicorn.Config`` in a thread until the block ends; yield the port once it listens."""
    import uvicorn

    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield int(server.servers[0].sockets[0].getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def served_site(
    templates: Templates, folder: Path, *, secret: str, ledger_day: date | None = None
) -> Iterator[tuple[str, Database]]:
    """Serve the app on a fresh copy of ``templates``' SQLite site with uvicorn in a thread; yield (base URL,
    database) and drop the copy afterwards (the browser tests' server)."""
    import uvicorn

    from jundeng.web.app import create_app
    from jundeng.web.limits import limiter

    db, drop = fresh_database("sqlite", templates, folder)
    app = create_app(db.url, secret_key=secret, ledger_day=ledger_day)
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off", ws="none")
    try:
        with uvicorn_thread(config) as port:
            limiter.reset()
            yield f"http://127.0.0.1:{port}", db
    finally:
        app.state.db.dispose()
        drop()
