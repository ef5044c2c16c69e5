"""Python facade for notebooks and the engines: ``jundeng.open(url)`` returns pandas DataFrames."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from jundeng.services import catalog, observations, regions
from jundeng.store.db import Database


class Jundeng:
    """A read-only view of one Jundeng database as pandas DataFrames."""

    def __init__(self, url: str | None = None) -> None:
        self.db = Database(url)

    def observations(
        self,
        indicators: Iterable[str] | None = None,
        periods: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        *,
        history: bool = False,
    ) -> pd.DataFrame:
        """Return current observations (or every revision) with one column per disaggregation dimension."""
        frame = observations.table(self.db, indicators=indicators, periods=periods, statuses=statuses, history=history)
        return frame.to_pandas()

    def indicators(self) -> pd.DataFrame:
        """Return the indicators of the catalogue."""
        return pd.DataFrame([i.model_dump(mode="json") for i in catalog.indicators(self.db)])

    def targets(self, under: str | None = None) -> pd.DataFrame:
        """Return the targets with baselines and source clauses, of the programme ``under`` (needed when the
        database holds several)."""
        return observations.export_frames(self.db, what="targets", under=under)["targets"].to_pandas()

    def regions(self, under: str | None = None) -> pd.DataFrame:
        """Return the administrative tree (one row per region) of the programme ``under`` (needed when the
        database holds several)."""
        return observations.export_frames(self.db, what="regions", under=under)["regions"].to_pandas()

    def population(self) -> pd.DataFrame:
        """Return registered and resident population by region, year and group."""
        rows = [p.model_dump() for p in regions.population(self.db)]
        return pd.DataFrame(rows, columns=["region", "year", "group", "registered", "resident"])

    def close(self) -> None:
        """Release the database connections."""
        self.db.dispose()


def open(url: str | None = None) -> Jundeng:  # noqa: A001 - the public name the brief asks for
    """Return a :class:`Jundeng` facade on the database at ``url`` (default: the embedded SQLite file)."""
    return Jundeng(url)
