"""``jundeng survey estimate`` (满意度调查：按复杂抽样设计估计满意率或平均分).

Reads a questionnaire (YAML) and microdata (``--data``, one row per respondent) and prints the weighted share of
satisfied answers of one item (or, with ``--mean``, its mean score) per group with its standard error, interval,
design effect and effective sample size; small cells are flagged, never hidden. Grouping ``--by district`` or
``--by town`` takes the regions of the database.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import typer
from rich.table import Table

from jundeng.cli.common import FORMAT_CSV, console, open_db
from jundeng.io import sanitize

if TYPE_CHECKING:
    from jundeng.domain.regions import Region

app = typer.Typer(
    help="满意度调查（加权满意率、标准误、设计效应）/ satisfaction surveys estimated by their sampling design",
    no_args_is_help=True,
)
DATA_HELP = (
    "调查微观数据：id, region, weight, [stratum, psu, stratum_size], 分组列, 每题一列答案 / microdata, one row "
    "per respondent (required for now)"
)
BY_HELP = (
    "分组（可重复）：文件中的列（如 urban_rural）| region | district | town（后两者需数据库区划）/ group by, "
    "repeatable: a column of the file, region, or district/town (the database's regions)"
)
FORMATS = ("table", "json", "csv")
LONELY = ("error", "certainty", "adjust")
CI = ("logit", "wilson", "wald")
SMALL = "样本少 small n"


def _choice(value: str, allowed: Sequence[str], hint: str) -> None:
    if value not in allowed:
        raise typer.BadParameter(f"须为 / must be one of {', '.join(allowed)}", param_hint=hint)


def _regions(ctx: typer.Context, by: Sequence[str], under: str | None) -> Sequence[Region] | None:
    """Return the database's regions when a grouping needs them (district, town), else None."""
    if not any(b in ("district", "town") for b in by):
        return None
    from jundeng.services.regions import regions

    return regions(open_db(ctx), under=under)


def _clean(value: Any) -> Any:
    """Return a JSON-ready value: NaN as null, numpy scalars as Python values."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _number(value: Any, digits: int) -> str:
    value = _clean(value)
    return "" if value is None else f"{value:.{digits}f}"


def _table(cells: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for column in ("group", "estimate", "se", "ci_low", "ci_high", "n", "deff", "n_eff", "note"):
        table.add_column(column, justify="left" if column in ("group", "note") else "right")
    for row in cells.to_dict(orient="records"):
        table.add_row(
            str(row["group"]),
            *(_number(row[k], 4) for k in ("estimate", "se", "ci_low", "ci_high")),
            str(row["n"]),
            _number(row["deff"], 2),
            _number(row["n_eff"], 1),
            SMALL if row["small"] else "",
        )
    console.print(table)


@app.command()
def estimate(
    ctx: typer.Context,
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    questionnaire: Path = typer.Option(..., "--questionnaire", help="问卷 YAML / questionnaire YAML"),
    item: str = typer.Option(..., "--item", help="题目代码（如 Q3）/ item code"),
    by: list[str] | None = typer.Option(None, "--by", help=BY_HELP),
    mean: bool = typer.Option(False, "--mean", help="估计平均分而非满意率 / the mean score, not the satisfied share"),
    weight: str | None = typer.Option(None, "--weight", help="权数列（默认 weight）/ weight column"),
    stratum: str | None = typer.Option(None, "--stratum", help="层列（默认 stratum，可无）/ stratum column"),
    psu: str | None = typer.Option(None, "--psu", help="初级抽样单元列（默认 psu，可无）/ PSU column"),
    stratum_size: str | None = typer.Option(
        None, "--stratum-size", help="层总体 PSU 数列（默认 stratum_size，可无）/ population PSUs of the stratum"
    ),
    lonely: str = typer.Option(
        "error", "--lonely", help="单 PSU 层：error 拒绝 | certainty 不计方差 | adjust 以全样本均值为中心 / lonely PSU"
    ),
    ci: str = typer.Option("logit", "--ci", help="满意率区间：logit | wilson | wald / interval of a share"),
    level: float = typer.Option(0.95, "--level", help="置信水平 / confidence level"),
    min_n: int = typer.Option(30, "--min-n", help="样本或有效样本少于此数时标记 / flag cells below this n"),
    under: str | None = typer.Option(
        None, "--under", help="只用此区划之下的区划（按 district/town 分组时）/ regions under this code"
    ),
    fmt: str = FORMAT_CSV,
) -> None:
    """Weighted share of satisfied answers (or mean score) of one item per group, with design-based SEs."""
    from jundeng.services import survey

    _choice(fmt, FORMATS, "--format")
    _choice(lonely, LONELY, "--lonely")
    _choice(ci, CI, "--ci")
    if not 0 < level < 1:
        raise typer.BadParameter("须在 0 与 1 之间 / must lie between 0 and 1", param_hint="--level")
    if data is None:
        raise typer.BadParameter(
            "目前须给出微观数据文件（调查入库功能尚未提供）/ required until `jundeng survey import` lands",
            param_hint="--data",
        )
    groups = list(by or [])
    answer = survey.estimate_file(
        data, questionnaire, item=item, by=groups, mean=mean, weight=weight, stratum=stratum, psu=psu,
        stratum_size=stratum_size, lonely=lonely, ci=ci, level=level, regions=_regions(ctx, groups, under),
        min_n=min_n,
    )  # fmt: skip
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(answer.cells), nl=False)
    elif fmt == "json":
        payload = {"item": answer.item, "kind": answer.kind, "cells": _records(answer.cells)}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        what = "平均分 mean score" if mean else "满意率 satisfied share"
        _table(answer.cells, f"{item} · {what} · {' × '.join(groups) or 'total'}")
