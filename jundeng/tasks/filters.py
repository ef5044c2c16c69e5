"""The one ledger filter (pure): the rows of an assessed ledger a principal may see, narrowed by light,
status, unit, district and domain."""

from __future__ import annotations

from typing import Any

import pandas as pd

from jundeng.domain.principal import Principal


def _names(cell: Any) -> list[str]:
    return [] if cell is None or isinstance(cell, float) else [str(n) for n in cell]


def _mask(table: pd.DataFrame, values: list[bool]) -> pd.Series[bool]:
    return pd.Series(values, index=table.index, dtype=bool)


def filter_ledger(
    table: pd.DataFrame,
    *,
    light: str | None = None,
    status: str | None = None,
    unit: str | None = None,
    district: str | None = None,
    domain: str | None = None,
    principal: Principal | None = None,
) -> pd.DataFrame:
    """Return the rows of an :func:`~jundeng.tasks.assess` table that match every filter given (empty = any)."""
    if table.empty:
        return table
    keep = pd.Series(True, index=table.index)
    rows = list(zip(table["lead_units"], table["responsible_units"], table["districts"], strict=True))
    if principal is not None:
        keep &= _mask(table, [principal.sees_task(_names(lead), _names(resp), _names(ds)) for lead, resp, ds in rows])
    if unit:
        keep &= _mask(table, [unit in [*_names(lead), *_names(resp)] for lead, resp, _ in rows])
    if district:
        keep &= _mask(table, [district in _names(ds) for _, _, ds in rows])
    if status:
        keep &= table["status"] == status
    if light:
        keep &= table["light"] == light
    if domain:
        keep &= table["domain"] == domain
    return table[keep.astype(bool)]
