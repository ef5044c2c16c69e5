"""``jundeng review list|approve|reject``: the submit → review → approve workflow of reported values."""

from __future__ import annotations

import typer

from jundeng.cli.common import FORMAT, Status, console, emit, open_db, settings

app = typer.Typer(help="审核报送数据 / review reported values (submitted → approved | rejected).")
COLUMNS = ["id", "indicator", "region", "period", "disaggregation", "value", "status", "revision", "created_by"]


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Status = typer.Option(Status.submitted, help="状态 / status"),
    indicator: list[str] = typer.Option([], help="指标代码 / indicator (repeatable)"),
    period: list[str] = typer.Option([], help="期间 / period (repeatable)"),
    region: list[str] = typer.Option([], help="区划代码 / region (repeatable)"),
    fmt: str = FORMAT,
) -> None:
    """List the current values with a status (default: awaiting review)."""
    from jundeng.domain.observations import ObservationStatus
    from jundeng.services.observations import selected

    rows = selected(
        open_db(ctx), status=ObservationStatus(status.value), indicators=indicator, periods=period, regions=region
    )
    emit(rows, fmt, COLUMNS, "待审核 Awaiting review")


def _decide(
    ctx: typer.Context, target: str, indicator: list[str], period: list[str], region: list[str], comment: str | None
) -> None:
    from jundeng.domain.observations import ObservationStatus
    from jundeng.services.observations import decide

    status = ObservationStatus(target)
    changed = decide(
        open_db(ctx),
        status=status,
        user=settings(ctx).who,
        comment=comment,
        indicators=indicator,
        periods=period,
        regions=region,
    )
    console.print(f"{status.value}: {changed} 条 / values")


@app.command("approve")
def approve(
    ctx: typer.Context,
    indicator: list[str] = typer.Option([], help="指标代码 / indicator (repeatable)"),
    period: list[str] = typer.Option([], help="期间 / period (repeatable)"),
    region: list[str] = typer.Option([], help="区划代码 / region (repeatable)"),
    comment: str | None = typer.Option(None, help="审核意见 / comment"),
) -> None:
    """Approve the submitted values that match the filters."""
    _decide(ctx, "approved", indicator, period, region, comment)


@app.command("reject")
def reject(
    ctx: typer.Context,
    comment: str = typer.Option(..., help="退回原因 / reason (required)"),
    indicator: list[str] = typer.Option([], help="指标代码 / indicator (repeatable)"),
    period: list[str] = typer.Option([], help="期间 / period (repeatable)"),
    region: list[str] = typer.Option([], help="区划代码 / region (repeatable)"),
) -> None:
    """Return the submitted values that match the filters, with a reason."""
    _decide(ctx, "rejected", indicator, period, region, comment)
