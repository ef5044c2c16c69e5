"""Import observation files: read, validate against the stored catalogue, then store in one transaction.

All files of one call are checked first; if any has an error nothing is written. Otherwise every
changed value becomes a new revision (see :mod:`jundeng.store.observations_repo`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.periods import parse_period, previous_period
from jundeng.errors import HasProblems, Problem
from jundeng.io.observations import ValidationContext, validate_table
from jundeng.io.tables import Table, read_table_file
from jundeng.store import catalog_repo, observations_repo
from jundeng.store.db import Database
from jundeng.store.models import DimensionRow, IndicatorRow, PlanRow, RegionRow

Progress = Callable[[str, int, int], None]


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


def validation_context(session: Session, *, jump_ratio: float = 0.5) -> ValidationContext:
    """Return the context for checking observations against what the store holds."""
    from jundeng.domain.catalog import Dimension

    plans = {p.code: (p.start_year, p.end_year) for p in session.execute(select(PlanRow)).scalars()}
    plan_of = dict(session.execute(select(IndicatorRow.code, IndicatorRow.plan)).all())
    return ValidationContext(
        indicators={i.code: i for i in catalog_repo.indicators(session)},
        regions=set(session.execute(select(RegionRow.code)).scalars()),
        dimensions={
            d.code: Dimension(code=d.code, name=d.name, name_en=d.name_en, values=d.values)
            for d in session.execute(select(DimensionRow)).scalars()
        },
        plan_years={code: plans[plan] for code, plan in plan_of.items() if plan in plans},
        jump_ratio=jump_ratio,
    )


def _previous_values(session: Session, tables: Sequence[Table]) -> pl.DataFrame:
    """Return the current values of the periods just before those in ``tables``."""
    indicators: set[str] = set()
    periods: set[str] = set()
    for table in tables:
        header = [h.strip().lower() for h in table.header]
        for alias, column in (("indicator", indicators), ("指标代码", indicators)):
            if alias in header:
                column.update(r[header.index(alias)].strip() for r in table.rows)
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
    permitted: Callable[[str, str], bool] | None = None,
) -> ImportReport:
    """Validate and (unless ``dry_run`` or any error) store the observations in ``paths`` atomically.

    ``permitted(indicator, region)`` limits what the user may write (the web app's scopes); a row outside
    it is an error located at its indicator cell.
    """
    report = ImportReport(files=[str(p) for p in paths], dry_run=dry_run)
    note = progress or (lambda _stage, _done, _total: None)
    with db.session() as session:
        ctx = validation_context(session, jump_ratio=jump_ratio)
        accepted: list[tuple[Path, str, pl.DataFrame]] = []
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
        if permitted is not None:
            _outside_scope(accepted, permitted, report)
        report.problems.sort(key=lambda p: (p.file, p.row, p.column))
        if report.errors or dry_run:
            note("完成 done", len(paths), len(paths))
            return report
        for n, (path, _name, frame) in enumerate(accepted):
            note(f"写入 writing {path.name}", n, len(accepted))
            current = observations_repo.current_values(
                session,
                indicators=frame["indicator"].unique().to_list(),
                periods=frame["period"].unique().to_list(),
            )
            changes = observations_repo.plan_revisions(frame.drop("_row"), current)
            report.unchanged += frame.height - changes.height
            if changes.height:
                batch = observations_repo.new_batch(
                    session,
                    kind="observations",
                    filename=path.name,
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                    rows=changes.height,
                    user=user,
                )
                report.written += observations_repo.insert_revisions(
                    session, changes, user=user, status=status, source=source, batch=batch
                )
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
                report.problems.append(
                    Problem(
                        name,
                        row[4],
                        1,
                        f"重复：与 {seen[key]} 中的键相同",
                        f"duplicate key: also given in {seen[key]}",
                    )
                )
            else:
                seen[key] = f"{name}:{row[4]}"


def _outside_scope(
    accepted: list[tuple[Path, str, pl.DataFrame]], permitted: Callable[[str, str], bool], report: ImportReport
) -> None:
    """Report every row the user may not write (indicator outside its domains, region outside its subtree)."""
    for _path, name, frame in accepted:
        for indicator, region, row in frame.select("indicator", "region", "_row").iter_rows():
            if not permitted(indicator, region):
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
    from jundeng.store import regions_repo

    report = ImportReport(files=[str(path)], dry_run=dry_run)
    tables, problems = read_table_file(path)
    report.problems.extend(problems)
    with db.session() as session:
        known = {r.code for r in regions_repo.regions(session)}
        rows = []
        for table in tables:
            found, issues = validate_population(table, known)
            report.rows_read += len(table.rows)
            report.problems.extend(issues)
            rows.extend(found)
        if report.errors or dry_run:
            return report
        report.written = regions_repo.load_population(session, rows, user=user, source=Path(path).name)
    return report
