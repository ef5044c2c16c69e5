"""A catalogue and a data file written in traditional script load exactly as their simplified twins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from jundeng.extract.normalize import to_traditional
from jundeng.store import catalog_repo, observations_repo
from jundeng.store.db import Database
from tests.cli.test_data import run
from tests.conftest import MINI_CATALOG, copy_sqlite, write

CATALOG = (
    MINI_CATALOG
    + """items:
  - code: EDU1
    name: 学前教育资助
    domain: edu
    target_group: 家庭经济困难儿童、孤儿和残疾儿童
    content: 对经县级以上教育行政部门审批设立的普惠性幼儿园在园家庭经济困难儿童给予资助
units:
  - {code: EDU_BUREAU, name: 市教育局, kind: department, domains: [edu]}
"""
)
DATA = """指标代码,区划代码,期间,城乡,数值,备注
GER,440402,2016,城镇,95.5,含民办幼儿园
GER,440402,2016,农村,88,乡镇中心幼儿园覆盖
DOCTORS,440403,2016,,1.2万,全科医生（含乡村医生）
DOCTORS,440404,2016,,350人,来源：卫生计生统计年报
"""


def stored(db: Database) -> tuple[Any, pl.DataFrame]:
    """The catalogue and the current values (key, value, note) a database holds."""
    with db.session() as session:
        catalog = catalog_repo.read_catalog(session)
        values = observations_repo.observations(session)
    return catalog, values.select(*observations_repo.KEY, "value", "note").sort(observations_repo.KEY)


def test_traditional_catalogue_and_data_file_load_as_their_twins(
    empty_db: Database, templates: Any, tmp_path: Path
) -> None:
    twin_db = copy_sqlite(Path(templates["sqlite"]), tmp_path / "twin.sqlite")
    (tmp_path / "s").mkdir()
    (tmp_path / "t").mkdir()
    for db, folder, convert in ((empty_db, "s", str), (twin_db, "t", to_traditional)):
        assert run(db, "regions", "load")[0] == 0
        code, out = run(db, "catalog", "load", str(write(tmp_path / folder / "catalog.yaml", convert(CATALOG))))
        assert code == 0, out
        code, out = run(db, "import", str(write(tmp_path / folder / "data.csv", convert(DATA))))
        assert code == 0 and "written 4" in out, out
    assert "指標代碼,區劃代碼,期間,城鄉,數值,備註" in to_traditional(DATA) and "衛生" in to_traditional(CATALOG)
    catalog, values = stored(empty_db)
    twin_catalog, twin_values = stored(twin_db)
    assert twin_catalog == catalog
    assert twin_values.equals(values)
    assert twin_catalog.items[0].target_group == "家庭经济困难儿童、孤儿和残疾儿童"
    assert twin_values["value"].to_list() == [12000.0, 350.0, 88.0, 95.5]
    assert twin_values["note"].to_list()[0] == "全科医生（含乡村医生）"
    twin_db.dispose()
