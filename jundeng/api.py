"""Python facade for notebooks and the engines: ``jundeng.open(url)`` returns pandas DataFrames."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from jundeng.store import catalog_repo, export, regions_repo
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
        with self.db.session() as session:
            frame = export.observations_frame(
                session,
                with_meta=True,
                indicators=indicators,
                periods=periods,
                statuses=statuses,
                history=history,
            )
        return frame.to_pandas()

    def indicators(self) -> pd.DataFrame:
        """Return the indicators of the catalogue."""
        with self.db.session() as session:
            return pd.DataFrame([i.model_dump(mode="json") for i in catalog_repo.indicators(session)])

    def targets(self) -> pd.DataFrame:
        """Return the targets with baselines and source clauses."""
        with self.db.session() as session:
            return export.targets_frame(session).to_pandas()

    def regions(self) -> pd.DataFrame:
        """Return the administrative tree (one row per region)."""
        with self.db.session() as session:
            return export.regions_frame(session).to_pandas()

    def population(self) -> pd.DataFrame:
        """Return registered and resident population by region, year and group."""
        with self.db.session() as session:
            rows = [p.model_dump() for p in regions_repo.population(session)]
        return pd.DataFrame(rows, columns=["region", "year", "group", "registered", "resident"])

    def close(self) -> None:
        """Release the database connections."""
        self.db.dispose()


def open(url: str | None = None) -> Jundeng:  # noqa: A001 - the public name the brief asks for
    """Return a :class:`Jundeng` facade on the database at ``url`` (default: the embedded SQLite file)."""
    return Jundeng(url)
