"""Spark engine benchmark: gap_report on pandas against spark_gap_report on Spark local[2], side by side.

Usage: python benchmarks/bench_spark.py [--rows 1e6,1e7] [--full] [--dir build/bench_spark] [--no-local]
Generates person-level data (3,000 counties nested in 340 cities in 31 provinces; lognormal incomes with
county effects; integer survey weights) as Parquet, then times the full gap report with the nested Theil
decomposition province > city > county, the exact Gini, quantiles and Dagum by province: locally
(read_parquet + gap_report, where memory allows) and on Spark local[2] (spark_gap_report). Prints
seconds, rows/s and ns per row, and the growth exponent b of time ∝ rows^b between sizes. ``--full``
adds 10^8 rows (Spark only; the file is written in slices of 10^7).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PROVINCES, CITIES, COUNTIES = 31, 340, 3000
NEST = ["province", "city", "county"]
LOCAL_LIMIT = 20_000_000  # rows gap_report on pandas handles within a laptop's memory


def geography(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (city of each county, province of each city, county effect on log income); none empty."""
    rng = np.random.default_rng(seed)
    city_of_county = np.concatenate([np.arange(CITIES), rng.integers(0, CITIES, COUNTIES - CITIES)])
    province_of_city = np.concatenate([np.arange(PROVINCES), rng.integers(0, PROVINCES, CITIES - PROVINCES)])
    effect = rng.normal(0, 0.25, PROVINCES)[province_of_city][city_of_county] + rng.normal(0, 0.15, COUNTIES)
    return city_of_county, province_of_city, effect


def write(path: Path, rows: int, seed: int = 1, slice_rows: int = 10_000_000) -> None:
    """Write ``rows`` persons to ``path`` (Parquet), ``slice_rows`` at a time."""
    city_of_county, province_of_city, effect = geography()
    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, rows, slice_rows):
        n = min(slice_rows, rows - start)
        county = rng.integers(0, COUNTIES, n)
        city = city_of_county[county]
        table = pa.table(
            {
                "province": province_of_city[city].astype(np.int32),
                "city": city.astype(np.int32),
                "county": county.astype(np.int32),
                "income": np.round(rng.lognormal(9.8 + effect[county], 0.6), 0),
                "weight": rng.integers(1, 6, n).astype(np.float64),
            }
        )
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    if writer is not None:
        writer.close()


def run_local(path: Path) -> tuple[float, float]:
    """Return (seconds, Gini) of read_parquet + gap_report with the nested decomposition."""
    from jundeng.measure.report import gap_report

    start = time.perf_counter()
    report = gap_report(pd.read_parquet(path), "income", "weight", NEST)
    seconds = time.perf_counter() - start
    return seconds, _gini(report.summary)


def run_spark(spark: object, path: Path) -> tuple[float, float]:
    """Return (seconds, Gini) of spark_gap_report with the nested decomposition and the exact Gini."""
    from jundeng.measure.spark.report import spark_gap_report

    start = time.perf_counter()
    report = spark_gap_report([str(path)], "income", "weight", nested=NEST, spark=spark)
    seconds = time.perf_counter() - start
    return seconds, _gini(report.summary)


def _gini(summary: pd.DataFrame) -> float:
    return float(summary["value"][summary["measure"] == "gini"].to_numpy()[0])


def _local(_spark: object, path: Path) -> tuple[float, float]:
    return run_local(path)


def main() -> None:
    """Generate, time and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1e6,1e7", help="comma-separated sizes, e.g. 1e6,1e7")
    parser.add_argument("--full", action="store_true", help="also 1e8 rows (Spark only)")
    parser.add_argument("--dir", default="build/bench_spark", help="where the Parquet files go")
    parser.add_argument("--no-local", action="store_true", help="skip the pandas engine")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.rows.split(",") if s]
    if args.full and 100_000_000 not in sizes:
        sizes.append(100_000_000)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)

    from jundeng.measure.spark.report import session

    spark = session("local[2]", shuffle_partitions=4)
    run_spark(spark, _file(folder, 10_000))  # warm the JVM and the Python workers
    print(f"{'rows':>12} {'engine':>7} {'seconds':>9} {'rows/s':>12} {'ns/row':>8} {'gini':>10}")
    timings: dict[str, list[tuple[int, float]]] = {"local": [], "spark": []}
    for rows in sizes:
        path = _file(folder, rows)
        engines: list[tuple[str, Callable[[object, Path], tuple[float, float]]]] = [("spark", run_spark)]
        if not args.no_local and rows <= LOCAL_LIMIT:
            engines.insert(0, ("local", _local))
        for name, func in engines:
            seconds, gini = func(spark, path)
            timings[name].append((rows, seconds))
            rate, cost = rows / seconds, 1e9 * seconds / rows
            print(f"{rows:>12,} {name:>7} {seconds:>9.2f} {rate:>12,.0f} {cost:>8.0f} {gini:>10.6f}")
    for name, points in timings.items():
        for (n1, t1), (n2, t2) in zip(points, points[1:], strict=False):
            exponent = math.log(t2 / t1) / math.log(n2 / n1)
            print(f"{name}: {n1:,} → {n2:,} rows, time × {t2 / t1:.2f} (∝ rows^{exponent:.2f})")


def _file(folder: Path, rows: int) -> Path:
    path = folder / f"persons_{rows}.parquet"
    if not path.exists():
        start = time.perf_counter()
        write(path, rows)
        print(f"wrote {path} ({rows:,} rows) in {time.perf_counter() - start:.1f} s")
    return path


if __name__ == "__main__":
    main()
