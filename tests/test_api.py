"""The Python facade returns pandas DataFrames for notebooks and engines."""

from __future__ import annotations

from pathlib import Path

import jundeng
from jundeng.services.observations import import_files
from jundeng.store.db import Database
from tests.conftest import write


def test_open_returns_dataframes(db: Database, tmp_path: Path) -> None:
    data = "indicator,region,period,value,numerator,denominator,urban_rural\nGER,440402,2016,90,90,100,urban\n"
    import_files(db, [write(tmp_path / "a.csv", data)], user="alice")
    j = jundeng.open(db.url)
    try:
        obs = j.observations()
        assert obs.loc[0, "urban_rural"] == "urban" and obs.loc[0, "value"] == 90.0
        assert obs.loc[0, "created_by"] == "alice"
        assert list(j.targets()["indicator"]) == ["GER"]
        assert (j.regions()["level"] == "village").sum() == 345
        assert list(j.population().columns) == ["region", "year", "group", "registered", "resident"]
        assert set(j.indicators()["code"]) == {"GER", "DROPOUT", "BEDS", "DOCTORS"}
    finally:
        j.close()
