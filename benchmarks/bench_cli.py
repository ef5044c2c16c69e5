"""Command-line start-up: wall time of `jundeng --help` and `jundeng regions list --format json` on the demo.

Usage: python benchmarks/bench_cli.py [--repeat N] [--db URL]
Each command runs N times (default 10) in a fresh process, after one warm-up run; the figure is the median
wall time, printed next to `python -c pass` measured in the same run, with the ratio.
Goal (issue 10): each command under 0.5 s of wall time on a quiet machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_S = 0.5


def wall(argv: list[str], repeat: int) -> float:
    """Return the median wall time of ``argv`` over ``repeat`` fresh processes (after one warm-up run)."""
    subprocess.run(argv, check=True, capture_output=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the start-up figures and their ratios to a bare Python start."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--db", help="a demo database URL (default: build one in a temporary SQLite file)")
    args = parser.parse_args()
    exe = shutil.which("jundeng", path=str(Path(sys.executable).parent)) or "jundeng"
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
        if args.db is None:
            subprocess.run([exe, "--db", url, "demo", "--load-only"], check=True, capture_output=True)
        base = wall([sys.executable, "-c", "pass"], args.repeat)
        print(f"python -c pass                         {base * 1000:7.0f} ms")
        for label, argv in (
            ("jundeng --help", [exe, "--help"]),
            ("jundeng regions list --format json", [exe, "--db", url, "regions", "list", "--format", "json"]),
        ):
            t = wall(argv, args.repeat)
            verdict = "ok" if t < GOAL_S else f"over the {GOAL_S} s goal"
            print(f"{label:38s} {t * 1000:7.0f} ms  ({t / base:4.1f}× python -c pass; {verdict})")


if __name__ == "__main__":
    main()
