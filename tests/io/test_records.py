"""The one JSON conversion: numpy, dates, missing values, nested containers, pandas and polars frames."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import polars as pl

from jundeng.io.records import plain, records


def test_plain_turns_numpy_dates_and_missing_values_into_json() -> None:
    assert plain(np.int64(3)) == 3 and type(plain(np.int64(3))) is int
    assert plain(np.float64(2.5)) == 2.5
    assert plain(np.array([1, 2])) == [1, 2]
    assert plain(dt.date(2017, 9, 30)) == "2017-09-30"
    assert plain(pd.Timestamp("2017-09-30 08:00")) == "2017-09-30T08:00:00"
    for missing in (float("nan"), np.nan, float("inf"), pd.NA, pd.NaT, None):
        assert plain(missing) is None
    assert plain({"a": (np.float64("nan"), dt.date(2020, 1, 1))}) == {"a": [None, "2020-01-01"]}
    assert plain("文本") == "文本" and plain(True) is True


def test_records_of_pandas_and_polars_frames_are_json_ready() -> None:
    frame = pd.DataFrame({"v": [1.0, np.nan], "d": [dt.date(2017, 1, 1), None], "units": [["甲"], []]})
    expected = [{"v": 1.0, "d": "2017-01-01", "units": ["甲"]}, {"v": None, "d": None, "units": []}]
    assert records(frame) == expected
    assert records(pl.from_pandas(frame[["v"]])) == [{"v": 1.0}, {"v": None}]
    json.dumps(records(frame), allow_nan=False)
