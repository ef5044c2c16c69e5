"""The one conversion of tables and values to JSON-ready Python (used by the API, the pages and the CLI)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any


def plain(value: Any) -> Any:
    """Return ``value`` as plain JSON-ready Python: numpy scalars as Python, dates as ISO text, NaN as None."""
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.tolist() if getattr(value, "ndim", 0) else value.item()
    if value is not None and type(value).__name__ in ("NaTType", "NAType"):
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def records(frame: Any) -> list[dict[str, Any]]:
    """Return a pandas or polars DataFrame as a list of JSON-ready dicts (see :func:`plain`)."""
    rows = frame.to_dicts() if hasattr(frame, "to_dicts") else frame.to_dict(orient="records")
    return [{str(k): plain(v) for k, v in row.items()} for row in rows]
