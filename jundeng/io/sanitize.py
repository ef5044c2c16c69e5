"""The one export sanitiser: text written to a CSV or XLSX file must never run as a spreadsheet formula.

Every writer of a spreadsheet or CSV file (web downloads, ``jundeng export``, bulletins, the task sheet, the
template, the CLI's CSV output) passes its cells through here. Following the OWASP guidance on CSV (formula)
injection, a text cell that starts with ``= + - @``, a tab or a carriage return is prefixed with a single quote,
so spreadsheets show it as text; C0 control characters other than tab, newline and carriage return (NUL
included) are removed, since they are invisible in a cell and openpyxl refuses them. Numbers stay numbers:
a negative number, or a text that is exactly a number such as ``-3.5``, is not a formula. Sanitising is
idempotent (an escaped cell starts with ``'``), and :func:`unescape` undoes it for a reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_CONTROL = re.compile(CONTROL)
_NUMBER = re.compile(NUMBER)
_TRIGGER = "^[=+\\-@\t\r]"


def text(value: str) -> str:
    """Return a text cell safe for a spreadsheet: control characters removed, a formula start quoted."""
    value = _CONTROL.sub("", value)
    if value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def cell(value: Any) -> Any:
    """Return one cell safe for a spreadsheet: text through :func:`text`, anything else (numbers) unchanged."""
    return text(value) if isinstance(value, str) else value


def row(values: Iterable[Any]) -> list[Any]:
    """Return a row of cells, each through :func:`cell`."""
    return [cell(v) for v in values]


def csv_cell(value: Any) -> Any:
    """Return one CSV cell: :func:`cell`, with line breaks as ``\n`` (a writer quotes ``\n`` but not a bare
    ``\r``, which a spreadsheet would take for the start of a new row)."""
    value = cell(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def unescape(value: str) -> str:
    """Return the text a sanitised cell held before :func:`text` quoted it (for readers of our own exports)."""
    if value.startswith("'") and value[1:].startswith(TRIGGERS) and not _NUMBER.fullmatch(value[1:]):
        return value[1:]
    return value


def polars_unescape(name: str) -> pl.Expr:
    """Return column ``name`` with :func:`unescape` applied (vectorised): a re-imported export reads as written."""
    import polars as pl

    column = pl.col(name)
    quoted = column.str.contains("^'[=+\\-@\t\r]") & ~column.str.slice(1).str.contains(f"^{NUMBER}$")
    return pl.when(quoted).then(column.str.slice(1)).otherwise(column).alias(name)


def polars_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with every text column and the header sanitised (vectorised; numbers untouched)."""
    import polars as pl

    texts = [name for name, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical) or _enum(dtype)]
    if texts:
        exprs = []
        for name in texts:
            clean = pl.col(name).cast(pl.String).str.replace_all(CONTROL, "")
            risky = clean.str.contains(_TRIGGER) & ~clean.str.contains(f"^{NUMBER}$")
            exprs.append(pl.when(risky).then(pl.lit("'") + clean).otherwise(clean).alias(name))
        frame = frame.with_columns(exprs)
    header = {name: text(name) for name in frame.columns}
    return frame.rename(header) if any(k != v for k, v in header.items()) else frame


def pandas_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell and the header sanitised (numbers untouched)."""
    out = frame.copy()
    for name in out.columns:
        if _text_dtype(out[name].dtype):
            out[name] = out[name].astype(object).map(cell)
    out.columns = [cell(c) for c in out.columns]
    return out


def pandas_csv(frame: pd.DataFrame) -> str:
    """Return ``frame`` as CSV text (no index) through :func:`pandas_frame`, line breaks inside a cell as ``\\n``
    (see :func:`csv_cell`): the CLI's CSV."""
    out = pandas_frame(frame)
    for name in out.columns:
        if _text_dtype(out[name].dtype):
            out[name] = out[name].map(csv_cell)
    return str(out.to_csv(index=False))


def _enum(dtype: Any) -> bool:
    import polars as pl

    return isinstance(dtype, pl.Enum)


def _text_dtype(dtype: Any) -> bool:
    import pandas as pd

    types = pd.api.types
    return bool(types.is_object_dtype(dtype) or types.is_string_dtype(dtype)) or isinstance(dtype, pd.CategoricalDtype)
