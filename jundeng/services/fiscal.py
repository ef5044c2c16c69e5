"""Fiscal equalization use cases: needs, transfers from a pool, the growth check, on files or the database.

The front ends call these; they read the files through :mod:`jundeng.io.fiscal_files` (located errors), the
stored facts through :mod:`jundeng.store.fiscal_repo` (imports: :mod:`jundeng.services.fiscal_db`), and run the
pure engine :mod:`jundeng.fiscal`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jundeng.fiscal import (
    TransferResult,
    districts_from_frame,
    growth_check,
    growth_summary,
    needs_table,
    transfer_model,
)
from jundeng.io.fiscal_files import read_cost_table, read_districts, read_growth


@dataclass(frozen=True)
class Costs:
    """Unit cost (元 per eligible person per year) and the city's share of the spending of each item."""

    unit_cost: dict[str, float]
    city_share: dict[str, float]


def costs_of(table: pd.DataFrame) -> Costs:
    """Return :class:`Costs` from a frame with item, unit_cost and city_share."""
    items = table["item"].astype(str)
    return Costs(
        dict(zip(items, table["unit_cost"].astype(float), strict=True)),
        dict(zip(items, table["city_share"].astype(float), strict=True)),
    )


def _inputs(data: str | Path, costs: str | Path) -> tuple[pd.DataFrame, Costs]:
    found = costs_of(read_cost_table(costs))
    return read_districts(data, found.unit_cost, Path(costs).name), found


def needs_from_files(data: str | Path, costs: str | Path, *, basis: str = "total") -> pd.DataFrame:
    """Return the standard need (total, own, city), capacity and gap of every district in DATA, costs from COSTS."""
    frame, found = _inputs(data, costs)
    return needs_table(districts_from_frame(frame), found.unit_cost, found.city_share, basis)


@dataclass(frozen=True)
class TransferAnswer:
    """The transfers of one pool and, when asked, the summary of each pool of a simulation."""

    result: TransferResult
    simulation: pd.DataFrame | None


def transfers_from_files(
    data: str | Path,
    costs: str | Path,
    pool: float,
    *,
    pools: Sequence[float] = (),
    floor: float | None = None,
    cap: float | None = None,
    basis: str = "total",
) -> TransferAnswer:
    """Return the transfers of ``pool`` (元) over the districts in DATA and a simulation over ``pools``."""
    frame, found = _inputs(data, costs)
    districts = districts_from_frame(frame)
    model = transfer_model(districts, found.unit_cost, floor, cap, city_share=found.city_share, basis=basis)
    return TransferAnswer(model.run(pool), model.simulate(pools) if pools else None)


@dataclass(frozen=True)
class GrowthAnswer:
    """The growth check per region and year, and per region the years it failed."""

    years: pd.DataFrame
    regions: pd.DataFrame


def growth_from_file(path: str | Path) -> GrowthAnswer:
    """Return the check that spending grows faster than recurrent revenue, per region and year, from SPENDING."""
    years = growth_check(read_growth(path))
    return GrowthAnswer(years, growth_summary(years))
