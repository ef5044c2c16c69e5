"""Pages under load: the demo plus 1,000,000 observations, 4 and 20 concurrent clients on the overview,
indicator, region, appraisal, ledger and data/review pages, on SQLite or PostgreSQL; p50/p95 per page and
requests per second.

Usage: python benchmarks/bench_web.py [--dialect sqlite|postgresql] [--scale 1e6|demo] [--duration S]
       [--clients 4 20] [--workers N] [--url URL]
Builds the site as benchmarks/bench_load.py does (``jundeng demo --load-only`` plus 1e6 generated values) and
serves it with ``jundeng serve``; each client is signed in as the office (the role that sees every page) and
requests the pages in random order without pausing. The first request of each page is made once before the
clock starts (a page's figures are computed once per data version; the benchmark measures the warm site).
Goal (issue 13): p95 ≤ 300 ms with 4 clients on a 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from bench_load import PG_ADMIN, ROOT, Results, clone, demo_database, reader, server_errors

GOAL_P95_MS = 300.0
PAGES = {
    "overview /": "/",
    "indicator /indicators/{code}": "/indicators/SOC_DIBAO_STANDARD",
    "region /regions/{code}": "/regions/440402",
    "appraisal /appraisal": "/appraisal",
    "ledger /ledger": "/ledger",
    "data /data": "/data",
    "review /review": "/review",
}


def measure(url: str, clients: int, duration: float) -> Results:
    """Run ``clients`` signed-in office clients on the pages for ``duration`` seconds."""
    from tests.reliability.conftest import sign_in

    office = sign_in(url, "office")
    for path in PAGES.values():  # warm: each page's figures once per data version
        office.get(path, timeout=600)
    results = Results()
    until = time.monotonic() + duration
    threads = [
        threading.Thread(target=reader, args=(clone(office), PAGES, results, until, 0.0)) for _ in range(clients)
    ]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.elapsed = time.monotonic() - start
    return results


def report(results: Results, clients: int) -> bool:
    """Print p50/p95 and requests per second per page and in all; return True when the goal is met."""

    def ms(values: list[float], q: float) -> float:
        return float(np.percentile(values, q)) * 1000 if values else 0.0

    print(f"-- {clients} clients, {results.elapsed:.0f} s")
    print(f"{'page':32s} {'count':>6s} {'errors':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'req/s':>7s}")
    for label in PAGES:
        took = results.seconds.get(label, [])
        rate = len(took) / results.elapsed if results.elapsed else 0.0
        print(
            f"{label:32s} {len(took):6d} {results.errors[label]:6d} {ms(took, 50):8.0f} {ms(took, 95):8.0f} {rate:7.1f}"
        )
    every = [s for took in results.seconds.values() for s in took]
    errors = sum(results.errors.values())
    p95 = ms(every, 95)
    print(
        f"all pages: {len(every) / results.elapsed:.1f} req/s, p50 {ms(every, 50):.0f} ms, "
        f"p95 {p95:.0f} ms, errors {errors}"
    )
    for example in results.examples:
        print(f"  error: {example}")
    met = errors == 0 and p95 <= GOAL_P95_MS
    if clients == 4:
        print(f"goal: p95 ≤ {GOAL_P95_MS:.0f} ms with 4 clients: {'MET' if met else 'NOT MET'}")
    return met


def main() -> None:
    """Build and serve the site (unless --url), then measure each number of clients in turn."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dialect", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scale", choices=["demo", "1e6"], default="1e6")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per number of clients (default 30)")
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 20])
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (jundeng serve --workers)")
    parser.add_argument("--url", help="a running server on a demo site (nothing is built or started)")
    parser.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL maintenance database URL")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    print(
        f"{args.dialect}, scale {args.scale}, clients {args.clients}, {args.duration:.0f} s each, "
        f"{args.workers} worker(s)"
    )
    if args.url:
        for n in args.clients:
            report(measure(args.url, n, args.duration), n)
        return
    from tests.reliability.conftest import serve

    with demo_database(args.dialect, args.scale, args.pg) as url, tempfile.TemporaryDirectory() as tmp:
        options = ["--workers", str(args.workers)]
        with serve(url, Path(tmp) / "server.log", address_space=None, options=options) as server:
            for n in args.clients:
                report(measure(server.url, n, args.duration), n)
        for line in server_errors(server.log):
            print(f"  server: {line}")


if __name__ == "__main__":
    main()
