"""The ``extract`` command: JSON, CSV and located errors."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from jundeng.cli import extract as extract_cli

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extract"
WORK_PLAN = FIXTURES / "zhuhai-2017-work-plan.txt"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root."""

    extract_cli.register(app)
    return app


def test_cli_json_lists_the_work_plan() -> None:
    result = CliRunner().invoke(_app(), ["extract", str(WORK_PLAN), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"kind": "standard", "value": 690, "unit": "元/人/月"}.items() <= rows[15].items()
    assert any(r["value"] == 2700 and r["kind"] == "task" for r in rows)


def test_cli_csv_table_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    csv_out = runner.invoke(_app(), ["extract", str(WORK_PLAN), "--format", "csv"])
    assert csv_out.exit_code == 0 and csv_out.output.startswith("kind,indicator,value,unit,comparator")
    table = runner.invoke(_app(), ["extract", str(WORK_PLAN)])
    assert table.exit_code == 0 and "candidates" in table.output
    assert runner.invoke(_app(), ["extract", str(WORK_PLAN), "--format", "xml"]).exit_code == 2
    missing = runner.invoke(_app(), ["extract", str(tmp_path / "none.pdf")])
    assert missing.exit_code == 1
