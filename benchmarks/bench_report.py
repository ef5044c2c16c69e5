"""Reports at scale: the demo's annual report in each format, and the annual report of a city with 1,600
villages (荆门, set up with ``jundeng city init 420800``, the national catalogue, synthetic values for every
region 2013–2017 and three targets): seconds and pages of each.

Usage: python benchmarks/bench_report.py [--skip-city]
Goal (issue 14): under 30 s for the demo's DOCX and PDF.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 30.0
TARGETS = """
plan: {code: jingmen-bench, title: 荆门市基本公共服务均等化规划（基准测试）, start_year: 2016, end_year: 2020}
targets:
  - {indicator: CN_EDU_PRESCHOOL_GER, region: "420800", year: 2020, comparator: ">=", value: 85}
  - {indicator: CN_EDU_SENIOR_SECONDARY_GER, region: "420800", year: 2020, comparator: ">=", value: 92}
  - {indicator: CN_EMP_URBAN_REG_UNEMPLOYMENT, region: "420800", year: 2020, comparator: "<=", value: 4.5}
"""


def pages(content: bytes, fmt: str) -> str:
    """Return the page count of a PDF, the sheets of a workbook, else the size."""
    if fmt == "pdf":
        from pypdf import PdfReader

        return f"{len(PdfReader(io.BytesIO(content)).pages)} pages"
    if fmt == "xlsx":
        from openpyxl import load_workbook

        return f"{len(load_workbook(io.BytesIO(content), read_only=True).sheetnames)} sheets"
    return f"{len(content) / 1024:,.0f} KB"


def produce(url: str, year: int, under: str | None, formats: list[str], label: str) -> bool:
    """Gather the annual report of ``year`` once (cold: the figures are computed), then render it in each
    format; print seconds (gathering + rendering) and pages; True when DOCX and PDF are within the goal."""
    from jundeng.report.render import render
    from jundeng.services import reports
    from jundeng.store.db import Database

    db = Database(url)
    start = time.perf_counter()
    doc = reports.document(db, reports.Request("annual", year=year, under=under))
    gathered = time.perf_counter() - start
    print(f"{label:8s} annual {year}: figures gathered in {gathered:.1f} s (cold)")
    met = True
    for fmt in formats:
        start = time.perf_counter()
        content = render(doc, fmt)
        took = time.perf_counter() - start
        print(
            f"{label:8s}   {fmt:5s} rendered in {took:5.1f} s, {gathered + took:5.1f} s in all  {pages(content, fmt)}"
        )
        if fmt in ("docx", "pdf") and gathered + took > GOAL_S:
            met = False
    db.dispose()
    return met


def jingmen(folder: Path) -> str:
    """Set up 荆门 with synthetic values of the national indicators for every region, 2013–2017."""
    from jundeng.domain.observations import ObservationStatus
    from jundeng.services import catalog, city, regions
    from jundeng.services.observations import import_files
    from jundeng.store.db import Database

    url = f"sqlite:///{folder / 'jingmen.sqlite'}"
    db = Database(url)
    db.upgrade()
    start = time.perf_counter()
    city.init(db, code="420800", user="bench")
    plan = folder / "plan.yaml"
    plan.write_text(TARGETS, encoding="utf-8")
    catalog.load_file(db, source=plan, user="bench")
    codes = [r.code for r in regions.regions(db, under="420800") if r.code != "420800"]
    indicators = [i.code for i in catalog.read(db).indicators if i.unit.strip() in ("%", "‰")]
    rng = np.random.default_rng(14)
    path = folder / "values.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("indicator,region,period,value\n")
        for code in indicators:
            base = rng.uniform(40, 90, len(codes))
            for year in range(2013, 2018):
                values = np.clip(base + (year - 2013) * rng.uniform(0.2, 1.5, len(codes)), 0, 100).round(2)
                out.writelines(f"{code},{r},{year},{v}\n" for r, v in zip(codes, values, strict=True))
    report = import_files(db, [path], user="bench", status=ObservationStatus.APPROVED)
    assert report.accepted, report.problems[:3]
    print(
        f"荆门 set up: {len(codes):,} regions, {len(indicators)} indicators, {report.written:,} values "
        f"in {time.perf_counter() - start:.1f} s"
    )
    db.dispose()
    return url


def main() -> None:
    """Build the demo (and 荆门), then render the annual reports."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-city", action="store_true", help="the demo only")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    exe = str(Path(sys.executable).parent / "jundeng")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
        subprocess.run([exe, "--db", url, "demo", "--load-only"], check=True, capture_output=True)
        met = produce(url, 2017, None, ["docx", "pdf", "html", "xlsx"], "demo")
        print(f"goal: the demo's DOCX and PDF under {GOAL_S:.0f} s: {'MET' if met else 'NOT MET'}")
        if not args.skip_city:
            produce(jingmen(Path(tmp)), 2017, "420800", ["docx", "pdf", "html", "xlsx"], "荆门")


if __name__ == "__main__":
    main()
