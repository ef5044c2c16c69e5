"""Import 1,000,000 observation rows into SQLite and PostgreSQL and print rows/second.

Usage: python benchmarks/bench_import.py [--rows N] [--pg URL] [--skip-pg]
The data: Zhuhai's 385 regions × 5 years × as many generated indicators as needed, one CSV file.
Goal (issue 2): at most 30 s per database on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text

from jundeng.catalogs import zhuhai_regions
from jundeng.domain.catalog import Catalog, Domain, Indicator, Plan
from jundeng.services.observations import import_files
from jundeng.store import catalog_repo, regions_repo
from jundeng.store.db import Database

YEARS = range(2013, 2018)


def build_csv(path: Path, rows: int) -> int:
    """Write a CSV of about ``rows`` observations; return the number of indicators used."""
    regions = [r.code for r in zhuhai_regions()]
    per_indicator = len(regions) * len(YEARS)
    n_ind = -(-rows // per_indicator)
    rng = np.random.default_rng(1)
    with path.open("w", encoding="utf-8") as out:
        out.write("indicator,region,period,value\n")
        written = 0
        for i in range(n_ind):
            values = rng.uniform(10, 90, per_indicator).round(2)
            lines = []
            for j, (region, year) in enumerate((r, y) for r in regions for y in YEARS):
                if written >= rows:
                    break
                lines.append(f"B{i:04d},{region},{year},{values[j]}\n")
                written += 1
            out.writelines(lines)
    return n_ind


def prepare(db: Database, n_ind: int) -> None:
    db.upgrade()
    with db.session() as session:
        regions_repo.load_regions(session, regions=zhuhai_regions(), user="bench")
    catalog = Catalog(
        plan=Plan(code="bench", title="bench", start_year=2013, end_year=2017),
        domains=[Domain(code="d", name="d")],
        indicators=[Indicator(code=f"B{i:04d}", name=f"指标{i}", domain="d", unit="%") for i in range(n_ind)],
    )
    with db.session() as session:
        catalog_repo.load_catalog(session, catalog=catalog, user="bench")


def run(db: Database, csv_path: Path, rows: int, label: str) -> float:
    t0 = time.perf_counter()
    report = import_files(db, [csv_path], user="bench")
    seconds = time.perf_counter() - t0
    assert report.accepted and report.written == rows, report.problems[:5]
    print(f"{label:<11} {rows:>9,} rows  {seconds:6.1f} s  {rows / seconds:>9,.0f} rows/s  (goal ≤ 30 s)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "bench.csv"
        n_ind = build_csv(csv_path, args.rows)
        print(f"file: {csv_path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows, {n_ind} indicators")
        sqlite = Database(f"sqlite:///{tmp}/bench.sqlite")
        prepare(sqlite, n_ind)
        run(sqlite, csv_path, args.rows, "SQLite")
        sqlite.dispose()
        if args.skip_pg:
            return
        name = f"jundeng_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            pg = Database(args.pg.rsplit("/", 1)[0] + f"/{name}")
            prepare(pg, n_ind)
            run(pg, csv_path, args.rows, "PostgreSQL")
            pg.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
