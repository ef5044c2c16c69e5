"""``spark_gap_report``: gap_report's table computed on Apache Spark, for tables of 10^8 rows.

Two distributed steps: one aggregation of per-cell sums (:mod:`~jundeng.measure.spark.sums`) and one
sort by value for the Gini, the quantiles, the CV and Dagum's decomposition
(:mod:`~jundeng.measure.spark.gini`); the driver combines their totals in numpy
(:mod:`~jundeng.measure.spark.combine`). The result is the same :class:`GapReport` as gap_report on
the same rows, field for field (up to floating-point summation order).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from jundeng.measure import indices as ix
from jundeng.measure._inputs import MeasureError
from jundeng.measure.report import SCALARS, GapReport, attempt
from jundeng.measure.spark import combine as cb
from jundeng.measure.spark.gini import QUANTILES, quantile_pass, sorted_pass
from jundeng.measure.spark.sums import cell_sums, positions, prepared, read_table

ROWS_PER_PARTITION = 1_000_000
JDBC_JARS = ("/usr/share/java/postgresql.jar",)  # Debian's libpostgresql-jdbc-java (make java): nothing downloaded


def session(master: str = "local[*]", shuffle_partitions: int = 8) -> Any:
    """Return the active SparkSession or start one on ``master`` (Arrow on, no UI)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName("jundeng-measure")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("JUNDENG_SPARK_DRIVER_MEMORY", "4g"))
        .config("spark.jars", ",".join(j for j in JDBC_JARS if os.path.exists(j)))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _sorted_results(
    data: Any, t: dict[str, float], pos: cb.Positions, dagum_labels: dict[str, list[Any]]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Run the sorted pass and the quantile pass; return the scalar results and Dagum's parts per column."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias

    try:
        cb.check_prepare(t, pos, weighted=True)
    except MeasureError:
        return {}, {}  # every measure of the pass is undefined: the notes come from combine
    partitions = max(4, math.ceil(t["n_pos"] / ROWS_PER_PARTITION))
    rows = data.where(F.col("valid") & (F.col("w") > 0)).select("x", "w", *dagum_labels)
    ranged = rows.repartitionByRange(partitions, "x").persist(StorageLevel.MEMORY_AND_DISK)
    try:
        parts, per_column = sorted_pass(ranged, t["WX"] / t["W"], dagum_labels)
        candidates = quantile_pass(ranged, parts, t["W"])
    finally:
        ranged.unpersist()
    gini_parts = parts[["pid", "W", "I", "S", "Q"]]
    results = {"gini": cb.gini_from_partitions(gini_parts), "sxx": float(parts["V"].sum())}
    top = float(parts["xmax"].max())
    for q in QUANTILES:
        results[f"q{q}"] = cb.quantile_from_candidates(candidates, q, top)
    dagums = {column: cb.dagum_parts(*cb.dagum_from_partitions(*lists)) for column, lists in per_column.items()}
    return results, dagums


def _dagum_labels(
    cells: pd.DataFrame, columns: Sequence[str], t: dict[str, float], pos: cb.Positions, limit: int
) -> dict[str, list[Any]]:
    """Return, per column with at most ``limit`` groups where Dagum is defined, its groups with positive weight."""
    try:
        cb.check_prepare(t, pos, weighted=True, what="Dagum ")
    except MeasureError:
        return {}
    valid = cells[cells["valid"].astype(bool)]
    out = {}
    for column in columns:
        if valid[column].nunique() <= limit:
            out[column] = cb.as_labels(valid.loc[valid["n_pos"] > 0, column].unique())
    return out


def spark_gap_report(
    paths: Sequence[str],
    value: str,
    weight: str | None = None,
    by: Sequence[str] = (),
    *,
    nested: Sequence[str] = (),
    direction: str = "higher",
    target: float | None = None,
    floor: float | None = None,
    master: str = "local[*]",
    spark: Any = None,
    max_dagum_groups: int = 50,
    frame: Any = None,
) -> GapReport:
    """Return gap_report's GapReport for the rows of ``paths`` (Parquet or CSV, one table), or of the Spark
    DataFrame ``frame`` when given (e.g. read through JDBC), on Spark.

    Groups, decompositions and Dagum are given for every column of ``by`` followed by those of
    ``nested`` not in ``by``; the nested Theil decomposition runs over ``nested`` (coarse to fine), or over
    ``by`` when ``nested`` is empty and ``by`` has several columns — so with ``nested`` empty or equal to
    the combined columns this equals ``gap_report(df, value, weight, by + nested)``. Bootstrap
    intervals are local-only. Dagum's decomposition is left out, with a note, beyond
    ``max_dagum_groups`` groups.
    """
    if isinstance(paths, str):
        paths = [paths]
    spark = spark or session(master)
    by_all = [*by, *[c for c in nested if c not in by]]
    nest = list(nested) if nested else (list(by) if len(by) > 1 else [])
    df = frame if frame is not None else read_table(spark, paths)
    missing = [c for c in [value, weight, *by_all] if c and c not in df.columns]
    if missing:
        raise MeasureError(f"缺少列 {missing}", f"missing columns {missing}")
    data = prepared(df, value, weight, by_all)
    cells = cell_sums(data, by_all, floor=floor, target=target, direction=direction)
    units = int(cells.loc[cells["valid"].astype(bool), "n"].sum())
    dropped = int(cells["n"].sum()) - units
    if units == 0:
        raise MeasureError("没有可用的数据", "no usable rows")
    t = cb.totals(cells)
    pos = positions(data, t)
    groups = {column: cb.group_table(cells, column, direction) for column in by_all}
    labels = {c: v for c, v in _dagum_labels(cells, by_all, t, pos, max_dagum_groups).items()}
    sorted_results, dagums = _sorted_results(data, t, pos, labels)

    notes: list[str] = []
    rows = []
    for code, (zh, en, _func, _stat) in SCALARS.items():
        result = attempt(notes, en, cb.scalar, code, t, sorted_results, pos)
        if result is not None:
            rows.append(
                {"measure": code, "label": f"{zh} / {en}", "value": float(result), "ci_low": np.nan, "ci_high": np.nan}
            )
    summary = pd.DataFrame(rows)
    if target is not None:
        ix.gap_to_target(np.zeros(1), target, direction)  # raises on a bad direction, as gap_report does
        with np.errstate(all="ignore"):
            shortfall = float(np.float64(t["short"]) / np.float64(t["w_all"]))
        extra = {"measure": "mean_shortfall_to_target", "label": "距目标平均差距 / mean shortfall to target"}
        summary = pd.concat([summary, pd.DataFrame([{**extra, "value": shortfall}])], ignore_index=True)
    floor_result = attempt(notes, "floor", cb.floor_result, t, pos, floor, direction, True) if floor else None
    if floor_result is not None:
        fgts = [
            {
                "measure": f"fgt{a}",
                "label": f"底线 FGT({a}) / floor FGT({a})",
                "value": getattr(floor_result, f"fgt{a}"),
            }
            for a in (0, 1, 2)
        ]
        summary = pd.concat([summary, pd.DataFrame(fgts)], ignore_index=True)
    decomps, dagum_rows = [], []
    for column in by_all:
        for index in ("theil", "mld"):
            d = attempt(notes, f"{index} by {column}", cb.decomposition, cells, t, pos, [column], index)
            if d is not None:
                total, between, within, _ = d
                share = between / total if total > 0 else 0.0
                decomps.append(
                    {
                        "by": column,
                        "index": index,
                        "total": total,
                        "between": between,
                        "within": within,
                        "between_share": share,
                    }
                )
        k = len(groups[column])
        if k > max_dagum_groups:
            notes.append(f"Dagum by {column}: {k} groups > {max_dagum_groups}, skipped (k(k−1)/2 group pairs)")
            continue
        g = attempt(notes, f"Dagum by {column}", _dagum_or_raise, dagums, column, t, pos)
        if g is not None:
            dagum_rows.append({"by": column, **g})
    nested_frame = None
    if len(nest) > 1:
        result = attempt(notes, "nested theil", cb.decomposition, cells, t, pos, nest, "theil")
        if result is not None and result[3] is not None:
            names = [f"between {c}" for c in nest] + [f"within {nest[-1]}"]
            nested_frame = result[3].assign(component=names, by=" > ".join(nest))
    return GapReport(
        units=units,
        dropped=dropped,
        summary=summary,
        groups=pd.concat(list(groups.values()), ignore_index=True) if groups else pd.DataFrame(),
        decompositions=pd.DataFrame(decomps),
        dagum=pd.DataFrame(dagum_rows),
        floor=floor_result,
        nested=nested_frame,
        notes=notes,
    )


def _dagum_or_raise(
    dagums: dict[str, dict[str, float]], column: str, t: dict[str, float], pos: cb.Positions
) -> dict[str, float]:
    """Return Dagum's parts for ``column``, raising the local MeasureError where it is undefined."""
    cb.check_prepare(t, pos, weighted=True, what="Dagum ")
    return {key: dagums[column][key] for key in ("total", "within", "net_between", "transvariation")}
