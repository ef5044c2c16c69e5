"""Alembic migrations upgrade and downgrade on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from jundeng.store.db import Database
from jundeng.store.models import Base


def test_upgrade_downgrade_upgrade(empty_db: Database) -> None:
    assert empty_db.current_revision() is not None
    empty_db.downgrade("base")
    assert empty_db.current_revision() is None
    assert not inspect(empty_db.engine).has_table("observations")
    empty_db.upgrade()
    assert empty_db.is_initialized()
    tables = set(inspect(empty_db.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_migrated_schema_matches_the_models(empty_db: Database) -> None:
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_the_head_read_from_the_migration_files_is_alembics_head(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    db = Database(f"sqlite:///{tmp_path / 'h.sqlite'}")
    assert db.head_revision() == ScriptDirectory.from_config(db._alembic_config()).get_current_head()
    assert db.current_revision() is None
    db.upgrade()
    assert db.current_revision() == db.head_revision() and db.is_current()
