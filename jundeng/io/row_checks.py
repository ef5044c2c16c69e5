"""Row checks of an observation table: a located problem per failing row (capped), dimension values and
jumps against the previous period."""

from __future__ import annotations

import polars as pl

from jundeng.domain.catalog import Dimension
from jundeng.domain.periods import parse_period, previous_period
from jundeng.errors import Problem
from jundeng.io.limits import ProblemLog


class RowChecks:
    """Collects located problems for the rows of a frame that fail a condition (at most the log's limit;
    the rest are counted)."""

    def __init__(self, name: str, col_of: dict[str, int]) -> None:
        self.name = name
        self.col_of = col_of
        self.log = ProblemLog()

    def add(
        self,
        df: pl.DataFrame,
        condition: pl.Expr,
        column: str,
        zh: str | object,
        en: str | None = None,
        *,
        extra: dict[str, pl.Expr] | None = None,
        severity: str = "error",
    ) -> None:
        """Record one problem per row where ``condition`` holds (messages may be a row → (zh, en) function)."""
        frame = df.with_columns(**(extra or {})) if extra else df
        bad = frame.filter(condition.fill_null(False))
        col = self.col_of.get(column, 1)
        room = self.log.room
        for row in bad.head(room).iter_rows(named=True):
            if callable(zh):
                msg_zh, msg_en = zh(row)
            else:
                msg_zh, msg_en = str(zh), str(en)
            self.log.add(Problem(self.name, row["_row"], col, msg_zh, msg_en, severity))
        self.log.count(bad.height - min(bad.height, room), Problem(self.name, 0, 0, "", "", severity))


def check_dimensions(
    df: pl.DataFrame, dims: dict[str, int], dimensions: dict[str, Dimension], checks: RowChecks
) -> pl.DataFrame:
    """Map dimension labels to codes and flag values the indicator does not declare or allow."""
    for dim in dims:
        spec = dimensions[dim]
        mapping = {code: code for code in spec.values} | {label: code for code, label in spec.values.items()}
        raw = pl.col(f"dim:{dim}")
        mapped = raw.replace_strict(mapping, default=None) if mapping else raw
        df = df.with_columns(pl.when(raw == "").then(pl.lit("")).otherwise(mapped).alias(f"_d:{dim}"))
        declared = pl.col("_dims").str.split(",").list.contains(pl.lit(dim))
        checks.add(
            df,
            (raw != "") & pl.col("_dims").is_not_null() & ~declared,
            f"dim:{dim}",
            lambda r, d=dim: (
                f"指标 {r['indicator']} 未声明分组维度 {d}",
                f"indicator {r['indicator']} does not declare the dimension {d}",
            ),
        )
        allowed = "、".join(f"{c}({label})" for c, label in spec.values.items())
        checks.add(
            df,
            (raw != "") & pl.col(f"_d:{dim}").is_null(),
            f"dim:{dim}",
            lambda r, d=dim, a=allowed: (
                f"{d} 的取值 {r[f'dim:{d}']!r} 无效，应为 {a}",
                f"invalid {d} value {r[f'dim:{d}']!r}; allowed: {a}",
            ),
        )
    return df


def check_jumps(df: pl.DataFrame, previous: pl.DataFrame, jump_ratio: float, checks: RowChecks) -> None:
    """Warn where a value moved by more than ``jump_ratio`` against the previous period."""
    if df.is_empty() or previous.is_empty():
        return
    prev_of = {p: previous_period(parse_period(p)).text for p in df["_period"].drop_nulls().unique().to_list()}
    prev_period = pl.col("_period").replace_strict(prev_of, default=None, return_dtype=pl.String)
    joined = df.with_columns(prev_period.alias("_prev_period")).join(
        previous.rename({"period": "_prev_period", "value": "_prev"}),
        on=["indicator", "region", "_prev_period", "disaggregation"],
        how="left",
    )
    ratio = (pl.col("_value") / pl.col("_prev") - 1).abs()
    checks.add(
        joined,
        pl.col("_prev").is_not_null() & (pl.col("_prev") != 0) & (ratio > jump_ratio),
        "value",
        lambda r: (
            f"较上期 {r['_prev_period']} 的 {r['_prev']:g} 变动超过 {jump_ratio:.0%}，请核实",
            f"changed by more than {jump_ratio:.0%} from {r['_prev']:g} in {r['_prev_period']}; please check",
        ),
        severity="warning",
    )
