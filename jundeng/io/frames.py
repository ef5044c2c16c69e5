"""Read a data table for analysis (CSV in UTF-8/GBK, XLSX/XLS first data sheet, Parquet) into pandas."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from jundeng.errors import InputError, Problem
from jundeng.io.tables import decode_file, read_workbook


def read_frame(path: str | Path) -> pd.DataFrame:
    """Return the table in ``path``; numeric-looking columns become numbers. Raise InputError if unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError([Problem(path.name, 0, 0, "文件不存在", "no such file")])
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        tables, problems = read_workbook(path, path.name)
        if not tables:
            raise InputError(problems or [Problem(path.name, 1, 1, "没有数据表", "no data sheet")])
        table = tables[0]
        frame = pd.DataFrame(table.rows, columns=table.header)
    elif suffix in (".csv", ".txt"):
        text, problems = decode_file(path)
        if problems:
            raise InputError(problems)
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    else:
        raise InputError(
            [
                Problem(
                    path.name,
                    0,
                    0,
                    f"不支持的文件类型 {suffix}",
                    f"unsupported file type {suffix}: CSV, XLSX, XLS, Parquet",
                )
            ]
        )
    for column in frame.columns:
        converted = pd.to_numeric(frame[column].replace("", None), errors="coerce")
        if converted.notna().sum() == (frame[column] != "").sum():
            frame[column] = converted
        else:
            frame[column] = frame[column].replace("", None)
    return frame
