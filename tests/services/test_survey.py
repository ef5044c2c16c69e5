"""Survey estimates on files: the service equals the engine on the same arrays, groups and regions."""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jundeng.errors import InputError, JundengError
from jundeng.services.regions import regions
from jundeng.services.survey import COLUMNS, estimate_file
from jundeng.store.db import Database
from jundeng.survey import Design, Estimate, SurveyError, proportion
from jundeng.survey import mean as engine_mean
from tests.conftest import write

QUESTIONNAIRE = """\
code: SAT
title: 满意度
items:
  - {code: Q3, text: 卫生服务, scale: [1, 2, 3, 4, 5], satisfied: [4, 5], indicator: SAT_HEALTH}
  - {code: Q4, text: 公交, scale: [1, 2, 3], satisfied: [3]}
"""
# Regions of Zhuhai: 440402001 翠香街道 and 440402105 桂山镇 lie in 香洲区 440402; 440403001 in 斗门区 440403.
DATA = (
    "id,region,urban_rural,sex,weight,stratum,psu,Q3,Q4\n"
    "1,440402001,urban,f,10,A,a1,5,3\n"
    "2,440402001,urban,m,12,A,a1,4,\n"
    "3,440402105,rural,f,8,A,a2,2,1\n"
    "4,440402105,rural,m,9,A,a2,,2\n"
    "5,440403001,urban,f,11,B,b1,5,3\n"
    "6,440403001,rural,m,7,B,b2,3,3\n"
    "7,440403001,rural,f,6,B,b2,4,1\n"
    "8,440403001,urban,m,5,B,b3,1,2\n"
)
WEIGHT = np.array([10, 12, 8, 9, 11, 7, 6, 5], dtype=float)
STRATUM = np.array(list("AAAABBBB"), dtype=object)
PSU = np.array(["a1", "a1", "a2", "a2", "b1", "b2", "b2", "b3"], dtype=object)
Q3 = np.array([5, 4, 2, np.nan, 5, 3, 4, 1])
SATISFIED = np.where(np.isnan(Q3), np.nan, (Q3 >= 4).astype(float))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "d.csv", DATA), write(tmp_path / "q.yaml", QUESTIONNAIRE)


def _same(cells: pd.DataFrame, estimates: list[Estimate]) -> None:
    """Assert the service's cells equal the engine's estimates exactly (NaN equal to NaN)."""
    pd.testing.assert_frame_equal(cells, pd.DataFrame([asdict(e) for e in estimates], columns=COLUMNS))


def test_share_equals_the_engine_on_the_same_arrays(files: tuple[Path, Path]) -> None:
    answer = estimate_file(*files, item="Q3")
    assert answer.item == "Q3" and answer.kind == "share" and answer.cells.columns.tolist() == COLUMNS
    direct = proportion(SATISFIED, Design(WEIGHT, STRATUM, PSU))
    _same(answer.cells, direct)
    cell = answer.cells.iloc[0]
    assert cell["group"] == "total" and cell["n"] == 7
    assert cell["estimate"] == pytest.approx((10 + 12 + 11 + 6) / (10 + 12 + 8 + 11 + 7 + 6 + 5))


def test_mean_and_options_reach_the_engine(files: tuple[Path, Path]) -> None:
    answer = estimate_file(*files, item="Q3", mean=True, by=["sex"], level=0.9, min_n=2)
    direct = engine_mean(Q3, Design(WEIGHT, STRATUM, PSU), domain=list("fmfmfmfm"), level=0.9, min_n=2)
    assert answer.kind == "mean"
    _same(answer.cells, direct)
    wilson = estimate_file(*files, item="Q3", ci="wilson")
    assert wilson.cells["ci_low"][0] == pytest.approx(
        proportion(SATISFIED, Design(WEIGHT, STRATUM, PSU), ci="wilson")[0].ci_low
    )


def test_hand_computed_share_without_strata(tmp_path: Path, files: tuple[Path, Path]) -> None:
    """No strata, no PSUs: p = Σ w y / Σ w, V = n/(n − 1) Σ (z_i − z̄)² with z_i = w_i (y_i − p) / Σ w."""
    data = write(tmp_path / "s.csv", "region,weight,Q3\nA,1,5\nA,2,1\nA,3,4\nA,4,\nA,2,2\n")
    cell = estimate_file(data, files[1], item="Q3").cells.iloc[0]
    w, y = np.array([1, 2, 3, 2.0]), np.array([1, 0, 1, 0.0])
    p = (w * y).sum() / w.sum()
    z = np.append(w * (y - p) / w.sum(), 0.0)  # the row without an answer stays in the design with z = 0
    se = math.sqrt(5 / 4 * ((z - z.mean()) ** 2).sum())
    assert cell["estimate"] == pytest.approx(0.5) and cell["se"] == pytest.approx(se) and cell["n"] == 4


def test_by_two_columns_gives_each_combination(files: tuple[Path, Path]) -> None:
    cells = estimate_file(*files, item="Q3", by=["urban_rural", "sex"]).cells
    assert cells["group"].tolist() == ["rural · f", "rural · m", "urban · f", "urban · m"]
    assert cells["n"].tolist() == [2, 1, 2, 2]  # row 4 (rural · m) has no answer
    domain = [f"{u} · {s}" for u, s in zip(["urban"] * 2 + ["rural"] * 2 + ["urban", "rural", "rural", "urban"],
                                           list("fmfmfmfm"), strict=True)]  # fmt: skip
    direct = proportion(SATISFIED, Design(WEIGHT, STRATUM, PSU), domain=domain)
    _same(cells, direct)
    assert cells["estimate"][2] == pytest.approx(1.0)  # urban · f: 5 and 5
    assert cells["small"].all()


def test_lonely_psu_is_refused_naming_the_stratum_then_accepted(tmp_path: Path, files: tuple[Path, Path]) -> None:
    data = write(tmp_path / "l.csv", DATA.replace(",A,a2,", ",A,a1,"))
    with pytest.raises(SurveyError) as refused:
        estimate_file(data, files[1], item="Q3")
    assert "stratum A has a single PSU" in str(refused.value) and "--lonely certainty" in str(refused.value)
    assert "--lonely adjust" in str(refused.value) and "层 A 只有一个初级抽样单元" in str(refused.value)
    certain = estimate_file(data, files[1], item="Q3", lonely="certainty").cells.iloc[0]
    adjusted = estimate_file(data, files[1], item="Q3", lonely="adjust").cells.iloc[0]
    assert 0 < certain["se"] < adjusted["se"]


def test_design_columns_by_other_names(tmp_path: Path, files: tuple[Path, Path]) -> None:
    renamed = DATA.replace("weight,stratum,psu", "w,h,cluster")
    data = write(tmp_path / "r.csv", renamed)
    answer = estimate_file(data, files[1], item="Q3", weight="w", stratum="h", psu="cluster")
    assert answer.cells.equals(estimate_file(*files, item="Q3").cells)
    no_design = estimate_file(data, files[1], item="Q3", weight="w")  # h and cluster become groups
    assert no_design.cells["se"][0] != answer.cells["se"][0]
    assert estimate_file(data, files[1], item="Q3", weight="w", by=["h"]).cells["group"].tolist() == ["A", "B"]


def test_refusals(files: tuple[Path, Path]) -> None:
    with pytest.raises(JundengError, match="has no item 'Q9'"):
        estimate_file(*files, item="Q9")
    with pytest.raises(JundengError, match="cannot group by 'hukou'"):
        estimate_file(*files, item="Q3", by=["hukou"])
    with pytest.raises(JundengError, match="needs the regions of a database"):
        estimate_file(*files, item="Q3", by=["district"])
    with pytest.raises(SurveyError, match="--lonely must be one of"):
        estimate_file(*files, item="Q3", lonely="skip")
    with pytest.raises(InputError, match="missing stratum column 'strat'"):
        estimate_file(*files, item="Q3", stratum="strat")


def test_by_district_uses_the_regions_of_the_database(db: Database, files: tuple[Path, Path]) -> None:
    known = regions(db)
    cells = estimate_file(*files, item="Q3", by=["district"], regions=known).cells
    assert cells["group"].tolist() == ["440402", "440403"]
    direct = proportion(SATISFIED, Design(WEIGHT, STRATUM, PSU), domain=["440402"] * 4 + ["440403"] * 4)
    _same(cells, direct)
    both = estimate_file(*files, item="Q3", by=["district", "urban_rural"], regions=known).cells
    assert both["group"].tolist() == ["440402 · rural", "440402 · urban", "440403 · rural", "440403 · urban"]
    towns = estimate_file(*files, item="Q3", by=["town"], regions=known).cells
    assert towns["group"].tolist() == ["440402001", "440402105", "440403001"]
    unknown = files[0].with_name("u.csv")
    write(unknown, DATA.replace("440403001", "999999999"))
    with pytest.raises(JundengError, match="unknown region code"):
        estimate_file(unknown, files[1], item="Q3", by=["district"], regions=known)
