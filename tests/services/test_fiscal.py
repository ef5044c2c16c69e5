"""The fiscal use cases on files: the same numbers as the engine, errors located in the right file."""

from __future__ import annotations

from pathlib import Path

import pytest

from jundeng.errors import InputError
from jundeng.services.fiscal import growth_from_file, needs_from_files, transfers_from_files


def files(tmp_path: Path, data: str, costs: str = "item,unit_cost\ndibao,100\n") -> tuple[Path, Path]:
    (tmp_path / "data.csv").write_text(data, encoding="utf-8")
    (tmp_path / "costs.csv").write_text(costs, encoding="utf-8")
    return tmp_path / "data.csv", tmp_path / "costs.csv"


def test_transfers_and_simulation_from_files(tmp_path: Path) -> None:
    data, costs = files(tmp_path, "region,population,capacity,dibao\nA,10,0,10\nB,10,500,10\nC,10,2000,0\n")
    answer = transfers_from_files(data, costs, 1000.0, pools=[0.0, 1500.0], cap=600.0)
    assert answer.result.regions["gap"].tolist() == [1000, 500, 0]
    # c = 2/3 would give A 667 > 600: A capped, 600 + 500c = 1000 → c = 0.8
    assert answer.result.regions["transfer"].tolist() == pytest.approx([600, 400, 0])
    assert answer.simulation is not None and answer.simulation["total_transfer"].tolist() == pytest.approx([0, 1100])
    assert needs_from_files(data, costs)["need"].tolist() == [1000, 1000, 0]


def test_a_missing_cost_is_located_in_the_costs_file(tmp_path: Path) -> None:
    data, costs = files(tmp_path, "region,population,capacity,dibao\nA,1,1,1\n", "item,unit_cost\ndibao,\n")
    with pytest.raises(InputError) as refused:
        transfers_from_files(data, costs, 1.0)
    assert str(refused.value).startswith("costs.csv:2:2:")


def test_growth_from_file(tmp_path: Path) -> None:
    path = tmp_path / "spending.csv"
    path.write_text("region,year,spending,revenue\nA,2020,100,100\nA,2021,111,110\n", encoding="utf-8")
    answer = growth_from_file(path)
    assert answer.years["ok"].tolist() == [None, True] and answer.regions["ok"].tolist() == [True]
