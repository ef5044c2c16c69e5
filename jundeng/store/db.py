"""The one way to reach the database: URL resolution, engine factory, sessions and migrations."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from jundeng.errors import ConflictError, UnavailableError

ENV_URL = "JUNDENG_DATABASE_URL"
MIGRATIONS = Path(__file__).parent / "migrations"
POOL_SIZE, POOL_OVERFLOW = 10, 40  # connections kept, and opened beyond them when every kept one is busy
BUSY_TIMEOUT_S = 30.0  # how long an SQLite write waits for another one to finish before it gives up
RETRY_AFTER_S = 5  # what a request refused for a busy pool is told to wait
CLASH = ("另一用户同时写入了相同数据，请重试", "someone else wrote the same data at the same time; try again")
BUSY = ("数据库正忙（另一写入尚未完成），请稍后重试", "the database is busy with another write; try again shortly")
CROWDED = (
    "服务器繁忙（数据库连接均在使用中），请稍后重试",
    "the server is busy (every database connection is in use); try again shortly",
)


def default_sqlite_path() -> Path:
    """Return the default embedded database: ``$XDG_DATA_HOME/jundeng/jundeng.sqlite`` (~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "jundeng" / "jundeng.sqlite"


def resolve_url(url: str | None = None) -> str:
    """Return the database URL: the argument, else $JUNDENG_DATABASE_URL, else the default SQLite file."""
    raw = url or os.environ.get(ENV_URL)
    if not raw:
        path = default_sqlite_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" not in raw:  # a bare file path means an SQLite file
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    parsed = make_url(raw)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


def unique_violation(exc: BaseException) -> bool:
    """Return True when ``exc`` (SQLAlchemy's or the driver's own) reports a duplicate key."""
    cause = getattr(exc, "orig", None) or exc
    return getattr(cause, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(cause)


def database_locked(exc: BaseException) -> bool:
    """Return True when ``exc`` is SQLite giving up waiting for another writer."""
    return "database is locked" in str(getattr(exc, "orig", None) or exc)


def serialize(session: Session, name: str) -> None:
    """Hold the lock ``name`` until the session's transaction ends, so that such writers take turns.

    On PostgreSQL this is a transaction-scoped advisory lock; on SQLite a write session
    (``Database.session(write=True)``) holds the database's one write lock already, so nothing is needed.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def head_revision() -> str | None:
    """Return the revision no migration file builds on: the head of the (linear) migration history."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = re.search(r"^revision\s*=\s*[\"']([^\"']+)", source, re.MULTILINE)
        parent = re.search(r"^down_revision\s*=\s*[\"']([^\"']+)", source, re.MULTILINE)
        if found:
            revisions.add(found.group(1))
        if parent:
            parents.add(parent.group(1))
    heads = sorted(revisions - parents)
    return heads[-1] if heads else None


class Database:
    """A database by URL: engine, sessions, schema migrations and its dialect name."""

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        sqlite = make_url(self.url).get_backend_name() == "sqlite"
        self.engine: Engine = create_engine(
            self.url,
            connect_args={"timeout": BUSY_TIMEOUT_S} if sqlite else {},
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,  # at least the web server's 40 worker threads, each may hold one
            pool_timeout=BUSY_TIMEOUT_S,
        )
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def shown_url(self) -> str:
        """Return the URL to show a person or a log: the password, if any, masked."""
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """Return the SQLAlchemy dialect name (``sqlite`` or ``postgresql``)."""
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """Yield a session in one transaction: committed on success, rolled back on any error.

        ``write`` marks a transaction that reads and then writes what it read (an import, a review): on SQLite it
        starts with ``BEGIN IMMEDIATE``, so that such transactions take turns (waiting up to BUSY_TIMEOUT_S) and
        each reads what the one before it wrote; readers are never blocked (WAL). Other sessions keep the
        driver's default: reads outside a transaction, ``BEGIN`` at the first write. A duplicate key written by a
        concurrent writer, or SQLite giving up waiting, becomes a :class:`ConflictError` (409, try again).
        """
        try:
            with self._sessions() as session, session.begin():
                if write and self.dialect == "sqlite":
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield session
        except Exception as exc:
            if unique_violation(exc):
                raise ConflictError(*CLASH) from exc
            if database_locked(exc):
                raise ConflictError(*BUSY) from exc
            if isinstance(exc, PoolTimeout):
                raise UnavailableError(*CROWDED, retry_after=RETRY_AFTER_S) from exc
            raise

    def upgrade(self, revision: str = "head") -> None:
        """Apply the Alembic migrations up to ``revision``."""
        from alembic import command

        command.upgrade(self._alembic_config(), revision)

    def downgrade(self, revision: str) -> None:
        """Revert the Alembic migrations down to ``revision`` (``base`` empties the schema)."""
        from alembic import command

        command.downgrade(self._alembic_config(), revision)

    def current_revision(self) -> str | None:
        """Return the schema's Alembic revision, or None for an empty database (read without loading Alembic)."""
        if not inspect(self.engine).has_table("alembic_version"):
            return None
        with self.engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        return found[0] if len(found) == 1 else None

    def head_revision(self) -> str | None:
        """Return the newest schema revision this version of Jundeng knows (read from the migration files)."""
        return head_revision()

    def is_current(self) -> bool:
        """Return True when the schema is at the newest revision."""
        return self.current_revision() == self.head_revision()

    def is_initialized(self) -> bool:
        """Return True when the schema exists."""
        return inspect(self.engine).has_table("observations")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def _alembic_config(self) -> Any:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["engine"] = self.engine
        return config
