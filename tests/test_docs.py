"""Documentation kept honest: every command is in the README, every import column in the format doc."""

from __future__ import annotations

from pathlib import Path

import typer.main

from jundeng.cli import app
from jundeng.io.observations import ALIASES, OPTIONAL, REQUIRED

ROOT = Path(__file__).resolve().parents[1]


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme[: readme.index("## What works today")]
    assert "make demo" in setup and "make test" in setup


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for sub in subcommands:
                assert f"{name} {sub}" in readme or f"db {sub}" in readme, f"{name} {sub}"
        else:
            assert f"jundeng {name}" in readme, name


def test_every_import_column_is_documented() -> None:
    doc = (ROOT / "docs" / "import-format.md").read_text(encoding="utf-8")
    for column in (*REQUIRED, *OPTIONAL, *ALIASES):
        assert column in doc, column


def test_the_city_guide_runs_and_documents_the_regions_file(tmp_path: Path) -> None:
    """The first block of docs/setup-city.md is run as written; every column the regions reader takes is there."""
    import csv
    import re
    import shlex

    from typer.testing import CliRunner

    from jundeng.catalogs import ZHUHAI_REGIONS

    guide = (ROOT / "docs" / "setup-city.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", guide, re.S)
    assert block is not None
    url = f"sqlite:///{tmp_path / 'guide.sqlite'}"
    outputs = []
    for line in block.group(1).strip().splitlines():
        words = shlex.split(line)
        assert words[0] == "jundeng", line
        result = CliRunner().invoke(app, ["--db", url, *words[1:]])
        assert result.exit_code == 0, (line, result.output)
        outputs.append(result.output)
    assert "钟祥市" in outputs[1] and "420881100" in outputs[2]
    with ZHUHAI_REGIONS.open(encoding="utf-8") as handle:
        columns = next(csv.reader(handle))
    for column in columns:
        assert f"| `{column}` |" in guide, column
