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


def test_city_init_sets_up_a_county_and_says_what_it_did(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'county.sqlite'}"
    assert CliRunner().invoke(app, ["--db", url, "init"]).exit_code == 0
    result = CliRunner().invoke(app, ["--db", url, "city", "init", "420881"])
    assert result.exit_code == 0, result.output
    assert "钟祥市 (420881" in result.output and "乡镇/街道 town: 31" in result.output
    wrong = CliRunner().invoke(app, ["--db", url, "city", "init", "9999"])
    assert wrong.exit_code == 1 and "no division with code 9999" in wrong.output
