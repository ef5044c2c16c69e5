"""``jundeng access import | coverage | score`` (设施可达性：覆盖率与两步移动搜索法得分).

With ``--facilities`` and ``--population`` a command reads its files and writes nothing; without them it reads
what ``jundeng access import`` stored (``--under`` for the programme). Grouping ``--by town``,
``--by district`` or ``--by urban_rural`` takes the regions of the database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import typer
from rich.table import Table

from jundeng.cli.common import FORMAT_CSV, console, json_ready, open_db, records, settings
from jundeng.io import sanitize

if TYPE_CHECKING:
    from jundeng.domain.regions import Region

app = typer.Typer(
    help="设施可达性（覆盖率、2SFCA/E2SFCA/高斯/3SFCA 得分）/ accessibility of facilities on files or the database",
    no_args_is_help=True,
)
FACILITIES_HELP = (
    "设施文件（不给则读数据库）：id, category, capacity, lon, lat 或 x, y（加 epsg）/ FACILITIES file "
    "(without it: the database)"
)
POPULATION_HELP = (
    "人口点文件（不给则读数据库）：id, region, population, lon, lat 或 x, y / POPULATION file "
    "(without it: the database)"
)
COST_HELP = "起终点成本矩阵：origin, destination, cost（分钟或米）/ cost matrix (minutes or metres)"
CATEGORY_HELP = "只用此类别的设施（如 bus_stop）/ only facilities of this category"
BY_HELP = "分组：region（区划原样）| town（所属乡镇街道）| district（所属区县）| urban_rural（城乡）/ group by"
YEAR_HELP = "只用该年已开放的设施（opening_year ≤ 年份）/ only the facilities open in this year"
UNDER_HELP = "只含此区划之下（库中有多个城市时必填）/ only under this region (needed with several programmes)"
EPSG_HELP = "x, y 坐标的投影坐标系 EPSG 代码（文件无 epsg 列时）/ EPSG code of x, y when the file has no epsg column"
FORMATS = ("table", "json", "csv")


def _check(fmt: str, by: str) -> None:
    from jundeng.services.access import BY

    if fmt not in FORMATS:
        raise typer.BadParameter(f"须为 / must be one of {', '.join(FORMATS)}", param_hint="--format")
    if by not in BY:
        raise typer.BadParameter(f"须为 / must be one of {', '.join(BY)}", param_hint="--by")


def _files(facilities: Path | None, population: Path | None) -> bool:
    """Return True for the file form (both files), False for the database form (neither)."""
    if (facilities is None) != (population is None):
        missing = "--population" if population is None else "--facilities"
        raise typer.BadParameter(
            "两个文件须同时给出（或都不给，读数据库）/ give both files or neither", param_hint=missing
        )
    return facilities is not None


def _regions(ctx: typer.Context, by: str, under: str | None) -> Sequence[Region] | None:
    """Return the database's regions when the grouping needs them (files form), else None."""
    if by == "region":
        return None
    from jundeng.services.regions import regions

    return regions(open_db(ctx), under=under)


def _cell(column: str, value: Any) -> str:
    value = json_ready(value)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if column in ("share", "gini", "theil") or "share" in column:
        return f"{value:.4f}"
    return f"{value:.6g}" if column in ("score", "mean_score") else f"{value:,.0f}"


def _table(frame: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column), justify="left" if column in ("region", "id", "measure") else "right")
    for row in frame.to_dict(orient="records"):
        label = str(row.get("measure", ""))
        table.add_row(*(_cell(label if k == "value" else str(k), v) for k, v in row.items()))
    console.print(table)


def _summary_table(summary: dict[str, Any]) -> None:
    shown = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v) for k, v in summary.items()}
    _table(pd.DataFrame({"measure": list(shown), "value": list(shown.values())}), "汇总 Summary")


def _emit(fmt: str, payload: dict[str, Any], shown: pd.DataFrame, title: str, csv: pd.DataFrame | None = None) -> None:
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(shown if csv is None else csv), nl=False)
    elif fmt == "json":
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _table(shown, title)
        _summary_table(payload["summary"])


@app.command("import")
def import_files(
    ctx: typer.Context,
    facilities: Path | None = typer.Option(None, "--facilities", help=FACILITIES_HELP),
    population: Path | None = typer.Option(None, "--population", help=POPULATION_HELP),
    source: str | None = typer.Option(None, "--source", help="来源（写入每一行）/ source, written on every row"),
    epsg: int | None = typer.Option(None, "--epsg", help=EPSG_HELP),
) -> None:
    """Store facilities and/or demand points, all or nothing (a correction is a new revision)."""
    from jundeng.services.access_db import import_files as run

    if facilities is None and population is None:
        raise typer.BadParameter("至少给出一个文件 / give at least one file", param_hint="--facilities/--population")
    done = run(open_db(ctx), facilities=facilities, population=population, user=settings(ctx).who, source=source,
               epsg=epsg)  # fmt: skip
    for label, counts in (("设施 facilities", done.facilities), ("人口点 points", done.points)):
        if counts is not None:
            console.print(f"{label}: 写入 {counts[0]}，未变 {counts[1]} / {counts[0]} written, {counts[1]} unchanged")


@app.command()
def coverage(
    ctx: typer.Context,
    facilities: Path | None = typer.Option(None, "--facilities", help=FACILITIES_HELP),
    population: Path | None = typer.Option(None, "--population", help=POPULATION_HELP),
    within: float = typer.Option(..., "--within", help="覆盖距离（米；有 --cost 时为其单位）/ distance in metres"),
    category: str | None = typer.Option(None, "--category", help=CATEGORY_HELP),
    cost: Path | None = typer.Option(None, "--cost", help=COST_HELP),
    by: str = typer.Option("region", "--by", help=BY_HELP),
    under: str | None = typer.Option(None, "--under", help=UNDER_HELP),
    epsg: int | None = typer.Option(None, "--epsg", help=EPSG_HELP),
    year: int | None = typer.Option(None, "--year", help=YEAR_HELP),
    fmt: str = FORMAT_CSV,
) -> None:
    """Share of the population within ``--within`` of a facility, per region, with its Gini and Theil."""
    from jundeng.services import access, access_db

    _check(fmt, by)
    if _files(facilities, population):
        assert facilities is not None and population is not None
        answer = access.coverage(
            facilities, population, within=within, category=category, cost=cost, by=by,
            regions=_regions(ctx, by, under), epsg=epsg, year=year,
        )  # fmt: skip
    else:
        db = open_db(ctx)
        answer = access_db.coverage(db, within=within, under=under, category=category, cost=cost, by=by, year=year)
    regions = answer.regions[["region", "population", "covered", "share"]]
    payload = {"regions": records(regions), "summary": json_ready(answer.summary)}
    _emit(fmt, payload, regions, f"覆盖率 Coverage · {within:g} {'米 m' if cost is None else ''}")


@app.command()
def score(
    ctx: typer.Context,
    facilities: Path | None = typer.Option(None, "--facilities", help=FACILITIES_HELP),
    population: Path | None = typer.Option(None, "--population", help=POPULATION_HELP),
    method: str = typer.Option("e2sfca", "--method", help="2sfca | e2sfca | g2sfca | 3sfca"),
    catchment: float | None = typer.Option(
        None, "--catchment", help="服务半径（米；有 --cost 时为其单位）/ catchment in metres (or the cost's unit)"
    ),
    weights: str | None = typer.Option(
        None,
        "--weights",
        help="阶梯权重 上限:权重,…（默认按半径三等分 1, 0.68, 0.22）/ step weights bound:weight,… "
        "(default: thirds of the catchment weighted 1, 0.68, 0.22)",
    ),
    bandwidth: float | None = typer.Option(None, "--bandwidth", help="高斯带宽（默认半径的一半）/ Gaussian σ"),
    cost: Path | None = typer.Option(None, "--cost", help=COST_HELP),
    category: str | None = typer.Option(None, "--category", help=CATEGORY_HELP),
    by: str = typer.Option("region", "--by", help=BY_HELP),
    under: str | None = typer.Option(None, "--under", help=UNDER_HELP),
    epsg: int | None = typer.Option(None, "--epsg", help=EPSG_HELP),
    year: int | None = typer.Option(None, "--year", help=YEAR_HELP),
    fmt: str = FORMAT_CSV,
) -> None:
    """Floating-catchment accessibility (capacity per person within reach) per point and per region."""
    from jundeng.services import access, access_db

    _check(fmt, by)
    if method not in access.METHODS:
        raise typer.BadParameter(f"须为 / must be one of {', '.join(access.METHODS)}", param_hint="--method")
    steps = access.parse_weights(weights) if weights else None
    if catchment is None:
        if steps is None:
            raise typer.BadParameter("须给出服务半径或阶梯权重 / give a catchment or weights", param_hint="--catchment")
        catchment = steps[-1][0]
    options: dict[str, Any] = {"method": method, "catchment": catchment, "weights": steps, "bandwidth": bandwidth}
    options |= {"category": category, "cost": cost, "by": by, "year": year}
    if _files(facilities, population):
        assert facilities is not None and population is not None
        regions = _regions(ctx, by, under)
        answer = access.score(facilities, population, regions=regions, epsg=epsg, **options)
    else:
        answer = access_db.score(open_db(ctx), under=under, **options)
    payload = {
        "points": records(answer.points),
        "regions": records(answer.regions),
        "summary": json_ready(answer.summary),
    }
    _emit(fmt, payload, answer.regions, f"可达性得分 Accessibility ({method}, {catchment:g})", answer.points)


def _years(text: str) -> list[int]:
    """Return the years of ``2013-2017`` or ``2015,2017``."""
    try:
        years: list[int] = []
        for part in text.replace("，", ",").split(","):
            first, _, last = part.strip().partition("-")
            years += list(range(int(first), int(last or first) + 1))
    except ValueError as exc:
        raise typer.BadParameter(f"须写作 2013-2017 或 2015,2017 / e.g. 2013-2017 or 2015,2017: {text!r}") from exc
    if not years or any(y < 1949 or y > 2100 for y in years):
        raise typer.BadParameter(f"年份须在 1949–2100 / years must be within 1949–2100: {text!r}")
    return years


@app.command()
def publish(
    ctx: typer.Context,
    indicator: str = typer.Option(..., "--indicator", help="指标代码（如 ACC_BUS_STOP_500M）/ indicator code"),
    years: str = typer.Option(..., "--years", help="年份，如 2013-2017 或 2015,2017 / years"),
    category: str | None = typer.Option(
        None, "--category", help="设施类别（默认按指标）/ category (default: the indicator's)"
    ),
    within: float | None = typer.Option(None, "--within", help="距离（米，默认按指标）/ distance in metres"),
    under: str | None = typer.Option(None, "--under", help=UNDER_HELP),
) -> None:
    """Compute an access indicator (coverage) for every region and year from the stored facilities and points and
    store it as observations marked computed."""
    from jundeng.services.access_publish import publish as run

    done = run(
        open_db(ctx),
        indicator=indicator,
        years=_years(years),
        user=settings(ctx).who,
        category=category,
        within=within,
        under=under,
    )
    console.print(
        f"{done.indicator}: {len(done.years)} 年 × {done.regions} 个区划，写入 {done.written} 个新值 / "
        f"{len(done.years)} years × {done.regions} regions, {done.written} new values · {done.source}"
    )
