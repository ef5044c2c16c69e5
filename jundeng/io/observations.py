"""Validate long-format observation tables against the catalogue, vectorized with polars.

Columns: ``indicator, region, period, value`` (指标代码, 区划代码, 期间, 数值) are required;
``numerator, denominator, note`` (分子, 分母, 备注) are optional, one column per declared
disaggregation dimension may follow (code or Chinese name), and the informational columns that
templates carry (指标名称, 单位, 区划名称 …) are ignored. Any other column is an error.

A file in traditional script reads like its simplified twin: headers (指標代碼) and every text cell (備註,
dimension labels, 6萬套) are read in simplified script. A value may carry a magnitude and the indicator's
unit (6万套 → 60000 套); a unit that is not the indicator's is a located error (see
:func:`~jundeng.io.numbers.read_quantity`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from jundeng.domain.catalog import Dimension, Indicator
from jundeng.domain.periods import parse_period
from jundeng.errors import HasProblems, Problem
from jundeng.io import sanitize
from jundeng.io.encodings import header_text
from jundeng.io.numbers import count_rule, fault_message, number_expr, read_quantity
from jundeng.io.row_checks import RowChecks, check_dimensions, check_jumps
from jundeng.io.tables import Table

REQUIRED = ("indicator", "region", "period", "value")
OPTIONAL = ("numerator", "denominator", "note")
ALIASES = {
    "指标代码": "indicator",
    "区划代码": "region",
    "期间": "period",
    "数值": "value",
    "分子": "numerator",
    "分母": "denominator",
    "备注": "note",
}
INFORMATIONAL = {
    "指标名称",
    "indicator_name",
    "单位",
    "unit",
    "区划名称",
    "region_name",
    "定义",
    "definition",
}


@dataclass
class ValidationContext:
    """What the checks need to know: catalogue, regions, plan years and last period's values."""

    indicators: dict[str, Indicator]
    regions: set[str]
    dimensions: dict[str, Dimension]
    plan_years: dict[str, tuple[int, int]] = field(default_factory=dict)
    previous: pl.DataFrame | None = None  # indicator, region, period, disaggregation, value
    jump_ratio: float = 0.5


@dataclass
class ValidatedTable(HasProblems):
    """Clean rows ready to store (one column per field) and every problem found."""

    frame: pl.DataFrame
    problems: list[Problem]
    skipped_empty: int = 0


def _map_header(table: Table, ctx: ValidationContext) -> tuple[dict[str, int], dict[str, int], list[Problem]]:
    """Return field → column index, dimension → column index and header problems."""
    dim_names = {d.name: d.code for d in ctx.dimensions.values()} | {c: c for c in ctx.dimensions}
    fields: dict[str, int] = {}
    dims: dict[str, int] = {}
    problems: list[Problem] = []
    for idx, raw in enumerate(table.header):
        name = header_text(raw)
        key = ALIASES.get(name, name.lower())
        if key in REQUIRED or key in OPTIONAL:
            target = fields
        elif name in dim_names:
            key, target = dim_names[name], dims
        elif name in INFORMATIONAL or key in INFORMATIONAL:
            continue
        else:
            problems.append(
                Problem(
                    table.name,
                    1,
                    idx + 1,
                    f"未知的列 {name!r}",
                    f"unknown column {name!r}: use indicator, region, period, value, numerator, denominator, "
                    "note or a declared disaggregation dimension",
                )
            )
            continue
        if key in target:
            problems.append(Problem(table.name, 1, idx + 1, f"列 {name!r} 重复", f"duplicate column {name!r}"))
        target[key] = idx
    for req in REQUIRED:
        if req not in fields:
            zh = next(k for k, v in ALIASES.items() if v == req)
            problems.append(Problem(table.name, 1, 1, f"缺少必需的列 {zh}", f"missing required column {req!r} ({zh})"))
    return fields, dims, problems


def _decimals(col: pl.Expr) -> pl.Expr:
    return col.str.extract(r"\.(\d+)$", 1).str.len_chars().fill_null(0)


def _indicator_frame(ctx: ValidationContext) -> pl.DataFrame:
    rows = []
    for ind in ctx.indicators.values():
        lo, hi = ind.valid_range
        years = ctx.plan_years.get(ind.code, (None, None))
        rows.append(
            {
                "indicator": ind.code,
                "_lo": lo,
                "_hi": hi,
                "_scale": ind.value_scale,
                "_ratio": ind.is_ratio,
                "_share": ind.is_share,
                "_unit": ind.unit,
                "_y0": years[0],
                "_y1": years[1],
                "_dims": ",".join(ind.disaggregations),
                "_count": count_rule(ind)[0],
                "_whole": count_rule(ind)[1],
            }
        )
    schema = {
        "indicator": pl.String,
        "_lo": pl.Float64,
        "_hi": pl.Float64,
        "_scale": pl.Float64,
        "_ratio": pl.Boolean,
        "_share": pl.Boolean,
        "_unit": pl.String,
        "_y0": pl.Int64,
        "_y1": pl.Int64,
        "_dims": pl.String,
        "_count": pl.Boolean,
        "_whole": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


def validate_table(table: Table, ctx: ValidationContext) -> ValidatedTable:
    """Return the clean rows of ``table`` and every located problem (errors and jump warnings)."""
    fields, dims, problems = _map_header(table, ctx)
    empty = pl.DataFrame()
    if problems or not table.rows:
        if not problems:
            problems.append(Problem(table.name, 2, 1, "没有数据行", "no data rows (header only)"))
        return ValidatedTable(empty, problems)
    columns = list(zip(*table.rows, strict=True))
    data: dict[str, list[str] | list[int]] = {"_row": table.row_numbers}
    for key, idx in fields.items():
        data[key] = list(columns[idx])
    for key, idx in dims.items():
        data[f"dim:{key}"] = list(columns[idx])
    df = pl.DataFrame(data, schema_overrides={"_row": pl.Int64})
    for opt in OPTIONAL:
        if opt not in df.columns:
            df = df.with_columns(pl.lit("").alias(opt))
    df = df.with_columns(pl.col(c).str.strip_chars() for c in df.columns if c != "_row")
    df = _simplified(df, [c for c in df.columns if c != "_row"])
    blank = (pl.col("value") == "") & (pl.col("numerator") == "") & (pl.col("denominator") == "")
    skipped = df.filter(blank).height
    df = df.filter(~blank)
    col_of = {key: idx + 1 for key, idx in fields.items()} | {f"dim:{k}": i + 1 for k, i in dims.items()}
    if df.is_empty():
        zh, en = "所有数据行的数值都为空：没有可导入的值", "every data row has an empty value: nothing to import"
        return ValidatedTable(
            empty, [Problem(table.name, table.row_numbers[0], col_of["value"], zh, en, "warning")], skipped
        )
    checks = RowChecks(table.name, col_of)
    df = _quantities(df, ctx)
    checks.add(df, pl.col("_unit_zh").is_not_null(), "value", lambda r: (r["_unit_zh"], r["_unit_en"]))

    periods = {p: _try_period(p) for p in df["period"].unique().to_list()}
    numbers = {
        key: number_expr(pl.col(src))
        for key, src in (("_value", "value"), ("_num", "numerator"), ("_den", "denominator"))
    }
    df = df.with_columns(
        pl.col("period")
        .replace_strict({p: v[0] for p, v in periods.items()}, default=None, return_dtype=pl.String)
        .alias("_period"),
        pl.col("period")
        .replace_strict({p: v[1] for p, v in periods.items()}, default=None, return_dtype=pl.Int64)
        .alias("_year"),
        *(value.alias(key) for key, (value, _fault) in numbers.items()),
        *(fault.alias(f"{key}_fault") for key, (_value, fault) in numbers.items()),
        _decimals(pl.col("value")).alias("_dec"),
    ).join(_indicator_frame(ctx), on="indicator", how="left")

    checks.add(df, pl.col("indicator") == "", "indicator", "缺少指标代码", "missing indicator code")
    checks.add(
        df,
        (pl.col("indicator") != "") & pl.col("_scale").is_null(),
        "indicator",
        lambda r: (f"未知的指标代码 {r['indicator']!r}", f"unknown indicator code {r['indicator']!r}"),
    )
    known_regions = pl.Series(list(ctx.regions), dtype=pl.String)
    checks.add(df, pl.col("region") == "", "region", "缺少区划代码", "missing region code")
    checks.add(
        df,
        (pl.col("region") != "") & ~pl.col("region").is_in(known_regions.implode()),
        "region",
        lambda r: (f"未知的区划代码 {r['region']!r}", f"unknown region code {r['region']!r}"),
    )
    checks.add(
        df,
        pl.col("_period").is_null(),
        "period",
        lambda r: (
            f"期间格式错误 {r['period']!r}（应为 2017、2017H1、2017Q1 或 2017-03）",
            f"bad period {r['period']!r} (write 2017, 2017H1, 2017Q1 or 2017-03)",
        ),
    )
    checks.add(
        df,
        pl.col("_year").is_not_null()
        & pl.col("_y0").is_not_null()
        & ((pl.col("_year") < pl.col("_y0")) | (pl.col("_year") > pl.col("_y1"))),
        "period",
        lambda r: (
            f"期间 {r['period']} 不在规划期 {r['_y0']}–{r['_y1']} 内",
            f"period {r['period']} is outside the plan period {r['_y0']}-{r['_y1']}",
        ),
    )
    for src, parsed in (("value", "_value"), ("numerator", "_num"), ("denominator", "_den")):
        checks.add(
            df,
            pl.col(f"{parsed}_fault") != "",
            src,
            lambda r, s=src, p=parsed: fault_message(r[f"{p}_fault"], r[s]),
        )
    has_parts = pl.col("_num").is_not_null() & pl.col("_den").is_not_null()
    one_part = (pl.col("numerator") != "") ^ (pl.col("denominator") != "")
    checks.add(df, one_part, "denominator", "分子与分母须同时填写", "numerator and denominator go together")
    checks.add(
        df,
        (pl.col("numerator") != "") & (pl.col("_ratio") == False),  # noqa: E712
        "numerator",
        "该指标没有分子/分母定义",
        "this indicator has no numerator/denominator definition",
    )
    checks.add(df, has_parts & (pl.col("_den") <= 0), "denominator", "分母须大于 0", "denominator must be > 0")
    checks.add(
        df,
        has_parts & pl.col("_share") & (pl.col("_num") > pl.col("_den")),
        "numerator",
        lambda r: (
            f"分子 {r['_num']:g} 大于分母 {r['_den']:g}",
            f"numerator {r['_num']:g} exceeds denominator {r['_den']:g}",
        ),
    )
    computed = pl.col("_scale") * pl.col("_num") / pl.col("_den")
    tolerance = 0.5 * pl.lit(10.0).pow(-pl.col("_dec").cast(pl.Float64)) + 1e-9 * pl.col("_value").abs()
    checks.add(
        df,
        has_parts
        & (pl.col("_den") > 0)
        & pl.col("_value").is_not_null()
        & ((pl.col("_value") - computed).abs() > tolerance),
        "value",
        lambda r: (
            f"数值 {r['_value']:g} 与 分子/分母 = {r['_computed']:.6g} 不符",
            f"value {r['_value']:g} does not equal numerator/denominator = {r['_computed']:.6g}",
        ),
        extra={"_computed": computed},
    )
    df = df.with_columns(
        pl.when(pl.col("_value").is_null() & has_parts & (pl.col("_den") > 0))
        .then(computed)
        .otherwise(pl.col("_value"))
        .alias("_value")
    )
    checks.add(
        df,
        pl.col("_value").is_not_null()
        & (
            (pl.col("_lo").is_not_null() & (pl.col("_value") < pl.col("_lo")))
            | (pl.col("_hi").is_not_null() & (pl.col("_value") > pl.col("_hi")))
        ),
        "value",
        lambda r: (
            f"数值 {r['_value']:g} 超出有效范围 [{_fmt(r['_lo'])}, {_fmt(r['_hi'])}] {r['_unit']}",
            f"value {r['_value']:g} is outside the valid range [{_fmt(r['_lo'])}, {_fmt(r['_hi'])}] {r['_unit']}",
        ),
    )
    value = pl.col("_value").is_not_null()
    checks.add(
        df,
        value & pl.col("_count") & (pl.col("_value") < 0),
        "value",
        lambda r: (
            f"计数不能为负: {r['_value']:g} {r['_unit']}",
            f"a count cannot be negative: {r['_value']:g} {r['_unit']}",
        ),
    )
    checks.add(
        df,
        value & pl.col("_whole") & (pl.col("_value") != pl.col("_value").round(0)),
        "value",
        lambda r: (
            f"计数须为整数: {r['_value']:g} {r['_unit']}",
            f"a count must be a whole number: {r['_value']:g} {r['_unit']}",
        ),
    )
    df = check_dimensions(df, dims, ctx.dimensions, checks)
    df = df.with_columns(
        pl.concat_str(
            [
                pl.when(pl.col(f"_d:{d}") != "").then(pl.lit(f"{d}=") + pl.col(f"_d:{d}")).otherwise(None)
                for d in sorted(dims)
            ]
            or [pl.lit(None, pl.String)],
            separator=";",
            ignore_nulls=True,
        )
        .fill_null("")
        .alias("disaggregation")
    )
    first_row = pl.col("_row").min().over(["indicator", "region", "_period", "disaggregation"])
    checks.add(
        df,
        pl.col("_period").is_not_null() & (pl.col("_row") != first_row),
        "indicator",
        lambda r: (f"重复：与第 {r['_first']} 行的键相同", f"duplicate key: same as row {r['_first']}"),
        extra={"_first": first_row},
    )
    if ctx.previous is not None:
        check_jumps(df, ctx.previous, ctx.jump_ratio, checks)
    clean = df.select(
        "indicator",
        "region",
        pl.col("_period").alias("period"),
        pl.col("_year").cast(pl.Int64).alias("year"),
        "disaggregation",
        pl.col("_value").alias("value"),
        pl.col("_num").alias("numerator"),
        pl.col("_den").alias("denominator"),
        pl.when(pl.col("note") == "").then(None).otherwise(pl.col("note")).alias("note"),
        "_row",
    ).with_columns(sanitize.polars_unescape("note"))  # a note we exported quoted ('=…) reads as it was typed
    return ValidatedTable(clean, checks.log.result(), skipped)


def _simplified(df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Return ``df`` with the text cells of ``columns`` in simplified script (only non-ASCII cells are converted)."""
    from jundeng.extract.normalize import to_simplified

    for column in columns:
        odd = df[column].filter(df[column].str.contains(r"[^\x00-\x7f]")).unique().to_list()
        if odd:
            df = df.with_columns(pl.col(column).replace({text: to_simplified(text) for text in odd}))
    return df


def _quantities(df: pl.DataFrame, ctx: ValidationContext) -> pl.DataFrame:
    """Return ``df`` with values written with a magnitude or unit (6万套) as plain numbers of the indicator's unit;
    a value whose unit is not the indicator's is blanked and explained in ``_unit_zh`` / ``_unit_en``."""
    from jundeng.extract.normalize import to_simplified

    found: dict[str, tuple[str | None, tuple[str, str] | None]] = {}
    odd = df.filter(pl.col("value").str.contains(r"[^0-9.,，eE+\-\s]")).select("indicator", "value").unique()
    for code, text in odd.iter_rows():
        indicator = ctx.indicators.get(code)
        read = read_quantity(text, to_simplified(indicator.unit)) if indicator is not None else None
        if read is not None:
            found[f"{code}\x1f{text}"] = read
    if not found:
        return df.with_columns(pl.lit(None, pl.String).alias("_unit_zh"), pl.lit(None, pl.String).alias("_unit_en"))
    key = pl.concat_str([pl.col("indicator"), pl.col("value")], separator="\x1f")
    values = {k: v or "" for k, (v, _fault) in found.items()}
    faults = [{k: f[n] for k, (_v, f) in found.items() if f} for n in (0, 1)]
    return df.with_columns(
        pl.when(key.is_in(list(values))).then(key.replace(values)).otherwise(pl.col("value")).alias("value"),
        key.replace_strict(faults[0], default=None, return_dtype=pl.String).alias("_unit_zh"),
        key.replace_strict(faults[1], default=None, return_dtype=pl.String).alias("_unit_en"),
    )


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _try_period(text: str) -> tuple[str | None, int | None]:
    try:
        period = parse_period(text)
    except ValueError:
        return None, None
    return period.text, period.year
