"""``jundeng survey estimate`` (满意度调查：按复杂抽样设计估计满意率或平均分).

Reads a questionnaire (YAML) and microdata (``--data``, one row per respondent) and prints the weighted share of
satisfied answers of one item (or, with ``--mean``, its mean score) per group with its standard error, interval,
design effect and effective sample size; small cells are flagged, never hidden. Grouping ``--by district`` or
``--by town`` takes the regions of the database.
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
    help="满意度调查（加权满意率、标准误、设计效应）/ satisfaction surveys estimated by their sampling design",
    no_args_is_help=True,
)
DATA_HELP = (
    "调查微观数据（不给则读数据库）：id, region, weight, [stratum, psu, stratum_size], 分组列, 每题一列答案 / "
    "microdata, one row per respondent (without it: the database)"
)
WAVE_HELP = "库中的调查批次（默认：该年或最新一批）/ stored wave (default: the year's or the latest)"
YEAR_HELP = "调查年份 / survey year"
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


def _number(value: Any, digits: int) -> str:
    value = json_ready(value)
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
    questionnaire: Path | None = typer.Option(
        None, "--questionnaire", help="问卷 YAML（有 --data 时必填）/ questionnaire YAML (required with --data)"
    ),
    wave: str | None = typer.Option(None, "--wave", help=WAVE_HELP),
    year: int | None = typer.Option(None, "--year", help=YEAR_HELP),
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
    post_stratify: str | None = typer.Option(
        None,
        "--post-stratify",
        help="事后分层列（无应答调整，需 --totals）/ post-stratify on this column (with --totals)",
    ),
    totals: Path | None = typer.Option(
        None, "--totals", help="各事后分层单元的总体总数：cell, total / known population total of each cell"
    ),
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
    groups = list(by or [])
    strata = None
    if (post_stratify is None) != (totals is None):
        raise typer.BadParameter("--post-stratify 与 --totals 须同时给出 / give both", param_hint="--totals")
    if post_stratify is not None and totals is not None:
        from jundeng.io.survey_files import read_totals

        strata = (post_stratify, read_totals(totals))
    if data is None:
        from jundeng.services import survey_db

        answer = survey_db.estimate_db(
            open_db(ctx), item=item, by=groups, wave=wave, year=year, mean=mean, lonely=lonely, ci=ci, level=level,
            min_n=min_n, post_strata=strata,
        )  # fmt: skip
    else:
        if questionnaire is None:
            raise typer.BadParameter("有 --data 时必填 / required with --data", param_hint="--questionnaire")
        answer = survey.estimate_file(
            data, questionnaire, item=item, by=groups, mean=mean, weight=weight, stratum=stratum, psu=psu,
            stratum_size=stratum_size, lonely=lonely, ci=ci, level=level, regions=_regions(ctx, groups, under),
            min_n=min_n, post_strata=strata,
        )  # fmt: skip
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(answer.cells), nl=False)
    elif fmt == "json":
        payload = {"item": answer.item, "kind": answer.kind, "cells": records(answer.cells)}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        what = "平均分 mean score" if mean else "满意率 satisfied share"
        _table(answer.cells, f"{item} · {what} · {' × '.join(groups) or 'total'}")


@app.command("import")
def import_wave(
    ctx: typer.Context,
    data: Path = typer.Argument(..., help=DATA_HELP),
    questionnaire: Path = typer.Option(..., "--questionnaire", help="问卷 YAML / questionnaire YAML"),
    year: int | None = typer.Option(
        None, "--year", help="调查年份（默认：文件的 year 列）/ survey year (default: the file's year column)"
    ),
    wave: str | None = typer.Option(None, "--wave", help="批次名（默认：问卷代码-年份）/ wave name"),
    source: str | None = typer.Option(None, "--source", help="来源 / source"),
) -> None:
    """Store a survey wave (questionnaire and microdata), all or nothing; a re-import is a new revision."""
    from jundeng.services import survey_db

    done = survey_db.import_wave(
        open_db(ctx), data, questionnaire, year=year, user=settings(ctx).who, wave=wave, source=source
    )
    console.print(
        f"{done.wave} 第{done.revision}版：{done.respondents} 名受访者（问卷 {done.questionnaire} 第"
        f"{done.questionnaire_revision}版）/ {done.wave} r{done.revision}: {done.respondents} respondents"
    )


@app.command()
def publish(
    ctx: typer.Context,
    wave: str | None = typer.Option(None, "--wave", help=WAVE_HELP),
    year: int | None = typer.Option(None, "--year", help=YEAR_HELP),
    lonely: str = typer.Option("error", "--lonely", help="单 PSU 层 / lonely PSU: error | certainty | adjust"),
) -> None:
    """Write each item's satisfied share for the programme and each district as observations of the indicator
    it feeds, with the standard error, interval, n and design effect kept beside them."""
    from jundeng.services import survey_db

    _choice(lonely, LONELY, "--lonely")
    done = survey_db.publish(open_db(ctx), user=settings(ctx).who, wave=wave, year=year, lonely=lonely)
    fed = ", ".join(f"{item}→{code}" for item, code in done.items.items()) or "—"
    console.print(f"{done.wave}: {fed}; 写入 {done.written} 个值 / {done.written} values written · {done.source}")


@app.command()
def targets(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", help="目标年份 / target year"),
    fmt: str = FORMAT_CSV,
) -> None:
    """Judge the year's targets on survey-fed indicators with the estimate's interval: met, not met or
    undetermined (the interval straddles the target)."""
    from jundeng.services import survey_db

    _choice(fmt, FORMATS, "--format")
    frame = survey_db.judged(open_db(ctx), year=year)
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(frame), nl=False)
    elif fmt == "json":
        typer.echo(json.dumps({"targets": records(frame)}, ensure_ascii=False, indent=2))
    elif frame.empty:
        console.print(
            f"{year} 年没有以抽样调查估计的目标（先运行 jundeng survey publish）/ no target of {year} on a "
            "survey estimate (run `jundeng survey publish` first)"
        )
    else:
        table = Table(title=f"满意度目标（按置信区间判定）Satisfaction targets judged with the interval · {year}")
        for column in frame.columns:
            table.add_column(str(column), justify="left" if column in ("indicator", "region", "judgement") else "right")
        for row in frame.to_dict(orient="records"):
            table.add_row(*(str(json_ready(v)) for v in row.values()))
        console.print(table)
