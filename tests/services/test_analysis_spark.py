"""``jundeng gaps --engine spark``: the village-level gap table read from PostgreSQL through Spark's JDBC source
equals the local engine's, figure for figure; SQLite is refused with a clear error."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.errors import JundengError
from jundeng.services.analysis import gap_table
from jundeng.store.db import Database
from tests.conftest import Templates, fresh_database

pytestmark = [
    pytest.mark.spark,
    pytest.mark.postgres,
    pytest.mark.xdist_group("cpu"),
    pytest.mark.skipif(shutil.which("java") is None, reason="Java 17 is not installed (make java)"),
    pytest.mark.skipif(not Path("/usr/share/java/postgresql.jar").exists(), reason="no JDBC driver (make java)"),
]
runner = CliRunner()


@pytest.fixture(scope="module")
def database(demo_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db, drop = fresh_database("postgresql", demo_templates, tmp_path_factory.mktemp("spark-gaps"))
    yield db
    drop()


@pytest.mark.parametrize("indicator", ["SOC_CARD_HOLDING_RATE", "ACC_BUS_STOP_500M"])
def test_spark_equals_local_at_village_level(database: Database, indicator: str) -> None:
    args = ["--db", database.url, "gaps", "--indicator", indicator, "--period", "2017", "--by", "district"]
    args += ["--by", "urban_rural", "--format", "json"]
    local = json.loads(runner.invoke(app, args).stdout)
    result = runner.invoke(app, [*args, "--engine", "spark", "--master", "local[2]"])
    assert result.exit_code == 0, result.output
    spark = json.loads(result.stdout)
    assert (spark["units"], spark["dropped"], spark["title"]) == (local["units"], local["dropped"], local["title"])
    assert local["units"] == 345  # every village and community
    assert len(spark["rows"]) == len(local["rows"])
    for mine, theirs in zip(spark["rows"], local["rows"], strict=True):
        assert {k: mine[k] for k in ("section", "by", "group", "measure")} == {
            k: theirs[k] for k in ("section", "by", "group", "measure")
        }
        if isinstance(theirs["value"], float):
            assert mine["value"] == pytest.approx(theirs["value"], rel=1e-9, abs=1e-12), theirs["measure"]
    assert gap_table(database, indicator=indicator, period="2017").level == "village"


def test_sqlite_is_refused_clearly(tmp_path: Path) -> None:
    from jundeng.services.analysis_spark import _jdbc

    with pytest.raises(JundengError, match="reads a PostgreSQL database through JDBC"):
        _jdbc(Database(f"sqlite:///{tmp_path / 'x.sqlite'}"))
