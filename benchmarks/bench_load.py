"""Load: readers and writers against a real `jundeng serve`; per-route counts, errors and read latency.

Usage: python benchmarks/bench_load.py [--duration S] [--readers N] [--writers N] [--think S]
       [--dialect sqlite|postgresql] [--scale demo|1e6] [--url URL] [--pg ADMIN_URL]
Unless --url names a running server on a demo site, the benchmark builds the demo site (`jundeng demo
--load-only`) in a temporary SQLite file or a new PostgreSQL database, at --scale 1e6 adds 1,000,000 approved
observations of generated indicators (as benchmarks/bench_import.py builds them), and serves it with
`jundeng serve` in its own process. Readers (signed in as office, district, viewer, or not at all, in turn)
request a mix of pages and API reads, pausing a random 0–2×--think seconds between requests; writers (the office)
import small files of observations for their own towns and approve or reject what they imported.
Goal (issue 11): 0 errors, read p95 ≤ 500 ms on the demo (20 readers, 2 writers, 60 s).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import numpy as np
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
GOAL_P95_MS = 500.0
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
INDICATOR, DISTRICT = "SOC_DIBAO_STANDARD", "440402"  # published (the public sees it), with district values
OBSERVATIONS = "/api/v1/observations"
BENCH_INDICATOR = "B0001"  # one of the generated indicators at --scale 1e6
READER_ROLES = ["office", "xiangzhou", "viewer", None]
SIGNED_IN_ROUTES = {
    "GET /": "/",
    "GET /indicators": "/indicators",
    "GET /indicators/{code}": f"/indicators/{INDICATOR}",
    "GET /regions/{code}": f"/regions/{DISTRICT}",
    "GET /ledger": "/ledger",
    "GET /appraisal": "/appraisal",
    "GET /api/v1/me": "/api/v1/me",
    "GET /api/v1/observations": f"/api/v1/observations?indicator={INDICATOR}&period=2017",
    "GET /api/v1/gaps": f"/api/v1/gaps?indicator={INDICATOR}&period=2017&by=district",
    "GET /api/v1/tasks": "/api/v1/tasks?size=50",
}
PUBLIC_ROUTES = {
    label: SIGNED_IN_ROUTES[label]
    for label in ("GET /", "GET /indicators", "GET /indicators/{code}", "GET /api/v1/me")
    + ("GET /api/v1/observations", "GET /api/v1/gaps")
}
SCALE_ROUTES = {
    "GET /api/v1/observations (1e6)": f"/api/v1/observations?indicator={BENCH_INDICATOR}&period=2017",
    "GET /api/v1/gaps (1e6)": f"/api/v1/gaps?indicator={BENCH_INDICATOR}&period=2017&by=district",
}


@dataclass
class Results:
    """Every request's route label, seconds and whether it failed, gathered from all threads."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    elapsed: float = 0.0  # seconds from the first request to the last answer (the last requests may overrun)

    def call(self, client: httpx2.Client, label: str, method: str, path: str, **kw: Any) -> httpx2.Response | None:
        """Send a request, record its time and whether it failed (a transport error or a status of 400 or more);
        return the response when it did not fail."""
        start = time.perf_counter()
        try:
            response = client.request(method, path, **kw)
            problem = None if response.status_code < 400 else f"{response.status_code} {response.text[:200]}"
        except httpx2.HTTPError as exc:
            response, problem = None, repr(exc)
        took = time.perf_counter() - start
        with self.lock:
            self.seconds[label].append(took)
            if problem is not None:
                self.errors[label] += 1
                if len(self.examples) < 5:
                    self.examples.append(f"{label}: {problem}")
        return response if problem is None else None


def clone(base: httpx2.Client) -> httpx2.Client:
    """Return a new client with ``base``'s session cookies and CSRF header (logins are rate-limited)."""
    client = httpx2.Client(base_url=base.base_url, timeout=60, cookies=base.cookies)
    client.headers.update({k: v for k, v in base.headers.items() if k == "x-csrftoken"})
    return client


def reader(client: httpx2.Client, routes: dict[str, str], results: Results, until: float, think: float) -> None:
    """Request random routes of ``routes`` until ``until``."""
    rng = random.Random()
    labels = list(routes)
    while time.monotonic() < until:
        label = rng.choice(labels)
        results.call(client, label, "GET", routes[label])
        time.sleep(rng.uniform(0, 2 * think))


def writer(client: httpx2.Client, towns: list[str], results: Results, until: float, think: float) -> None:
    """Import a few values of one of ``towns`` at a time, then approve or reject each value imported."""
    rng = random.Random()
    n = 0
    while time.monotonic() < until:
        town = towns[n % len(towns)]
        n += 1
        query = {"region": town, "status": "approved", "size": 200}
        current = results.call(client, "GET /api/v1/observations (writer)", "GET", OBSERVATIONS, params=query)
        items = current.json()["items"] if current is not None else []
        if not items:
            continue
        upload = small_file(rng.sample(items, min(20, len(items))), rng)
        files = {"file": (f"w-{town}.csv", upload, "text/csv")}
        results.call(client, "POST /api/v1/observations/import", "POST", f"{OBSERVATIONS}/import", files=files)
        query = {"region": town, "status": "submitted", "size": 50}
        pending = results.call(client, "GET /api/v1/observations (writer)", "GET", OBSERVATIONS, params=query)
        for item in pending.json()["items"] if pending is not None else []:
            verb, body = ("approve", {}) if rng.random() < 0.5 else ("reject", {"comment": "负载测试 load test"})
            path = f"{OBSERVATIONS}/{item['id']}/{verb}"
            results.call(client, f"POST /api/v1/observations/{{id}}/{verb}", "POST", path, json=body)
        time.sleep(rng.uniform(0, 2 * think))


def small_file(items: list[dict[str, Any]], rng: random.Random) -> bytes:
    """Return a CSV of the values ``items`` nudged down a little (so each stays in its valid range; whole
    numbers stay whole)."""
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(["indicator", "region", "period", "value", "urban_rural"])
    for item in items:
        value: float = float(item["value"]) * rng.uniform(0.97, 0.999)
        value = round(value) if float(item["value"]).is_integer() else round(value, 4)  # counts stay whole
        rows.writerow([item["indicator"], item["region"], item["period"], value, item.get("urban_rural") or ""])
    return out.getvalue().encode()


def summarize(results: Results, scale: str) -> bool:
    """Print one line per route and the reads' percentiles; return True when the goal is met."""

    def ms(values: list[float], q: float) -> float:
        return float(np.percentile(values, q)) * 1000 if values else 0.0

    print(f"{'route':42s} {'count':>6s} {'errors':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s}")
    for label in sorted(results.seconds):
        took = results.seconds[label]
        print(
            f"{label:42s} {len(took):6d} {results.errors[label]:6d} "
            f"{ms(took, 50):8.0f} {ms(took, 95):8.0f} {ms(took, 99):8.0f}"
        )
    reads = [s for label, took in results.seconds.items() if label.startswith("GET") for s in took]
    writes = sum(len(took) for label, took in results.seconds.items() if not label.startswith("GET"))
    errors = sum(results.errors.values())
    p95 = ms(reads, 95)
    print(
        f"reads: {len(reads)} ({len(reads) / results.elapsed:.1f}/s over {results.elapsed:.0f} s), "
        f"p50 {ms(reads, 50):.0f} ms, p95 {p95:.0f} ms, "
        f"p99 {ms(reads, 99):.0f} ms; writes: {writes}; errors: {errors}"
    )
    for example in results.examples:
        print(f"  error: {example}")
    met = errors == 0 and p95 <= GOAL_P95_MS
    where = "on the demo" if scale == "demo" else f"(goal is set on the demo; this is --scale {scale})"
    print(f"goal: 0 errors, p95 ≤ {GOAL_P95_MS:.0f} ms {where}: {'MET' if met else 'NOT MET'}")
    return met


def run(url: str, args: argparse.Namespace) -> Results:
    """Sign in, then run the readers and writers against ``url`` for ``args.duration`` seconds."""
    from tests.reliability.conftest import sign_in

    sessions = {role: sign_in(url, role) for role in READER_ROLES}
    districts = [r["code"] for r in sessions["office"].get("/api/v1/regions", params={"level": "district"}).json()]
    towns = [r["code"] for d in districts for r in sessions["office"].get(f"/api/v1/regions?under={d}").json()]
    towns = [t for t in towns if t not in districts and len(t) > 6] or districts
    results = Results()
    until = time.monotonic() + args.duration
    threads = []
    for i in range(args.readers):
        role = READER_ROLES[i % len(READER_ROLES)]
        routes = PUBLIC_ROUTES if role is None else SIGNED_IN_ROUTES
        routes = {**routes, **SCALE_ROUTES} if args.scale == "1e6" and role in ("office", "viewer") else routes
        threads.append(
            threading.Thread(target=reader, args=(clone(sessions[role]), routes, results, until, args.think))
        )
    for w in range(args.writers):
        mine = towns[w :: args.writers]
        threads.append(
            threading.Thread(target=writer, args=(clone(sessions["office"]), mine, results, until, args.think))
        )
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.elapsed = time.monotonic() - start
    return results


@contextmanager
def demo_database(dialect: str, scale: str, pg: str) -> Iterator[str]:
    """Build the demo site (at ``scale``) in a temporary database; yield its URL; drop it afterwards."""
    exe = str(Path(sys.executable).parent / "jundeng")
    with tempfile.TemporaryDirectory() as tmp:
        name = f"jundeng_load_{uuid.uuid4().hex[:8]}"
        url = f"sqlite:///{Path(tmp) / 'load.sqlite'}" if dialect == "sqlite" else pg.rsplit("/", 1)[0] + f"/{name}"
        admin = create_engine(pg, isolation_level="AUTOCOMMIT") if dialect == "postgresql" else None
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            start = time.perf_counter()
            subprocess.run([exe, "--db", url, "demo", "--load-only"], check=True, capture_output=True)
            print(f"demo site built in {time.perf_counter() - start:.1f} s ({dialect})")
            if scale == "1e6":
                add_million(url, Path(tmp))
            yield url
        finally:
            if admin is not None:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


def add_million(url: str, folder: Path) -> None:
    """Add 1,000,000 approved observations of generated indicators (benchmarks/bench_import.py's data)."""
    from bench_import import build_csv, prepare

    from jundeng.domain.observations import ObservationStatus
    from jundeng.services.observations import import_files
    from jundeng.store.db import Database

    start = time.perf_counter()
    path = folder / "million.csv"
    n_ind = build_csv(path, 1_000_000)
    db = Database(url)
    prepare(db, n_ind)
    report = import_files(db, [path], user="bench", status=ObservationStatus.APPROVED)
    db.dispose()
    assert report.accepted, report.errors[:5]
    print(f"added {report.written:,} observations ({n_ind} indicators) in {time.perf_counter() - start:.1f} s")


def server_errors(log: Path, most: int = 5) -> list[str]:
    """Return the distinct exception lines of a server log (the last line of each traceback), at most ``most``."""
    found: list[str] = []
    for line in log.read_text(errors="replace").splitlines():
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b", line) and line[:200] not in found:
            found.append(line[:200])
    return found[:most]


def main() -> None:
    """Parse the options, build and serve the database unless --url is given, run the load, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a client's requests (s)")
    parser.add_argument("--dialect", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scale", choices=["demo", "1e6"], default="demo")
    parser.add_argument("--url", help="a running server on a demo site (nothing is built or started)")
    parser.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL maintenance database URL")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (jundeng serve --workers)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # the live-server helpers the reliability tests use
    print(
        f"{args.readers} readers, {args.writers} writers, {args.duration:.0f} s, think {args.think} s, "
        f"{args.dialect}, scale {args.scale}, {args.workers} server worker(s)"
    )
    if args.url:
        summarize(run(args.url, args), args.scale)
        return
    from tests.reliability.conftest import serve

    with demo_database(args.dialect, args.scale, args.pg) as url, tempfile.TemporaryDirectory() as tmp:
        options = ["--workers", str(args.workers)]
        with serve(url, Path(tmp) / "server.log", address_space=None, options=options) as server:
            results = run(server.url, args)
            peak = server.memory_kb("VmHWM")
        summarize(results, args.scale)
        print(f"server peak RSS: {peak / 1024:.0f} MB")
        for line in server_errors(server.log):
            print(f"  server: {line}")


if __name__ == "__main__":
    main()
