"""Reported values: import observation and population files, review them, export them, write templates.

An import checks every file first; if any has an error nothing is written (one transaction). Otherwise
every changed value becomes a new revision (see :mod:`jundeng.store.observations_repo`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.periods import parse_period, previous_period
from jundeng.domain.principal import Principal
from jundeng.errors import ConflictError, HasProblems, JundengError, Problem
from jundeng.io.limits import Unlisted, cap_problems
from jundeng.io.observations import ValidationContext, validate_table
from jundeng.io.tables import Table, read_table_file
from jundeng.store import catalog_repo, export, observations_repo, regions_repo
from jundeng.store.db import Database
from jundeng.store.export import FORMATS, write_frames

__all__ = [
    "EXPORTS",
    "FORMATS",
    "ImportReport",
    "catalog_yaml",
    "decide",
    "export_frames",
    "import_files",
    "import_population",
    "review",
    "selected",
    "table",
    "template",
    "write_frames",
]

Progress = Callable[[str, int, int], None]
EXPORTS = ("observations", "targets", "catalog", "regions")
REVIEW_COLUMNS = ["id", "indicator", "region", "period", "disaggregation", "value", "status", "revision", "created_by"]


@dataclass
class ImportReport(HasProblems):
    """What an import did: rows read, skipped, written and unchanged, and every problem found."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    skipped_empty: int = 0
    written: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def accepted(self) -> bool:
        """Return True when no error was found."""
        return not self.errors

    @property
    def rows_valid(self) -> int:
        """Return how many data rows passed every check (none when a header is wrong)."""
        wrong = {(p.file, p.row) for p in self.errors}
        return 0 if any(r <= 1 for _f, r in wrong) else max(0, self.rows_read - self.skipped_empty - len(wrong))


def _context(session: Session, *, jump_ratio: float) -> ValidationContext:
    """Return the context for checking observations against what the store holds."""
    return ValidationContext(
        indicators={i.code: i for i in catalog_repo.indicators(session)},
        regions=regions_repo.region_codes(session),
        dimensions=catalog_repo.dimensions(session),
        plan_years=catalog_repo.plan_years(session),
        jump_ratio=jump_ratio,
    )


def _previous_values(session: Session, tables: Sequence[Table]) -> pl.DataFrame:
    """Return the current values of the periods just before those in ``tables``."""
    indicators: set[str] = set()
    periods: set[str] = set()
    for table in tables:
        header = [h.strip().lower() for h in table.header]
        for alias in ("indicator", "指标代码"):
            if alias in header:
                indicators.update(r[header.index(alias)].strip() for r in table.rows)
        for alias in ("period", "期间"):
            if alias in header:
                for text in {r[header.index(alias)] for r in table.rows}:
                    try:
                        periods.add(previous_period(parse_period(text)).text)
                    except ValueError:
                        continue
    if not indicators or not periods:
        return pl.DataFrame()
    current = observations_repo.current_values(session, indicators=indicators, periods=periods)
    return current.select(*observations_repo.KEY, "value")


def import_files(
    db: Database,
    paths: Sequence[str | Path],
    *,
    user: str,
    status: ObservationStatus = ObservationStatus.SUBMITTED,
    source: str | None = None,
    dry_run: bool = False,
    jump_ratio: float = 0.5,
    progress: Progress | None = None,
    principal: Principal | None = None,
) -> ImportReport:
    """Check, then (unless ``dry_run`` or any error) store ``paths`` in one go; out-of-scope rows are errors.

    The files are checked in a reading session and written in one write session (imports take turns there, so
    a concurrent import of the same keys is either seen and revised, or reported as a ConflictError to retry).
    """
    report = ImportReport(files=[str(p) for p in paths], dry_run=dry_run)
    note = progress or (lambda _stage, _done, _total: None)
    allowed = None
    if principal is not None:
        from jundeng.services.scope import indicator_codes

        allowed = indicator_codes(db, principal)
    accepted: list[tuple[Path, str, pl.DataFrame]] = []
    with db.session() as session:
        ctx = _context(session, jump_ratio=jump_ratio)
        for n, raw_path in enumerate(paths):
            path = Path(raw_path)
            note(f"读取 reading {path.name}", n, len(paths))
            tables, problems = read_table_file(path)
            report.problems.extend(problems)
            ctx.previous = _previous_values(session, tables)
            for table in tables:
                checked = validate_table(table, ctx)
                report.rows_read += len(table.rows)
                report.skipped_empty += checked.skipped_empty
                report.problems.extend(checked.problems)
                if checked.frame.height:
                    accepted.append((path, table.name, checked.frame))
    _duplicates_across_files(accepted, report)
    if principal is not None and allowed is not None:
        _outside_scope(accepted, principal, allowed, report)
    report.problems.sort(key=lambda p: (p.file, isinstance(p, Unlisted), p.row, p.column))
    report.problems = cap_problems(report.problems)  # one list, however many files and rows were wrong
    if report.errors or dry_run:
        note("完成 done", len(paths), len(paths))
        return report
    digests = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path, _name, _frame in accepted}
    with db.session(write=True) as session:
        for n, (path, _name, frame) in enumerate(accepted):
            note(f"写入 writing {path.name}", n, len(accepted))
            written = observations_repo.record(
                session,
                frame=frame.drop("_row"),
                kind="observations",
                filename=path.name,
                sha256=digests[path],
                user=user,
                status=status,
                source=source,
            )
            report.written += written
            report.unchanged += frame.height - written
    note("完成 done", len(paths), len(paths))
    return report


def _duplicates_across_files(accepted: list[tuple[Path, str, pl.DataFrame]], report: ImportReport) -> None:
    """Report a key given in two files (or two sheets) of the same import."""
    if len(accepted) < 2:
        return
    seen: dict[tuple[str, ...], str] = {}
    for _path, name, frame in accepted:
        for row in frame.select(*observations_repo.KEY, "_row").iter_rows():
            key = tuple(row[:4])
            if key in seen:
                zh, en = f"重复：与 {seen[key]} 中的键相同", f"duplicate key: also given in {seen[key]}"
                report.problems.append(Problem(name, row[4], 1, zh, en))
            else:
                seen[key] = f"{name}:{row[4]}"


def _outside_scope(
    accepted: list[tuple[Path, str, pl.DataFrame]], principal: Principal, allowed: set[str], report: ImportReport
) -> None:
    """Report every row the principal may not write (indicator outside its scope, region outside its subtree);
    a row already in error (an unknown indicator or region) is not reported twice."""
    wrong = {(p.file, p.row) for p in report.errors}
    for _path, name, frame in accepted:
        for indicator, region, row in frame.select("indicator", "region", "_row").iter_rows():
            if (name, row) in wrong:
                continue
            if indicator not in allowed or not principal.sees_region(region):
                report.problems.append(
                    Problem(
                        name,
                        row,
                        1,
                        f"无权报送 {indicator} @ {region}（超出本单位范围）",
                        f"not allowed to report {indicator} for {region} (outside your scope)",
                    )
                )


def import_population(db: Database, path: str | Path, *, user: str, dry_run: bool = False) -> ImportReport:
    """Validate a population file and (unless ``dry_run`` or any error) upsert it in one transaction."""
    from jundeng.io.population import validate_population

    report = ImportReport(files=[str(path)], dry_run=dry_run)
    tables, problems = read_table_file(path)
    report.problems.extend(problems)
    with db.session(write=not dry_run) as session:
        known = regions_repo.region_codes(session)
        rows = []
        for table in tables:
            found, issues = validate_population(table, known)
            report.rows_read += len(table.rows)
            report.problems.extend(issues)
            rows.extend(found)
        if report.errors or dry_run:
            return report
        report.written = regions_repo.load_population(session, rows=rows, user=user, source=Path(path).name)
    return report


def selected(
    db: Database,
    *,
    status: ObservationStatus = ObservationStatus.SUBMITTED,
    indicators: Sequence[str] = (),
    periods: Sequence[str] = (),
    regions: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Return the current values with ``status`` matching the filters (an empty filter matches all)."""
    with db.session() as session:
        return _selected(session, status=status, indicators=indicators, periods=periods, regions=regions)


def _selected(
    session: Session,
    *,
    status: ObservationStatus,
    indicators: Sequence[str],
    periods: Sequence[str],
    regions: Sequence[str],
) -> list[dict[str, Any]]:
    """Return the current values with ``status`` matching the filters, read in ``session``."""
    frame = observations_repo.observations(
        session, indicators=indicators or None, periods=periods or None, statuses=[status.value]
    )
    if regions:
        frame = frame.filter(frame["region"].is_in(list(regions)))
    return list(frame.select(REVIEW_COLUMNS).iter_rows(named=True))


def decide(
    db: Database,
    *,
    status: ObservationStatus,
    user: str,
    comment: str | None = None,
    indicators: Sequence[str] = (),
    periods: Sequence[str] = (),
    regions: Sequence[str] = (),
) -> int:
    """Approve or reject the submitted values matching the filters (audited); return how many changed.

    A value someone else decides at the same moment is theirs: it is neither changed again nor counted.
    """
    with db.session(write=True) as session:
        rows = _selected(
            session, status=ObservationStatus.SUBMITTED, indicators=indicators, periods=periods, regions=regions
        )
        ids = [int(r["id"]) for r in rows]
        return observations_repo.set_status(session, ids=ids, status=status, user=user, comment=comment)


def review(
    db: Database, principal: Principal, *, obs_id: int, status: ObservationStatus, comment: str | None = None
) -> None:
    """Approve or reject one submitted value in the principal's scope; refuse a rejection without a reason.

    Of two decisions on the same value at the same moment exactly one applies; the other is a ConflictError.
    """
    from jundeng.services.scope import revision

    if status is ObservationStatus.REJECTED and not comment:
        raise JundengError("退回须说明原因", "a reason is required")
    revision(db, principal, obs_id=obs_id)  # NotFoundError when absent or out of scope
    with db.session(write=True) as session:
        changed = observations_repo.set_status(
            session, ids=[obs_id], status=status, user=principal.username, comment=comment
        )
    if not changed:
        raise ConflictError(
            "该值已审核或不在待审核状态（可能刚由他人审核）",
            "the value is not awaiting review: already decided, perhaps by someone else just now",
        )


def export_frames(
    db: Database, *, what: str, with_meta: bool = False, history: bool = False, under: str | None = None
) -> dict[str, pl.DataFrame]:
    """Return the tables of an export: observations (import layout), targets, regions or the catalogue, of
    the programme ``under`` (its subtree: values, targets and regions of its regions; needed when the database
    holds several programmes, ScopeError without it)."""
    if what not in EXPORTS:
        raise JundengError(f"未知的导出对象 {what!r}", f"unknown export {what!r}: {', '.join(EXPORTS)}")
    with db.session() as session:
        keep = _programme(session, under)
        if what == "observations":
            frames = {what: export.observations_frame(session, with_meta=with_meta or history, history=history)}
        elif what == "targets":
            frames = {what: export.targets_frame(session)}
        elif what == "regions":
            frames = {what: export.regions_frame(session)}
        else:
            frames = export.catalog_frames(session)
    if keep is None:
        return frames
    return {name: _within(name, frame, keep) for name, frame in frames.items()}


def _programme(session: Session, under: str | None) -> set[str] | None:
    """Return the region codes of the programme ``under`` (None: the database's only one, everything);
    ScopeError when the database holds several and none is chosen."""
    codes = regions_repo.programme_codes(session, under=under)
    return codes if under is not None else None


def _within(name: str, frame: pl.DataFrame, keep: set[str]) -> pl.DataFrame:
    """Return the rows of an export table whose region lies in ``keep`` or that name none (a national unit);
    tables without regions unchanged."""
    column = "code" if name == "regions" else "region"
    if column not in frame.columns:
        return frame
    return frame.filter(pl.col(column).is_null() | pl.col(column).is_in(sorted(keep)))


def table(
    db: Database,
    *,
    indicators: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    history: bool = False,
) -> pl.DataFrame:
    """Return current observations (or every revision) with metadata, one column per disaggregation dimension."""
    with db.session() as session:
        return export.observations_frame(
            session, with_meta=True, indicators=indicators, periods=periods, statuses=statuses, history=history
        )


def catalog_yaml(db: Database, *, under: str | None = None) -> str:
    """Return the stored catalogue as YAML in the catalogue file format (re-loadable), with the targets of the
    programme ``under`` only (needed when the database holds several programmes)."""
    with db.session() as session:
        return export.catalog_yaml(session, regions=_programme(session, under))


def template(
    db: Database,
    *,
    out: str | Path,
    period: str,
    level: str = "district",
    under: str | None = None,
    domains: Sequence[str] = (),
    indicators: Sequence[str] = (),
) -> dict[str, int]:
    """Write the Excel template to fill in (one sheet per domain); return the rows to fill per sheet."""
    from jundeng.io.template import write_template

    with db.session() as session:
        catalog = catalog_repo.read_catalog(session)
        regions = regions_repo.regions(session, level=level, under=under)
    chosen = [
        i
        for i in catalog.indicators
        if (not domains or i.domain in domains) and (not indicators or i.code in indicators)
    ]
    if not chosen:
        raise JundengError(
            "目录中没有匹配的指标：请先载入含指标的目录（jundeng catalog load FILE.yaml）",
            "no matching indicators in the catalogue: load one that has indicators (jundeng catalog load FILE.yaml)",
        )
    if not regions:
        where = f"（{under} 之下）" if under else ""
        raise JundengError(
            f"没有 {level} 级区划{where}", f"no regions of level {level}" + (f" under {under}" if under else "")
        )
    return write_template(out, indicators=chosen, domains=catalog.domains, regions=regions, period=period)
