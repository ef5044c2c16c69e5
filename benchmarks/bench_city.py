"""How long ``jundeng city init`` takes: a large prefecture and a whole province, on a fresh SQLite database.

Usage: python benchmarks/bench_city.py [CODE …]   (default: 4208 Jingmen, 4407 Jiangmen, 4403 Shenzhen,
4113 Nanyang, 44 Guangdong). Goal (issue 12): a city in under 10 s.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from jundeng.services import city
from jundeng.store.db import Database

GOAL_S = 10.0


def main() -> None:
    """Print, per programme, its regions by level and the seconds ``city init`` took."""
    codes = sys.argv[1:] or ["4208", "4407", "4403", "4113", "44"]
    print(f"{'code':>6}  {'name':<10} {'districts':>9} {'towns':>6} {'villages':>8} {'seconds':>8}")
    for code in codes:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{Path(tmp) / 'city.sqlite'}")
            db.upgrade()
            done = city.init(db, code=code, user="bench")
            db.dispose()
        counts = done.regions
        print(
            f"{done.code:>6}  {done.name:<10} {counts.get('district', 0):>9} {counts.get('town', 0):>6} "
            f"{counts.get('village', 0):>8} {done.seconds:>8.1f}"
        )
        if done.level == "city":
            print(f"        goal: a city in under {GOAL_S:.0f} s: {'MET' if done.seconds < GOAL_S else 'NOT MET'}")


if __name__ == "__main__":
    main()
