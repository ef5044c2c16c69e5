"""``jundeng review list|approve|reject``: the submit → review → approve workflow of reported values."""

from __future__ import annotations

import typer

from jundeng.cli.common import console, emit, open_db, settings
from jundeng.domain.observations import ObservationStatus
from jundeng.store import observations_repo

app = typer.Typer(help="审核报送数据 / review reported values (submitted → approved | rejected).")
COLUMNS = ["id", "indicator", "region", "period", "disaggregation", "value", "status", "revision", "created_by"]


def _selected(
    ctx: typer.Context, status: str, indicator: list[str], period: list[str], region: list[str]
) -> list[dict[str, object]]:
    with open_db(ctx).session() as session:
        frame = observations_repo.observations(
            session, indicators=indicator or None, periods=period or None, statuses=[status]
        )
    if region:
        frame = frame.filter(frame["region"].is_in(region))
    return list(frame.select(COLUMNS).iter_rows(named=True))


@app.command("list")
def list_(
    ctx: typer.Context,
    status: ObservationStatus = typer.Option(ObservationStatus.SUBMITTED, help="状态 / status"),
    indicator: list[str] = typer.Option([], help="指标代码 / indicator (repeatable)"),
    period: list[str] = typer.Option([], help="期间 / period (repeatable)"),
    region: list[str] = typer.Option([], help="区划代码 / region (repeatable)"),
    fmt: str = typer.Option("table", "--format", help="table | json"),
) -> None:
    """List the current values with a status (default: awaiting review)."""
    emit(_selected(ctx, status.value, indicator, period, region), fmt, COLUMNS, "待审核 Awaiting review")


def _decide(
    ctx: typer.Context,
    target: ObservationStatus,
    indicator: list[str],
    period: list[str],
    region: list[str],
    comment: str | None,
) -> None:
    rows = _selected(ctx, ObservationStatus.SUBMITTED.value, indicator, period, region)
    with open_db(ctx).session() as session:
        changed = observations_repo.set_status(
            session, ids=[int(str(r["id"])) for r in rows], status=target, user=settings(ctx).who, comment=comment
        )
    console.print(f"{target.value}: {changed} 条 / values")


@app.command("approve")
def approve(
    ctx: typer.Context,
    indicator: list[str] = typer.Option([], help="指标代码 / indicator (repeatable)"),
    period: list[str] = typer.Option([], help="期间 / period (repeatable)"),
    region: list[str] = typer.Option([], help="区划代码 / region (repeatable)"),
    comment: str | None = typer.Option(None, help="审核意见 / comment"),
) -> None:
    """Approve the submitted values that match the filters."""
    _decide(ctx, ObservationStatus.APPROVED, indicator, period, region, comment)


@app.command("reject")
def reject(
    ctx: typer.Context,
    comment: str = typer.Option(..., help="退回原因 / reason (required)"),
    indicator: list[str] = typer.Option([], help="指标代码 / indicator (repeatable)"),
    period: list[str] = typer.Option([], help="期间 / period (repeatable)"),
    region: list[str] = typer.Option([], help="区划代码 / region (repeatable)"),
) -> None:
    """Return the submitted values that match the filters, with a reason."""
    _decide(ctx, ObservationStatus.REJECTED, indicator, period, region, comment)
