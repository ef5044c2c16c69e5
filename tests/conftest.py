"""Fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL (127.0.0.1:5432)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

from jundeng.catalogs import zhuhai_regions
from jundeng.io.yaml_files import parse_catalog
from jundeng.store import catalog_repo, regions_repo
from jundeng.store.db import Database
from jundeng.store.demo_loader import load_demo

settings.register_profile("jundeng", derandomize=True, deadline=None)  # reproducible property tests in CI
settings.load_profile("jundeng")

PG_ADMIN = os.environ.get("JUNDENG_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DIALECTS = ["sqlite", "postgresql"]

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


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Migrated empty databases to copy from, one per dialect."""
    sqlite_path = tmp_path_factory.mktemp("tmpl") / "template.sqlite"
    db = Database(f"sqlite:///{sqlite_path}")
    db.upgrade()
    db.dispose()
    name = f"jundeng_tmpl_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    pg = Database(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}")
    pg.upgrade()
    pg.dispose()
    yield {"sqlite": str(sqlite_path), "postgresql": name}
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_database(dialect: str, templates: dict[str, str], tmp_path: Path) -> tuple[Database, object]:
    """Return a new migrated database of ``dialect`` and a callable that drops it."""
    if dialect == "sqlite":
        path = tmp_path / f"{uuid.uuid4().hex[:8]}.sqlite"
        shutil.copy(templates["sqlite"], path)
        db = Database(f"sqlite:///{path}")
        return db, db.dispose
    name = f"jundeng_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{templates["postgresql"]}"'))
    db = Database(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}")

    def drop() -> None:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return db, drop


@pytest.fixture(params=DIALECTS)
def empty_db(request: pytest.FixtureRequest, templates: dict[str, str], tmp_path: Path) -> Iterator[Database]:
    """A fresh migrated database with nothing in it (SQLite and PostgreSQL)."""
    db, drop = fresh_database(request.param, templates, tmp_path)
    yield db
    drop()  # type: ignore[operator]


@pytest.fixture
def db(empty_db: Database) -> Database:
    """A fresh database with Zhuhai's regions and a small test catalogue."""
    with empty_db.session() as session:
        regions_repo.load_regions(session, zhuhai_regions(), user="fixture")
    with empty_db.session() as session:
        catalog = parse_catalog(MINI_CATALOG, "mini.yaml", **catalog_repo.known_codes(session))
        catalog_repo.load_catalog(session, catalog, user="fixture")
    return empty_db


def write(path: Path, text_: str, encoding: str = "utf-8") -> Path:
    """Write ``text_`` to ``path`` and return the path."""
    path.write_bytes(text_.encode(encoding))
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """The demo city (SQLite), built once per test session; tests must not write to it."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}")
    load_demo(db, user="demo")
    return db
