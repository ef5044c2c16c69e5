"""Accessibility on the database: import facilities and demand points (unknown regions refused, located), and
answer coverage and floating-catchment scores from what is stored within one programme (``under``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jundeng.access import AccessError
from jundeng.domain.regions import Region
from jundeng.errors import InputError, Problem
from jundeng.io.access_files import read_cost_matrix, read_facilities, read_population
from jundeng.services.access import CoverageAnswer, ScoreAnswer, Steps, coverage_of, score_of
from jundeng.services.cache import cached
from jundeng.store import access_repo, regions_repo
from jundeng.store.db import Database


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote per file: rows with a new revision and rows equal to the current ones."""

    facilities: tuple[int, int] | None  # (written, unchanged); None when no file was given
    points: tuple[int, int] | None


def _unknown(name: str, codes: pd.Series, lines: list[int], column: int, known: set[str]) -> list[Problem]:
    return [
        Problem(name, line, column, f"未知的区划代码 {code!r}", f"unknown region code {code!r}")
        for code, line in zip(codes, lines, strict=True)
        if not pd.isna(code) and code not in known
    ]


def import_files(
    db: Database,
    *,
    facilities: str | Path | None = None,
    population: str | Path | None = None,
    user: str,
    source: str | None = None,
    epsg: int | None = None,
) -> ImportSummary:
    """Store the facilities and/or the demand points of files, all or nothing: every problem (an unknown region
    included) is located, and nothing is written when any file has one."""
    if facilities is None and population is None:
        raise AccessError("请给出设施文件或人口文件", "give a facilities file, a population file or both")
    sites = read_facilities(facilities, epsg=epsg) if facilities is not None else None
    found = read_population(population, epsg=epsg) if population is not None else None
    with db.session(write=True) as session:
        known = regions_repo.region_codes(session)
        problems: list[Problem] = []
        if sites is not None and "region" in sites.columns:
            problems += _unknown(sites.name, sites.frame["region"], sites.lines, sites.columns["region"], known)
        if found is not None:
            problems += _unknown(found.name, found.frame["region"], found.lines, found.columns["region"], known)
        if problems:
            raise InputError(problems)
        written_sites = written_points = None
        if sites is not None and facilities is not None:
            what = Path(facilities).name
            written_sites = access_repo.write_facilities(session, sites.frame, user=user, source=source, what=what)
        if found is not None and population is not None:
            what = Path(population).name
            written_points = access_repo.write_points(
                session, found.frame, user=user, source=source, what=what, groups=found.groups
            )
    return ImportSummary(written_sites, written_points)


def read_all(db: Database, under: str | None) -> tuple[pd.DataFrame, pd.DataFrame, list[Region]]:
    """Return the stored facilities, demand points and regions of the programme (empty frames when none), cached
    per access-data version: callers must not change the frames."""
    with db.session() as session:
        fingerprint = access_repo.version(session)

    def read() -> tuple[pd.DataFrame, pd.DataFrame, list[Region]]:
        with db.session() as session:
            keep = regions_repo.programme_codes(session, under=under)
            sites = access_repo.facilities(session, category=None, regions=keep)
            points = access_repo.points(session, regions=keep)
            regions = [r for r in regions_repo.regions(session) if r.code in keep]
        return sites, points, regions

    return cached((db.url, fingerprint, "access-inputs", under), read)


def stored_inputs(db: Database, under: str | None) -> tuple[pd.DataFrame, pd.DataFrame, list[Region]]:
    """Return the stored facilities, demand points and regions of the programme; AccessError when none."""
    sites, points, regions = read_all(db, under)
    if points.empty:
        raise AccessError(
            "库中没有人口点：请先运行 jundeng access import --population",
            "no demand points stored: run `jundeng access import --population` first",
        )
    if sites.empty:
        raise AccessError(
            "库中没有设施：请先运行 jundeng access import --facilities",
            "no facilities stored: run `jundeng access import --facilities` first",
        )
    return sites, points, regions


def _costs(cost: str | Path | None, sites: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame | None:
    if cost is None:
        return None
    ids = set(points["id"].astype(str)), set(sites["id"].astype(str))
    return read_cost_matrix(cost, origins=ids[0], destinations=ids[1]).frame


def coverage(
    db: Database,
    *,
    within: float,
    under: str | None = None,
    category: str | None = None,
    cost: str | Path | None = None,
    by: str = "region",
    year: int | None = None,
) -> CoverageAnswer:
    """Return the coverage of the stored demand points of the programme by its stored facilities (those open
    in ``year`` when given)."""
    sites, points, regions = stored_inputs(db, under)
    costs = _costs(cost, sites, points)
    return coverage_of(sites, points, within=within, category=category, costs=costs, by=by, regions=regions, year=year)


def score(
    db: Database,
    *,
    catchment: float,
    method: str = "e2sfca",
    weights: str | Steps | None = None,
    bandwidth: float | None = None,
    under: str | None = None,
    category: str | None = None,
    cost: str | Path | None = None,
    by: str = "region",
    year: int | None = None,
) -> ScoreAnswer:
    """Return the floating-catchment scores of the stored demand points of the programme (facilities open in
    ``year`` when given)."""
    sites, points, regions = stored_inputs(db, under)
    return score_of(
        sites,
        points,
        method=method,
        catchment=catchment,
        weights=weights,
        bandwidth=bandwidth,
        category=category,
        costs=_costs(cost, sites, points),
        by=by,
        regions=regions,
        year=year,
    )
