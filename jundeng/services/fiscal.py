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
from jundeng.io.fiscal_files import read_costs, read_districts, read_growth


def _inputs(data: str | Path, costs: str | Path) -> tuple[pd.DataFrame, dict[str, float]]:
    unit_costs = read_costs(costs)
    return read_districts(data, unit_costs, Path(costs).name), unit_costs


def needs_from_files(data: str | Path, costs: str | Path) -> pd.DataFrame:
    """Return the standard need, capacity and gap of every district in DATA, with unit costs from COSTS."""
    frame, unit_costs = _inputs(data, costs)
    return needs_table(districts_from_frame(frame), unit_costs)


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
) -> TransferAnswer:
    """Return the transfers of ``pool`` (元) over the districts in DATA and a simulation over ``pools``."""
    frame, unit_costs = _inputs(data, costs)
    model = transfer_model(districts_from_frame(frame), unit_costs, floor, cap)
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
