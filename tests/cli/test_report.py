"""``jundeng report …`` and ``tasks bulletin --format``: documents written to files, refusals with exit 1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.store.db import Database
from tests.conftest import Templates, fresh_database

runner = CliRunner()


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A module-wide copy of the demo site (the demo city, its ledger and accounts)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("cli-report"))
    yield db
    drop()


def run(db: Database, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db.url, *args])
    return result.exit_code, result.output


def test_the_annual_report_as_html(site: Database, tmp_path: Path) -> None:
    out = tmp_path / "annual.html"
    code, said = run(site, "report", "annual", "--year", "2017", "--today", "2017-09-30", "-f", "html", "-o", str(out))
    assert code == 0, said
    assert "已生成 written" in said and out.exists()
    page = out.read_text(encoding="utf-8")
    assert "<h1" in page and "一、总体情况" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//""", page)  # nothing fetched


def test_the_scorecard_in_english_as_xlsx(site: Database, tmp_path: Path) -> None:
    out = tmp_path / "card.xlsx"
    args = ["report", "scorecard", "--region", "440403", "--year", "2017", "-f", "xlsx", "--lang", "en"]
    code, said = run(site, *args, "-o", str(out))
    assert code == 0, said
    assert "About" in load_workbook(out).sheetnames


def test_the_bulletin_of_the_tasks_command_is_a_document(site: Database, tmp_path: Path) -> None:
    """``tasks bulletin --format docx`` used to print the console table with exit status 0."""
    out = tmp_path / "bulletin.docx"
    args = ["tasks", "bulletin", "--period", "2017Q3", "--today", "2017-09-30", "--format", "docx", "--out", str(out)]
    code, said = run(site, *args)
    assert code == 0, said
    headings = [p.text for p in WordDocument(str(out)).paragraphs if p.style is not None and "Heading" in p.style.name]
    assert headings and "通报已写入" in said
    book = tmp_path / "bulletin.xlsx"
    code, said = run(site, "tasks", "bulletin", "--period", "2017Q3", "--format", "xlsx", "--out", str(book))
    assert code == 0, said
    assert all(not name.isascii() for name in load_workbook(book).sheetnames)  # Chinese sheet names


@pytest.mark.parametrize(
    "args",
    [
        ["report", "annual", "--year", "2017", "-f", "odt"],
        ["tasks", "bulletin", "--period", "2017Q3", "--format", "docs"],
        ["report", "scorecard", "--region", "999999", "--year", "2017", "-f", "html"],
        ["report", "annual", "--year", "2017", "-f", "pdf", "--template", "missing.docx"],
    ],
)
def test_a_refusal_exits_1_and_writes_nothing(site: Database, tmp_path: Path, args: list[str]) -> None:
    code, said = run(site, *args, *(["--out", str(tmp_path / "x")] if args[0] == "report" else []))
    assert code == 1, said
    assert " / " in said and not (tmp_path / "x").exists()  # 中文 / English
