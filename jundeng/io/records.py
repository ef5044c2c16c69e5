"""The one conversion of tables and values to JSON-ready Python (used by the API, the pages, the CLI, bulletins)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any


def plain(value: Any) -> Any:
    """Return ``value`` as JSON-ready Python: numpy scalars and arrays as Python, dates as ISO text,
    NaN/inf/NA/NaT as None, mappings and sequences converted item by item."""
    if type(value).__module__ == "numpy":
        value = value.tolist() if getattr(value, "ndim", 0) else value.item()
    if value is None or type(value).__name__ in ("NaTType", "NAType"):
        return None
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def records(frame: Any) -> list[dict[str, Any]]:
    """Return a pandas or polars DataFrame as a list of JSON-ready dicts (see :func:`plain`)."""
    rows = frame.to_dicts() if hasattr(frame, "to_dicts") else frame.to_dict(orient="records")
    return [{str(k): plain(v) for k, v in row.items()} for row in rows]
