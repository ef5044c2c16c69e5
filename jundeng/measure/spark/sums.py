"""Per-cell sufficient statistics of the gap report by ONE Spark aggregation, and reading the inputs.

A cell is one combination of the ``by`` columns (the finest grouping) and a ``valid`` flag (False for
the rows gap_report drops: a missing value, weight or group). Every group of every ``by`` column and
every level of a nested decomposition is a union of cells, and every statistic is a sum, a count, a
minimum or a maximum, so the driver combines the cells (:mod:`jundeng.measure.spark.combine`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

import pandas as pd

from jundeng.measure.spark.combine import COUNTS, SUMS, Positions


def read_table(spark: Any, paths: Sequence[str]) -> Any:
    """Return the rows of every file in ``paths`` (Parquet or CSV by extension) as one DataFrame, in order."""
    frames = []
    for path in paths:
        suffix = PurePath(str(path).split("?")[0]).suffix.lower()
        if suffix in (".csv", ".txt"):
            frames.append(spark.read.csv(str(path), header=True, inferSchema=True, encoding="UTF-8"))
        else:
            frames.append(spark.read.parquet(str(path)))
    table = frames[0]
    for frame in frames[1:]:
        table = table.unionByName(frame)  # union keeps the partitions of each file in the given order
    return table


def is_missing(df: Any, column: str) -> Any:
    """Return the Spark condition 'missing' as pandas' notna sees it: null, or NaN in a float column."""
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias
    from pyspark.sql.types import DoubleType, FloatType

    missing = F.col(column).isNull()
    if isinstance(df.schema[column].dataType, DoubleType | FloatType):
        missing = missing | F.isnan(F.col(column))
    return missing


def prepared(df: Any, value: str, weight: str | None, by: Sequence[str]) -> Any:
    """Return ``df`` with double columns ``x``, ``w`` (1 without weights) and ``valid`` added."""
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias

    keys = [value, *([weight] if weight else []), *by]
    valid = F.lit(True)
    for column in keys:
        valid = valid & ~is_missing(df, column)
    return df.select(
        *[F.col(c) for c in by],
        F.col(value).cast("double").alias("x"),
        (F.col(weight).cast("double") if weight else F.lit(1.0)).alias("w"),
        valid.alias("valid"),
    )


def cell_sums(
    data: Any,
    by: Sequence[str],
    *,
    floor: float | None = None,
    target: float | None = None,
    direction: str = "higher",
) -> pd.DataFrame:
    """Return the per-cell statistics of ``prepared`` rows (columns valid, *by, COUNTS, SUMS, x_min, x_max)."""
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias

    x, w = F.col("x"), F.col("w")
    pos = w > 0
    inf = float("inf")
    finite = ~F.isnan(x) & (x != inf) & (x != -inf)

    def count(condition: Any) -> Any:
        return F.sum(F.when(condition, 1).otherwise(0))

    def total(term: Any, condition: Any = None) -> Any:
        return F.sum(term if condition is None else F.when(condition, term).otherwise(0.0))

    sign = 1.0 if direction == "higher" else -1.0
    gap = F.lit(0.0)
    if floor:
        gap = F.greatest((F.lit(floor) - x) if direction == "higher" else (x - F.lit(floor)), F.lit(0.0)) / floor
    below = pos & (gap > 0)
    aggs = {
        "n": F.count(F.lit(1)),
        "x_neg": count(x < 0),
        "x_zero": count(x == 0),
        "x_bad": count(~finite),
        "w_bad": count(F.isnan(w) | (w == inf) | (w == -inf) | (w < 0)),
        "n_pos": count(pos),
        "pos_neg": count(pos & (x < 0)),
        "pos_zero": count(pos & (x == 0)),
        "fl_n": count(below),
        "w_all": total(w),
        "wx_all": total(w * x),
        "x_sum": total(x),
        "W": total(w, pos),
        "WX": total(w * x, pos),
        "WX2": total(w * x * x, pos),
        "WXLNX": total(w * x * F.log(x), pos & (x > 0)),
        "WLNX": total(w * F.log(x), pos & (x > 0)),
        "WSQRT": total(w * F.sqrt(x), pos & (x >= 0)),
        "short": total(w * F.greatest(F.lit(sign) * (F.lit(target or 0.0) - x), F.lit(0.0))),
        "fl_w": total(w, below),
        "fl_g1": total(w * gap, pos),
        "fl_g2": total(w * gap * gap, pos),
        "x_min": F.min(x),
        "x_max": F.max(x),
    }
    assert set(aggs) == {*COUNTS, *SUMS, "x_min", "x_max"}
    rows = data.groupBy("valid", *by).agg(*[expr.alias(name) for name, expr in aggs.items()]).collect()
    cells = pd.DataFrame([row.asDict() for row in rows], columns=["valid", *by, *aggs])
    cells[list(COUNTS)] = cells[list(COUNTS)].fillna(0).astype("int64")
    cells[list(SUMS)] = cells[list(SUMS)].fillna(0.0).astype("float64")
    return cells


def positions(data: Any, totals: dict[str, float]) -> Positions:
    """Return the first positions of the offending rows (only queried when some check fails)."""
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias

    if not (totals["w_bad"] or totals["x_bad"] or totals["x_neg"] or totals["pos_neg"]):
        return Positions()
    x, w = F.col("x"), F.col("w")
    inf = float("inf")
    indexed = data.where(F.col("valid")).withColumn("_row", F.monotonically_increasing_id())
    checks = {
        "bad_w": (F.isnan(w) | (w == inf) | (w == -inf) | (w < 0), F.lit(True)),
        "bad_x": (F.isnan(x) | (x == inf) | (x == -inf), F.lit(True)),
        "neg_all": (x < 0, F.lit(True)),
        "neg_pos": (x < 0, w > 0),
    }
    found: dict[str, tuple[int, ...]] = {}
    for name, (condition, scope) in checks.items():
        rows = [r["_row"] for r in indexed.where(condition & scope).orderBy("_row").limit(6).collect()]
        if not rows:
            found[name] = ()
            continue
        counts = indexed.agg(
            *[F.sum(F.when(scope & (F.col("_row") < r), 1).otherwise(0)).alias(f"c{i}") for i, r in enumerate(rows)]
        ).first()
        found[name] = tuple(int(counts[f"c{i}"] or 0) for i in range(len(rows)))
    return Positions(**found)
