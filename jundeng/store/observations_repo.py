"""Observation persistence: append-only revisions, current values, history and status changes.

A value is never overwritten. Importing a different value for an existing key (indicator, region,
period, disaggregation) adds revision n+1; importing the same value again adds nothing. Large
imports bypass the ORM: SQLite takes ``executemany`` and PostgreSQL takes ``COPY``, both inside the
caller's transaction so that an import stays all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import polars as pl
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, aliased

from jundeng.domain.observations import ObservationStatus, Revision
from jundeng.errors import ConflictError
from jundeng.store.db import serialize, unique_violation
from jundeng.store.models import AuditRow, ImportBatchRow, ObservationRow, utcnow

KEY = ["indicator", "region", "period", "disaggregation"]
IMPORT_CLASH = (
    "另一导入同时写入了相同数据，请重试",
    "another import wrote the same values at the same time; try again",
)
COPY_BLOCK = 100_000
INSERT_COLUMNS = [
    "indicator",
    "region",
    "period",
    "year",
    "disaggregation",
    "value",
    "numerator",
    "denominator",
    "note",
    "status",
    "source",
    "revision",
    "batch",
    "created_by",
    "created_at",
]
_CURRENT_SCHEMA = {
    "indicator": pl.String,
    "region": pl.String,
    "period": pl.String,
    "disaggregation": pl.String,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "note": pl.String,
    "revision": pl.Int64,
}


def _latest(
    *,
    indicators: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    as_of: int | None = None,
    statuses: Iterable[str] | None = None,
) -> tuple[object, object]:
    """Return (subquery of the latest revision per key, filter) restricted to indicators/periods (and to revisions
    of ``statuses`` when given: the latest of those, not the latest overall)."""
    conditions = [] if as_of is None else [ObservationRow.id <= as_of]
    if statuses is not None:
        conditions.append(ObservationRow.status.in_(list(statuses)))
    if indicators is not None:
        conditions.append(ObservationRow.indicator.in_(list(indicators)))
    if periods is not None:
        conditions.append(ObservationRow.period.in_(list(periods)))
    latest = (
        select(*(getattr(ObservationRow, k) for k in KEY), func.max(ObservationRow.revision).label("rev"))
        .where(*conditions)
        .group_by(*(getattr(ObservationRow, k) for k in KEY))
        .subquery()
    )
    join = and_(*(getattr(ObservationRow, k) == latest.c[k] for k in KEY), ObservationRow.revision == latest.c.rev)
    return latest, join


def current_values(
    session: Session,
    *,
    indicators: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Return the latest revision of every key (optionally for some indicators and periods)."""
    latest, join = _latest(indicators=indicators, periods=periods)
    query = select(*(getattr(ObservationRow, k) for k in _CURRENT_SCHEMA)).join(latest, join)  # type: ignore[arg-type]
    rows = session.execute(query).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=_CURRENT_SCHEMA, orient="row")


def plan_revisions(incoming: pl.DataFrame, current: pl.DataFrame) -> pl.DataFrame:
    """Return the incoming rows that change something, each with its new revision number."""
    joined = incoming.join(current, on=KEY, how="left", suffix="_cur")
    same = (
        pl.col("revision").is_not_null()
        & _same(pl.col("value"), pl.col("value_cur"))
        & _same(pl.col("numerator"), pl.col("numerator_cur"))
        & _same(pl.col("denominator"), pl.col("denominator_cur"))
        & (pl.col("note").fill_null("") == pl.col("note_cur").fill_null(""))
    )
    return joined.filter(~same).with_columns((pl.col("revision").fill_null(0) + 1).alias("revision"))


def _same(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return (a.is_null() & b.is_null()) | (a == b).fill_null(False)


def insert_revisions(
    session: Session,
    *,
    rows: pl.DataFrame,
    user: str,
    status: ObservationStatus,
    source: str | None,
    batch: int | None,
) -> int:
    """Insert ``rows`` (KEY, year, value, numerator, denominator, note, revision) in bulk; return the count."""
    if rows.height == 0:
        return 0
    now = utcnow()
    frame = rows.with_columns(
        pl.lit(status.value).alias("status"),
        pl.lit(source, pl.String).alias("source"),
        pl.lit(batch, pl.Int64).alias("batch"),
        pl.lit(user).alias("created_by"),
    ).select([c for c in INSERT_COLUMNS if c != "created_at"])
    connection = session.connection()
    raw = connection.connection.driver_connection
    columns = ", ".join(INSERT_COLUMNS)
    if connection.dialect.name == "postgresql":
        # CSV blocks: an unquoted empty field is NULL, a quoted one ("") the empty string.
        sql = f"COPY observations ({columns}) FROM STDIN WITH (FORMAT csv)"
        stamped = frame.with_columns(pl.lit(now.isoformat()).alias("created_at"))
        with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for start in range(0, stamped.height, COPY_BLOCK):
                copy.write(stamped.slice(start, COPY_BLOCK).write_csv(include_header=False))
    else:
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
        marks = ", ".join("?" for _ in INSERT_COLUMNS)
        cursor = raw.cursor()  # type: ignore[union-attr]
        cursor.executemany(
            f"INSERT INTO observations ({columns}) VALUES ({marks})",
            ((*record, stamp) for record in frame.iter_rows()),
        )
        cursor.close()
    return rows.height


def new_batch(session: Session, *, kind: str, filename: str, sha256: str | None, rows: int, user: str) -> int:
    """Record an import batch and return its id."""
    batch = ImportBatchRow(kind=kind, filename=filename, sha256=sha256, rows=rows, created_by=user)
    session.add(batch)
    session.flush()
    return batch.id


def record(
    session: Session,
    *,
    frame: pl.DataFrame,
    kind: str,
    filename: str,
    sha256: str | None,
    user: str,
    status: ObservationStatus,
    source: str | None,
) -> int:
    """Store the rows of ``frame`` that change a current value as new revisions of one batch; return how many.

    Imports take turns (PostgreSQL: an advisory lock; SQLite: the caller's write session), so each plans its
    revisions on what the one before it wrote; a duplicate key written by anything else is a ConflictError.
    """
    serialize(session, "observations")
    current = current_values(
        session, indicators=frame["indicator"].unique().to_list(), periods=frame["period"].unique().to_list()
    )
    changes = plan_revisions(frame, current)
    if not changes.height:
        return 0
    batch = new_batch(session, kind=kind, filename=filename, sha256=sha256, rows=changes.height, user=user)
    try:
        return insert_revisions(session, rows=changes, user=user, status=status, source=source, batch=batch)
    except Exception as exc:
        if unique_violation(exc):
            raise ConflictError(*IMPORT_CLASH, location=filename) from exc
        raise


def observations(
    session: Session,
    *,
    indicators: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    history: bool = False,
    as_of: int | None = None,
) -> pl.DataFrame:
    """Return observations with their metadata: the latest revision of each key, or every revision.

    ``as_of`` (an observation id) gives the data as it stood when that row was the newest: rows with a
    larger id are ignored, so a stored appraisal can be recomputed on exactly the data it used. Asked for
    approved values only, it returns the latest *approved* revision of each key (the official figure): a
    correction awaiting review, or one rejected, leaves the approved value in place. Asked for other statuses
    (the review queue), it returns the latest revision when it has one of them.
    """
    columns = [c.key for c in ObservationRow.__table__.columns if c.key != "batch"]
    query = select(*(getattr(ObservationRow, c) for c in columns))
    if as_of is not None:
        query = query.where(ObservationRow.id <= as_of)
    wanted = None if statuses is None else sorted(set(statuses))
    official = wanted == [ObservationStatus.APPROVED.value]
    if not history:
        latest, join = _latest(
            indicators=indicators, periods=periods, as_of=as_of, statuses=wanted if official else None
        )
        query = query.join(latest, join)  # type: ignore[arg-type]
    if indicators is not None:
        query = query.where(ObservationRow.indicator.in_(list(indicators)))
    if periods is not None:
        query = query.where(ObservationRow.period.in_(list(periods)))
    if wanted is not None:
        query = query.where(ObservationRow.status.in_(wanted))
    query = query.order_by(*(getattr(ObservationRow, k) for k in KEY), ObservationRow.revision)
    schema = {c: _polars_type(c) for c in columns}
    rows = [tuple(r) for r in session.execute(query).all()]
    return pl.DataFrame(rows, schema=schema, orient="row")


def official_bulk(session: Session) -> pl.DataFrame:
    """Return the latest approved revision of every key (what :func:`observations` returns for
    ``statuses=["approved"]``), read in bulk.

    The analysis pages read every official value once per data version; 1e6 rows through SQLAlchemy's rows
    and a latest-revision join take 13 s. Here the approved rows are read without the join (the latest of each
    key is kept in polars) and without per-row processing: SQLite through the session's own DBAPI cursor,
    PostgreSQL through connectorx (Arrow built in Rust, on its own connection: committed data only). Not
    connectorx for SQLite: a second copy of the SQLite library in one process breaks its file locks.
    """
    columns = [c.key for c in ObservationRow.__table__.columns if c.key != "batch"]
    query = f"SELECT {', '.join(columns)} FROM observations WHERE status = 'approved'"
    url = session.connection().engine.url
    schema = {c: _polars_type(c) for c in columns}
    if url.get_backend_name() == "postgresql":
        uri = url.set(drivername="postgresql").render_as_string(hide_password=False)
        found = pl.read_database_uri(query, uri, engine="connectorx")
    else:
        cursor = session.connection().connection.cursor()
        try:
            rows = cursor.execute(query).fetchall()
        finally:
            cursor.close()
        found = pl.from_pandas(pd.DataFrame.from_records(rows, columns=columns))
        if found.height:
            found = found.with_columns(pl.col("created_at").cast(pl.String).str.to_datetime(time_unit="us"))
    if found.height == 0:
        return pl.DataFrame(schema=schema)
    found = found.select(pl.col(c).cast(t) for c, t in schema.items())
    return found.sort([*KEY, "revision"]).unique(subset=KEY, keep="last", maintain_order=True)


def _polars_type(column: str) -> pl.DataType:
    if column in ("value", "numerator", "denominator"):
        return pl.Float64()
    if column in ("id", "year", "revision"):
        return pl.Int64()
    if column == "created_at":
        return pl.Datetime("us")
    return pl.String()


def set_status(
    session: Session,
    *,
    ids: Iterable[int],
    status: ObservationStatus,
    user: str,
    comment: str | None = None,
) -> int:
    """Move the given revisions to ``status`` (audited with before/after); return how many changed."""
    allowed = {
        ObservationStatus.SUBMITTED: {"draft", "rejected"},
        ObservationStatus.APPROVED: {"submitted"},
        ObservationStatus.REJECTED: {"submitted"},
        ObservationStatus.DRAFT: {"rejected"},
    }[status]
    changed = 0
    for obs_id in ids:
        row = session.get(ObservationRow, obs_id)
        if row is None or row.status not in allowed:
            continue
        before = row.status
        # Conditional on the status just read: of two decisions at the same moment only one changes the row.
        moved = session.execute(
            update(ObservationRow)
            .where(ObservationRow.id == obs_id, ObservationRow.status == before)
            .values(status=status.value)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            continue
        session.add(
            AuditRow(
                user=user,
                action="status",
                entity="observations",
                key=str(obs_id),
                before={"status": before},
                after={"status": status.value, "comment": comment},
            )
        )
        changed += 1
    return changed


def pending_by_region(session: Session) -> dict[str, int]:
    """Return, per region, how many keys have a newest revision awaiting review (status submitted)."""
    newer = aliased(ObservationRow)
    newest = (
        select(func.max(newer.revision))
        .where(*(getattr(newer, k) == getattr(ObservationRow, k) for k in KEY))
        .scalar_subquery()
    )
    query = (
        select(ObservationRow.region, func.count())
        .where(ObservationRow.status == ObservationStatus.SUBMITTED.value, ObservationRow.revision == newest)
        .group_by(ObservationRow.region)
    )
    return {str(region): int(n) for region, n in session.execute(query).all()}


def watermark(session: Session) -> int:
    """Return the newest observation id (0 for none): the 'as of' mark of an analysis."""
    return int(session.execute(select(func.max(ObservationRow.id))).scalar_one() or 0)


# audited, not data
NOT_DATA = ("progress_reports", "notices", "users", "publications", "extract_candidates", "appraisal_runs")


def data_version(session: Session) -> tuple[int, int]:
    """Return (newest observation id, newest audit entry about data): it changes with every import, review
    decision and catalogue, region or population change (each is audited), so what is derived from the data
    can be cached under it."""
    newest = select(func.max(ObservationRow.id)).scalar_subquery()
    audited = select(func.max(AuditRow.id)).where(AuditRow.entity.not_in(NOT_DATA)).scalar_subquery()
    found = session.execute(select(newest, audited)).one()
    return int(found[0] or 0), int(found[1] or 0)


def revision(session: Session, *, obs_id: int) -> Revision | None:
    """Return one stored revision, or None."""
    row = session.get(ObservationRow, obs_id)
    if row is None:
        return None
    return Revision.model_validate({c.key: getattr(row, c.key) for c in ObservationRow.__table__.columns})
