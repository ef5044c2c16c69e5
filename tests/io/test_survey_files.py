"""The questionnaire (YAML) and survey microdata read with file:row:column errors, every one at once."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jundeng.domain.survey import Questionnaire, SurveyItem
from jundeng.errors import InputError, JundengError
from jundeng.io.survey_files import read_microdata, read_questionnaire

QUESTIONNAIRE = """\
code: SAT2024
title: 公共服务满意度调查
items:
  - code: Q3
    text: 您对社区卫生服务是否满意？
    scale: [1, 2, 3, 4, 5]
    labels: {1: 很不满意, 5: 很满意}
    satisfied: [4, 5]
    indicator: SAT_HEALTH
  - code: Q4
    text: 您对公交服务是否满意？
    scale: [1, 2, 3]
    satisfied: [3]
"""
GOOD = (
    "id,region,urban_rural,sex,weight,stratum,psu,stratum_size,Q3,Q4\n"
    "r1,440402001,urban,f,10,A,a1,5,5,3\n"
    "r2,440402001,urban,m,12.5,A,a1,5,4,\n"
    "r3,440402105,rural,f,8,A,a2,5,,1\n"
    "r4,440403001,rural,m,9,B,b1,4,2,2\n"
    "r5,440403001,urban,,7,B,b2,4,1,3\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(call: Callable[[], Any]) -> list[str]:
    with pytest.raises(InputError) as refused:
        call()
    return [f"{p.file}:{p.row}:{p.column}: {p.en}" for p in refused.value.problems]


@pytest.fixture
def form(tmp_path: Path) -> Questionnaire:
    return read_questionnaire(write(tmp_path, "q.yaml", QUESTIONNAIRE))


def test_questionnaire_reads(form: Questionnaire) -> None:
    assert form.code == "SAT2024" and form.codes == ["Q3", "Q4"]
    q3 = form.item("Q3")
    assert q3.scale == [1, 2, 3, 4, 5] and q3.satisfied == [4, 5] and q3.labels == {1: "很不满意", 5: "很满意"}
    assert q3.indicator == "SAT_HEALTH" and form.item("Q4").indicator is None and form.item("Q4").labels == {}
    with pytest.raises(JundengError, match="has no item 'Q9'"):
        form.item("Q9")


def test_questionnaire_errors_are_located(tmp_path: Path) -> None:
    off = QUESTIONNAIRE.replace("satisfied: [4, 5]", "satisfied: [4, 6]")
    found = problems(lambda: read_questionnaire(write(tmp_path, "q.yaml", off)))
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'q.yaml'}:4:5: field items.0:")
    assert "satisfied answer(s) 6 not on the scale 1, 2, 3, 4, 5" in found[0]
    twice = QUESTIONNAIRE.replace("code: Q4", "code: Q3").replace("scale: [1, 2, 3]\n", "scale: [1, 2, 3]\n    x: 1\n")
    found = problems(lambda: read_questionnaire(write(tmp_path, "q2.yaml", twice)))
    assert any(":13:5: field items.1.x:" in p for p in found), found
    with pytest.raises(InputError) as refused:
        read_questionnaire(write(tmp_path, "q3.yaml", QUESTIONNAIRE.replace("code: Q4", "code: Q3")))
    assert "repeated item code(s): Q3" in str(refused.value) and "题目代码重复" in str(refused.value)


def test_models_refuse_inconsistent_items() -> None:
    with pytest.raises(ValueError, match="label"):
        SurveyItem(code="Q1", text="t", scale=[1, 2], labels={3: "x"}, satisfied=[2])
    with pytest.raises(ValueError, match="repeated scale"):
        SurveyItem(code="Q1", text="t", scale=[1, 1, 2], satisfied=[2])


def test_good_microdata_reads(tmp_path: Path, form: Questionnaire) -> None:
    micro = read_microdata(write(tmp_path, "d.csv", GOOD), form)
    assert micro.name == "d.csv" and micro.lines == [2, 3, 4, 5, 6]
    assert micro.items == ["Q3", "Q4"] and micro.groups == ["urban_rural", "sex"]
    assert micro.design == {"weight": "weight", "stratum": "stratum", "psu": "psu", "stratum_size": "stratum_size"}
    frame = micro.frame
    assert frame["weight"].tolist() == [10, 12.5, 8, 9, 7] and frame["stratum_size"].tolist() == [5, 5, 5, 4, 4]
    assert math.isnan(frame["Q3"][2]) and frame["Q3"][0] == 5 and pd.isna(frame["sex"][4])
    assert frame["region"].tolist()[0] == "440402001"


def test_optional_design_columns_absent(tmp_path: Path, form: Questionnaire) -> None:
    """Without stratum, psu, stratum_size columns the design has none; a missing other item is fine."""
    path = write(tmp_path, "d.csv", "region,w,Q3\nA,1,5\nB,2,1\n")
    micro = read_microdata(path, form, weight="w", item="Q3")
    assert micro.design == {"weight": "w", "stratum": None, "psu": None, "stratum_size": None}
    assert micro.items == ["Q3"] and micro.groups == []


def test_every_bad_cell_is_located(tmp_path: Path, form: Questionnaire) -> None:
    bad = (
        "id,region,urban_rural,weight,stratum,psu,stratum_size,Q3,Q4\n"
        "r1,440402001,urban,10,A,a1,5,7,3\n"  # Q3 off the scale
        "r1,440402001,urban,0,A,a1,5,abc,\n"  # duplicate id, weight 0, non-numeric answer
        "r3,,rural,,A,a2,6,4,\n"  # empty region, missing weight, size varies within A
        "r4,440403001,rural,-2,B,b1,1,2,2\n"  # negative weight; B has 2 PSUs but size 1
        "r5,440403001,urban,7,B,b2,1,1,3.5\n"  # Q4 off the scale
    )
    found = problems(lambda: read_microdata(write(tmp_path, "d.csv", bad), form))
    expected = [
        "d.csv:2:8: answer '7' off the scale of item Q3 (1, 2, 3, 4, 5)",
        "d.csv:3:1: duplicate id 'r1' (first at row 2)",
        "d.csv:3:4: weight '0' must be greater than 0",
        "d.csv:3:8: item Q3: non-numeric answer",
        "d.csv:4:2: empty region",
        "d.csv:4:4: weight: missing weight",
        "d.csv:5:4: weight '-2' must not be negative",
        "d.csv:6:9: answer '3.5' off the scale of item Q4 (1, 2, 3)",
        "d.csv:4:7: stratum A size 6 differs from 5 at row 2",
        "d.csv:5:7: stratum B size 1 is below the 2 PSUs sampled in the stratum",
    ]
    assert len(found) == len(expected), found
    for want in expected:
        assert any(p.startswith(want) for p in found), (want, found)


def test_size_without_strata_counts_rows_as_psus(tmp_path: Path, form: Questionnaire) -> None:
    path = write(tmp_path, "d.csv", "region,weight,stratum_size,Q3\nA,1,2,5\nA,1,2,4\nB,1,2,1\n")
    assert problems(lambda: read_microdata(path, form)) == [
        "d.csv:2:3: size 2 is below the 3 PSUs sampled in the stratum"
    ]


def test_a_single_psu_stratum_is_not_a_file_error(tmp_path: Path, form: Questionnaire) -> None:
    path = write(tmp_path, "d.csv", "region,weight,stratum,psu,Q3\nA,1,S1,p1,5\nA,1,S1,p1,4\nB,1,S2,p2,1\n")
    assert read_microdata(path, form).frame["stratum"].tolist() == ["S1", "S1", "S2"]


def test_header_problems(tmp_path: Path, form: Questionnaire) -> None:
    path = write(tmp_path, "d.csv", "region,weight,Q4\nA,1,3\n")
    found = problems(lambda: read_microdata(path, form, item="Q3"))
    assert found == ["d.csv:1:1: no column for item 'Q3', the item asked for (questionnaire SAT2024)"]
    assert read_microdata(path, form).items == ["Q4"]  # Q3 missing is fine when Q3 is not asked for
    explicit = problems(lambda: read_microdata(path, form, stratum="strat", psu="cluster"))
    assert explicit == [
        "d.csv:1:1: missing stratum column 'strat' (--stratum strat)",
        "d.csv:1:1: missing psu column 'cluster' (--psu cluster)",
    ]
    no_weight = write(tmp_path, "e.csv", "区划代码,Q3\nA,5\n")
    assert problems(lambda: read_microdata(no_weight, form)) == [
        "e.csv:1:1: missing weight column 'weight' (--weight weight)"
    ]
    no_region = write(tmp_path, "f.csv", "weight,Q3\n1,5\n")
    assert problems(lambda: read_microdata(no_region, form)) == ["f.csv:1:1: missing required column region"]


def test_messages_are_bilingual(tmp_path: Path, form: Questionnaire) -> None:
    path = write(tmp_path, "d.csv", "region,weight,Q3\nA,0,9\n")
    with pytest.raises(InputError) as refused:
        read_microdata(path, form)
    text = str(refused.value)
    assert "d.csv:2:2: 权数 weight '0' 须大于 0 / weight '0' must be greater than 0" in text
    assert "答案 '9' 不在题目 Q3 的量表（1, 2, 3, 4, 5）内" in text
