"""The exact weighted Gini, weighted quantiles and Dagum's pair sums by one distributed sort (Spark).

The rows with positive weight are range-partitioned by x (``repartitionByRange``): partition p holds a
contiguous range of values, ascending with p. Each partition sorts its own rows (numpy) and returns
only totals — W_p = Σw, I_p = Σwx, S_p = Σ w_i c_i with c_i its own running Σwx, Q_p = Σw²x,
Σw(x − μ)² and, per Dagum grouping, B_p[j, h] = Σ_{i∈j} w_i (x_i ω_h(i) − ξ_h(i)) with ω, ξ the running
weight and income of group h before unit i. The driver offsets each partition by the totals of the
partitions below it (:mod:`jundeng.measure.spark.combine`); no row is collected.

Ties. gini_kernel's G = 1 − (2 Σ w_i C_i − Σ w_i² x_i)/(W·C_n) does not depend on the order of equal
values: within a block of ties at value v after cumulative income C₀, Σ w_i C_i = C₀ Σw + v Σ_{j≤i} w_i w_j
= C₀ Σw + v((Σw)² + Σw²)/2, symmetric in the block's units. So partitions may split or order ties in
any way (range partitioning keeps equal values together anyway). Dagum's terms for ties are
w_i w_r (x_i − x_r) = 0 whichever side they fall on. The quantile is the smallest x whose cumulative
share reaches q − 1e-12 (ix.weighted_quantile): the value, not the position, is returned, so the
order among ties does not matter either.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

QUANTILES = (0.9, 0.1, 0.8, 0.2)
SCHEMA = "pid long, W double, I double, S double, Q double, V double, xmin double, xmax double, dagum array<double>"


@contextmanager
def quiet() -> Iterator[None]:
    """Silence pyspark's pandas-3 warnings ("does not yet fully support pandas >= 3", the copy keyword)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _pid() -> int:
    from pyspark import TaskContext

    context = TaskContext.get()
    return int(context.partitionId()) if context is not None else 0


def _gather(batches: Iterator[pd.DataFrame]) -> pd.DataFrame | None:
    frames = list(batches)
    if not frames:
        return None
    frame = pd.concat(frames, ignore_index=True)
    order = np.argsort(frame["x"].to_numpy(dtype=np.float64), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def partition_totals(
    x: np.ndarray[Any, Any],
    w: np.ndarray[Any, Any],
    codes: Sequence[np.ndarray[Any, Any]],
    ks: Sequence[int],
    mu: float,
) -> dict[str, Any]:
    """Return one partition's totals over its rows sorted by ascending x (see the module docstring)."""
    income = w * x
    cum = np.cumsum(income)
    flat: list[float] = []
    for g, k in zip(codes, ks, strict=True):
        below = np.zeros((k, k))
        for h in range(k):
            in_h = g == h
            wh, ih = np.where(in_h, w, 0.0), np.where(in_h, income, 0.0)
            omega, xi = np.cumsum(wh) - wh, np.cumsum(ih) - ih  # group h strictly before unit i
            below[:, h] = np.bincount(g, weights=w * (x * omega - xi), minlength=k)
        flat += [*below.ravel(), *np.bincount(g, weights=w, minlength=k), *np.bincount(g, weights=income, minlength=k)]
    return {
        "W": float(w.sum()),
        "I": float(cum[-1]) if cum.size else 0.0,
        "S": float(np.dot(w, cum)),
        "Q": float(np.dot(w * w, x)),
        "V": float(np.dot(w, (x - mu) ** 2)),
        "xmin": float(x[0]) if x.size else np.nan,
        "xmax": float(x[-1]) if x.size else np.nan,
        "dagum": flat,
    }


def sorted_pass(
    data: Any, mu: float, dagum_labels: dict[str, list[Any]]
) -> tuple[pd.DataFrame, dict[str, tuple[list[Any], list[Any], list[Any]]]]:
    """Return per-partition totals of ``data`` (x, w > 0, label columns; range-partitioned by x).

    Second value: per Dagum column, the per-partition lists (B_p, W_pj, I_pj) in ascending partition order.
    """
    columns = list(dagum_labels)
    ks = [len(dagum_labels[c]) for c in columns]
    categories = {c: pd.Index(dagum_labels[c]) for c in columns}

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        frame = _gather(batches)
        if frame is None:
            return
        x, w = frame["x"].to_numpy(dtype=np.float64), frame["w"].to_numpy(dtype=np.float64)
        codes = [categories[c].get_indexer(frame[c]).astype(np.intp) for c in columns]
        totals = partition_totals(x, w, codes, ks, mu)
        yield pd.DataFrame([{"pid": _pid(), **totals}])

    with quiet():
        parts = data.mapInPandas(run, SCHEMA).toPandas().sort_values("pid").reset_index(drop=True)
    per_column: dict[str, tuple[list[Any], list[Any], list[Any]]] = {}
    start = 0
    for c, k in zip(columns, ks, strict=True):
        b_list, w_list, i_list = [], [], []
        for flat in parts["dagum"]:
            values = np.asarray(flat, dtype=np.float64)[start : start + k * k + 2 * k]
            b_list.append(values[: k * k].reshape(k, k))
            w_list.append(values[k * k : k * k + k])
            i_list.append(values[k * k + k :])
        per_column[c] = (b_list, w_list, i_list)
        start += k * k + 2 * k
    return parts.drop(columns=["dagum"]), per_column


def partition_quantiles(
    x: np.ndarray[Any, Any], w: np.ndarray[Any, Any], offset: float, total: float, quantiles: Sequence[float]
) -> list[tuple[float, float]]:
    """Return (q, x_i) per q reached here (x ascending): the first i with (offset + Σ_{j≤i} w_j)/W ≥ q − 1e-12."""
    cum = (offset + np.cumsum(w)) / total
    found = []
    for q in quantiles:
        index = int(np.searchsorted(cum, q - 1e-12, side="left"))
        if index < x.size:
            found.append((q, float(x[index])))
    return found


def quantile_pass(data: Any, parts: pd.DataFrame, total: float, quantiles: Sequence[float] = QUANTILES) -> pd.DataFrame:
    """Return (pid, q, x) candidates: in each partition, the first x whose global cumulative share ≥ q − 1e-12.

    A partition's cumulative weight starts at the total weight of the partitions below it.
    """
    offsets = dict(
        zip(parts["pid"].tolist(), np.concatenate([[0.0], np.cumsum(parts["W"])[:-1]]).tolist(), strict=True)
    )

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        frame = _gather(batches)
        if frame is None:
            return
        pid = _pid()
        x, w = frame["x"].to_numpy(dtype=np.float64), frame["w"].to_numpy(dtype=np.float64)
        rows = [
            {"pid": pid, "q": q, "x": v} for q, v in partition_quantiles(x, w, offsets.get(pid, 0.0), total, quantiles)
        ]
        yield pd.DataFrame(
            {
                "pid": np.array([r["pid"] for r in rows], dtype=np.int64),
                "q": np.array([r["q"] for r in rows], dtype=np.float64),
                "x": np.array([r["x"] for r in rows], dtype=np.float64),
            }
        )

    with quiet():
        candidates: pd.DataFrame = data.mapInPandas(run, "pid long, q double, x double").toPandas()
    return candidates
