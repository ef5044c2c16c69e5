"""The running server stays responsive: reads answer quickly while a long import works, and a hostile upload
(a sparse XLSX whose only value sits at XFD1048576) neither stops the server nor blows up its memory."""

from __future__ import annotations

import csv
import io
import random
import threading
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest

from jundeng.services.observations import export_frames
from jundeng.store.db import Database
from tests.conftest import Templates
from tests.reliability.conftest import LiveServer, sign_in
from tests.reliability.test_hostile_files import CASES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("cpu"),
]  # never beside a Spark JVM (make unit: --dist loadgroup)

IMPORT_ROWS = 80_000  # a few seconds of import on the reference machine
POLL_EVERY_S = 0.05
READ_BUDGET_S = 0.2
MAX_RSS_KB = 1_500_000
YEARS = range(2013, 2018)


def large_import(db: Database, rows: int) -> bytes:
    """Return a valid CSV of ``rows`` observations for the demo catalogue: each demo series spread over every
    demo region and year, values drawn from the series' own values and nudged down (within every valid range;
    whole numbers where the series has only whole numbers)."""
    frame = export_frames(db, what="observations")["observations"]
    series: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in frame.select("indicator", "urban_rural", "value").iter_rows():
        series[(row[0], row[1] or "")].append(float(row[2]))
    regions = sorted(set(frame["region"].to_list()))
    rng = random.Random(11)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["indicator", "region", "period", "value", "urban_rural"])
    cells = ((key, region, year) for key in sorted(series) for region in regions for year in YEARS)
    for _, ((indicator, group), region, year) in zip(range(rows), cells, strict=False):
        values = series[(indicator, group)]
        value = rng.choice(values) * rng.uniform(0.9, 0.999)
        whole = all(v.is_integer() for v in values)  # counts stay whole numbers
        writer.writerow([indicator, region, year, round(value) if whole else round(value, 3), group])
    return out.getvalue().encode()


def sparse_corner_xlsx() -> bytes:
    """Return a tiny XLSX whose sheet has a header row and one value at XFD1048576 (the last cell of a sheet)."""
    main = "http://schemas.openxmlformats.org"
    relationships = f"{main}/officeDocument/2006/relationships"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABCD", ["indicator", "region", "period", "value"], strict=True)
    )
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{main}/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{content_type}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{content_type}.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{main}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="{relationships}">'
        '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{main}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{relationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}/spreadsheetml/2006/main">'
        f'<dimension ref="A1:XFD1048576"/><sheetData><row r="1">{header}</row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, xml in parts.items():
            book.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return out.getvalue()


@pytest.fixture(scope="module")
def import_file(site_templates: Templates) -> bytes:
    """The large valid import, built once from the demo site's observations."""
    db = Database(f"sqlite:///{Path(site_templates['sqlite'])}")
    try:
        return large_import(db, IMPORT_ROWS)
    finally:
        db.dispose()


class Poller(threading.Thread):
    """Reads GET /api/v1/me every ``POLL_EVERY_S`` until stopped; records each answer's status and seconds."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.client = sign_in(url, "viewer")
        self.answers: list[tuple[int, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        """Poll until stopped."""
        while not self.stop.is_set():
            start = time.perf_counter()
            try:
                status = self.client.get("/api/v1/me").status_code
            except httpx2.TransportError:
                status = -1
            took = time.perf_counter() - start
            self.answers.append((status, took))
            self.stop.wait(max(0.0, POLL_EVERY_S - took))
        self.client.close()


def test_reads_answer_within_200_ms_while_an_import_runs(live_server: LiveServer, import_file: bytes) -> None:
    writer = sign_in(live_server.url, "office", timeout=300)
    poller = Poller(live_server.url)
    poller.start()
    time.sleep(0.3)  # a few answers before the import: the first one is the warm-up
    start = time.perf_counter()
    response = writer.post("/api/v1/observations/import", files={"file": ("large.csv", import_file, "text/csv")})
    import_s = time.perf_counter() - start
    time.sleep(0.2)
    poller.stop.set()
    poller.join(timeout=30)
    writer.close()
    assert response.status_code == 200, response.text[:500]
    result = response.json()
    assert result["accepted"] and result["written"] > 0, result["errors"][:5]
    assert import_s > 1.0, f"the import took only {import_s:.2f} s: too short to show a blocked server"
    answers = poller.answers[1:]
    slowest = max(took for _, took in answers)
    assert {status for status, _ in answers} == {200}
    assert slowest <= READ_BUDGET_S, (
        f"GET /api/v1/me took up to {slowest * 1000:.0f} ms while a {import_s:.1f} s import ran "
        f"({len(answers)} reads; budget {READ_BUDGET_S * 1000:.0f} ms)"
    )


HOSTILE = [case for case in CASES if case[0].endswith((".xlsx", ".xls"))]


def test_a_sparse_corner_xlsx_neither_stops_the_server_nor_exhausts_its_memory(live_server: LiveServer) -> None:
    client = sign_in(live_server.url, "office", timeout=120)
    upload = {"file": ("corner.xlsx", sparse_corner_xlsx(), "application/octet-stream")}
    try:
        response: httpx2.Response | None = client.post("/api/v1/observations/import", files=upload)
    except httpx2.TransportError:  # the server hung up: reported below with its log
        response = None
    finally:
        client.close()
    assert live_server.alive(), f"the server died on the upload:\n{live_server.log_tail()}"
    assert response is not None, f"no answer to the upload:\n{live_server.log_tail()}"
    assert response.status_code in (200, 413, 422), response.text[:500]
    if response.status_code == 200:
        assert not response.json()["accepted"]
    assert live_server.memory_kb("VmHWM") < MAX_RSS_KB, f"peak RSS {live_server.memory_kb('VmHWM')} KiB"
    reader = sign_in(live_server.url, None)
    start = time.perf_counter()
    assert reader.get("/api/v1/me").status_code == 200
    assert time.perf_counter() - start < 1.0
    reader.close()


@pytest.mark.parametrize(("name", "build", "where", "expected"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_workbooks_are_refused_by_the_running_server(
    live_server: LiveServer, tmp_path: Path, name: str, build: Callable[[Path], Path], where: str, expected: str
) -> None:
    """Sparse corners, a zip bomb, entities: located refusals over HTTP; the server stays quick and small."""
    client = sign_in(live_server.url, "office", timeout=120)
    try:
        response = client.post(
            "/api/v1/observations/import", files={"file": (name, build(tmp_path / name).read_bytes())}
        )
    finally:
        client.close()
    assert live_server.alive(), live_server.log_tail()
    assert response.status_code == 200, response.text[:500]
    result = response.json()
    assert not result["accepted"] and result["errors"][0].startswith(where), result["errors"][:3]
    assert expected in " ".join(result["errors"])
    assert live_server.memory_kb("VmHWM") < MAX_RSS_KB
    reader = sign_in(live_server.url, None)
    start = time.perf_counter()
    assert reader.get("/api/v1/me").status_code == 200 and time.perf_counter() - start < READ_BUDGET_S
    reader.close()
