"""The ``demo`` command builds the demo city and prints the gap overview."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jundeng.cli import app

runner = CliRunner()


@pytest.mark.slow  # builds the whole demo city from scratch
def test_demo_command_prints_the_gap_overview(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(tmp_path / "d.sqlite"), "demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "Gap overview" in result.output and "synthetic" in result.output
