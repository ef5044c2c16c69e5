"""``jundeng extract FILE…``: propose the targets, tasks, standards and baselines of policy documents."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from jundeng.cli.common import FORMAT_CSV, console, emit, errors, open_db, print_problems, settings

if TYPE_CHECKING:
    from jundeng.extract import Candidate

FORMATS = ("table", "json", "csv")
TABLE_COLUMNS = ("kind", "indicator", "value", "unit", "comparator", "year", "scope", "domain", "units", "where")


def _table_row(candidate: Candidate) -> dict[str, Any]:
    from jundeng.extract.numbers import format_number

    value = format_number(candidate.value)
    if candidate.high is not None:
        value = f"{value}–{format_number(candidate.high)}"
    units = "、".join(candidate.lead_units + candidate.responsible_units)
    source = Path(candidate.source).name if candidate.source else ""
    return {
        "kind": candidate.kind,
        "indicator": candidate.indicator,
        "value": value,
        "unit": candidate.unit,
        "comparator": candidate.comparator,
        "year": candidate.year,
        "scope": candidate.scope,
        "domain": candidate.domain,
        "units": units,
        "where": f"{source}:{candidate.quantity_start}" if source else str(candidate.quantity_start),
    }


def _csv(candidates: list[Candidate]) -> None:
    from jundeng.extract import FIELDS
    from jundeng.io import sanitize

    writer = csv.DictWriter(sys.stdout, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for candidate in candidates:
        row = candidate.to_dict()
        row["lead_units"] = "、".join(candidate.lead_units)
        row["responsible_units"] = "、".join(candidate.responsible_units)
        writer.writerow({k: sanitize.csv_cell(v) for k, v in row.items()})


def extract(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(
        ..., help="政策文件，或 review / policy documents (.txt .html .docx .pdf), or review"
    ),
    fmt: str = FORMAT_CSV,
    stage: bool = typer.Option(False, "--stage", help="暂存候选待审核 / store the candidates for review"),
    accept: str | None = typer.Option(
        None, "--accept", help="review: 接受候选编号，可列举 3,5,9-14 / accept candidate IDs, e.g. 3,5,9-14"
    ),
    reject: str | None = typer.Option(None, "--reject", help="review: 拒绝候选编号 1,2 / reject candidate IDs"),
    export: Path | None = typer.Option(
        None, "--export", help="review: 导出候选供审核（.csv/.xlsx）/ write candidates to review in a spreadsheet"
    ),
    import_: Path | None = typer.Option(
        None, "--import", help="review: 导入审核结果（修改与 decision 列）/ apply a reviewed spreadsheet"
    ),
    code: str | None = typer.Option(None, help="review: 指标/项目/任务代码 / code for the accepted item"),
    domain: str | None = typer.Option(None, help="review: 领域代码 / domain code (targets, standards)"),
    region: str | None = typer.Option(
        None,
        help="review: 目标适用区划（库中有多个城市时必填）"
        " / region of a target (needed when the database holds several programmes)",
    ),
    status: str = typer.Option("staged", help="review: staged | accepted | rejected | all"),
) -> None:
    """Propose the targets, tasks, standards and baselines of policy documents, with their source spans.

    ``jundeng extract FILE --stage`` stores them for review; ``jundeng extract review`` lists them, and
    ``--accept 3,5,9-14`` / ``--reject 1,2`` decide in one transaction (``--code C --domain D`` for a single
    acceptance; accepted items go to the catalogue or the ledger with their source clause); ``--export FILE``
    writes them to a spreadsheet with a ``decision`` column and ``--import FILE`` applies the reviewed file.
    """
    from jundeng.errors import InputError
    from jundeng.extract import FIELDS, extract_file
    from jundeng.services import extraction

    if len(files) == 1 and str(files[0]) == "review" and not files[0].exists():
        if export is not None or import_ is not None:
            _sheet(ctx, export, import_, status)
            return
        _review(ctx, fmt, accept, reject, code, domain, region, status)
        return
    if fmt not in FORMATS:
        errors.print(f"[red]未知的格式 / unknown format {fmt!r}: {' | '.join(FORMATS)}[/]")
        raise typer.Exit(2)
    candidates: list[Candidate] = []
    failed = False
    for path in files:
        try:
            candidates.extend(extract_file(path))
        except InputError as exc:
            print_problems(exc.problems)
            failed = True
    if stage:
        for path in files:
            if path.exists():
                name, count, new = extraction.stage(open_db(ctx), path, user=settings(ctx).who)
                state = "已暂存 staged" if new else "此前已暂存 already staged"
                console.print(f"{name}: {count} 条候选 candidates {state}; 审核 review: jundeng extract review")
        return
    if fmt == "json":
        emit([c.to_dict() for c in candidates], "json", FIELDS)
    elif fmt == "csv":
        _csv(candidates)
    elif candidates:
        title = f"{len(candidates)} 条候选，待审核 / candidates to review"
        emit([_table_row(c) for c in candidates], "table", TABLE_COLUMNS, title)
    if not candidates and not failed:
        errors.print("[yellow]未找到候选 / no candidates found[/]")
    if failed:
        raise typer.Exit(1)


def _review(
    ctx: typer.Context,
    fmt: str,
    accept: str | None,
    reject: str | None,
    code: str | None,
    domain: str | None,
    region: str | None,
    status: str,
) -> None:
    """List staged candidates, or accept and reject lists of them in one transaction."""
    from jundeng.services import extraction, extraction_review

    db = open_db(ctx)
    if accept is not None or reject is not None:
        accepted = extraction_review.parse_ids(accept) if accept else []
        rejected = extraction_review.parse_ids(reject) if reject else []
        decisions = extraction_review.decide(
            db, user=settings(ctx).who, accept=accepted, reject=rejected, code=code, domain=domain, region=region
        )
        for decision in decisions:
            if decision.status == "accepted":
                console.print(f"已接受 accepted {decision.id} → {decision.result}")
            else:
                console.print(f"已拒绝 rejected {decision.id}")
        return
    rows = extraction.staged(db, status=None if status == "all" else status)
    columns = ["id", "kind", "indicator", "value", "unit", "comparator", "year", "document", "status"]
    emit(rows, "json" if fmt == "json" else "table", columns, f"候选 Candidates · {status}")


def _sheet(ctx: typer.Context, export: Path | None, import_: Path | None, status: str) -> None:
    """Write the candidates to a spreadsheet to review, or apply a reviewed one (all-or-nothing)."""
    from jundeng.errors import InputError
    from jundeng.services import extraction_sheet

    db = open_db(ctx)
    if export is not None:
        count = extraction_sheet.export(db, export, status=None if status == "all" else status)
        console.print(f"已导出 {count} 条候选 exported {count} candidates → {export}")
        return
    assert import_ is not None
    try:
        decisions = extraction_sheet.apply(db, import_, user=settings(ctx).who)
    except InputError as exc:
        print_problems(exc.problems)
        errors.print("[red]未写入任何内容 / nothing was written[/]")
        raise typer.Exit(1) from None
    accepted = sum(d.status == "accepted" for d in decisions)
    rejected = len(decisions) - accepted
    console.print(f"已接受 {accepted} 条、拒绝 {rejected} 条 / accepted {accepted}, rejected {rejected}")


def register(app: typer.Typer) -> None:
    """Add the extraction command to the root app."""
    app.command("extract")(extract)
