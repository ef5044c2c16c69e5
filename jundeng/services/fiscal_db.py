"""Fiscal equalization on the database: import the facts and the item costs, and answer needs, transfers and
the growth check from what is stored, within one programme (``under``) and one level of regions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jundeng.domain.regions import LEVELS
from jundeng.errors import InputError, Problem
from jundeng.fiscal import FiscalError, districts_from_frame, growth_check, growth_summary, needs_table, transfer_model
from jundeng.io.fiscal_files import read_cost_table, read_facts
from jundeng.services.fiscal import Costs, GrowthAnswer, TransferAnswer, costs_of
from jundeng.services.ledger import SYNTHETIC_MARK
from jundeng.store import catalog_repo, fiscal_repo, regions_repo
from jundeng.store.db import Database


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote: rows with a new revision and rows equal to the current ones."""

    written: int
    unchanged: int


def import_facts(db: Database, path: str | Path, *, user: str, source: str | None = None) -> ImportSummary:
    """Store the fiscal facts of a file, all or nothing: every problem (an unknown region or item included) is
    located. An item is known when the catalogue lists it or a unit cost is stored for it."""
    found = read_facts(path)
    with db.session(write=True) as session:
        known = regions_repo.region_codes(session)
        items = {i.code for i in catalog_repo.items(session, retired=True)} | set(fiscal_repo.costs(session)["item"])
        problems = [
            Problem(
                found.name,
                1,
                column,
                f"未知项目 {item!r}：目录中没有，也没有导入单位成本",
                f"unknown item {item!r}: not in the catalogue and no unit cost imported",
            )
            for item, column in found.item_columns.items()
            if item not in items
        ]
        problems += [
            Problem(found.name, line, found.region_column, f"未知的区划代码 {code!r}", f"unknown region code {code!r}")
            for code, line in zip(found.frame["region"], found.lines, strict=True)
            if code not in known
        ]
        if problems:
            raise InputError(problems)
        written, unchanged = fiscal_repo.write_facts(
            session, found.frame, items=found.items, user=user, source=source, what=Path(path).name
        )
    return ImportSummary(written, unchanged)


def import_costs(db: Database, path: str | Path, *, user: str, source: str | None = None) -> ImportSummary:
    """Store the unit cost and city share of each item of a file, all or nothing."""
    frame = read_cost_table(path)
    with db.session(write=True) as session:
        written, unchanged = fiscal_repo.write_costs(session, frame, user=user, source=source, what=Path(path).name)
    return ImportSummary(written, unchanged)


def _level_rows(
    session_regions: dict[str, tuple[str, str | None]], frame: pd.DataFrame, level: str | None
) -> pd.Series:
    """Return the mask of the rows at ``level``, by default the highest level below the programme's top."""
    levels = frame["region"].map(lambda r: session_regions[r][0])
    if level is None:
        below = [lv for r, lv in zip(frame["region"], levels, strict=True) if session_regions[r][1] is not None]
        present = sorted(set(below) or set(levels), key=lambda lv: LEVELS.index(lv) if lv in LEVELS else -1)
        level = present[-1] if present else None
    return levels == level


def _stored(db: Database, *, year: int | None, under: str | None, level: str | None) -> pd.DataFrame:
    with db.session() as session:
        keep = regions_repo.programme_codes(session, under=under)
        frame = fiscal_repo.facts(session, regions=keep, year=year)
        info = {r.code: (str(r.level), r.parent) for r in regions_repo.regions(session) if r.code in keep}
    if frame.empty:
        where = f"{year} 年" if year is not None else ""
        raise FiscalError(
            f"库中没有{where}的财政数据：请先运行 jundeng fiscal import",
            f"no fiscal facts stored{f' for {year}' if year is not None else ''}: run `jundeng fiscal import` first",
        )
    return frame[_level_rows(info, frame, level)].reset_index(drop=True)


def _inputs(
    db: Database, year: int, under: str | None, level: str | None, costs: str | Path | None
) -> tuple[pd.DataFrame, Costs]:
    frame = _stored(db, year=year, under=under, level=level)
    if costs is not None:
        found = costs_of(read_cost_table(costs))
    else:
        with db.session() as session:
            found = costs_of(fiscal_repo.costs(session))
    items = [c for c in frame.columns[len(fiscal_repo.FRAME_BASE) :] if frame[c].notna().any()]
    missing = [i for i in items if i not in found.unit_cost]
    if missing:
        shown = ", ".join(missing)
        raise FiscalError(
            f"项目 {shown} 没有单位成本：请先运行 jundeng fiscal import-costs",
            f"no unit cost for item {shown}: run `jundeng fiscal import-costs` first",
        )
    data = frame[["region", "population", "capacity", "cost_index", *items]].copy()
    data[items] = data[items].astype(np.float64).fillna(0.0)
    return data, found


def needs_from_db(
    db: Database,
    *,
    year: int,
    under: str | None = None,
    level: str | None = None,
    costs: str | Path | None = None,
    basis: str = "total",
) -> pd.DataFrame:
    """Return the standard need (total, own, city), capacity and gap of every stored region in ``year``."""
    frame, found = _inputs(db, year, under, level, costs)
    return needs_table(districts_from_frame(frame), found.unit_cost, found.city_share, basis)


def transfers_from_db(
    db: Database,
    *,
    year: int,
    pool: float,
    pools: Sequence[float] = (),
    floor: float | None = None,
    cap: float | None = None,
    under: str | None = None,
    level: str | None = None,
    costs: str | Path | None = None,
    basis: str = "total",
) -> TransferAnswer:
    """Return the transfers of ``pool`` (元) over the stored regions in ``year`` and a simulation over ``pools``."""
    frame, found = _inputs(db, year, under, level, costs)
    districts = districts_from_frame(frame)
    model = transfer_model(districts, found.unit_cost, floor, cap, city_share=found.city_share, basis=basis)
    return TransferAnswer(model.run(pool), model.simulate(pools) if pools else None)


def growth_from_db(db: Database, *, under: str | None = None, level: str | None = None) -> GrowthAnswer:
    """Return the growth check per stored region and year (years with spending and revenue both given) and the
    coverage of need, spending / standard need, where unit costs are stored."""
    frame = _stored(db, year=None, under=under, level=level)
    frame = frame[frame["spending"].notna() & frame["revenue"].notna()]
    years = growth_check(frame[["region", "year", "spending", "revenue"]].reset_index(drop=True))
    needs = [_year_need(db, int(y), under, level) for y in sorted(set(years["year"]))]
    if needs:
        years = years.merge(pd.concat(needs), on=["region", "year"], how="left")
        with np.errstate(divide="ignore", invalid="ignore"):
            years["need_coverage"] = np.where(years["need"] > 0, years["spending"] / years["need"], np.nan)
    return GrowthAnswer(years, growth_summary(years))


def _year_need(db: Database, year: int, under: str | None, level: str | None) -> pd.DataFrame:
    """Return region, year and the standard need of ``year`` (NaN where no unit cost is stored)."""
    try:
        table = needs_from_db(db, year=year, under=under, level=level)
    except FiscalError:
        return pd.DataFrame({"region": pd.Series(dtype=str), "year": pd.Series(dtype=int), "need": []})
    return pd.DataFrame({"region": table["region"], "year": year, "need": table["need"]})


@dataclass(frozen=True)
class Stored:
    """The years with stored fiscal facts in a programme, and whether any of them is synthetic (demo data)."""

    years: list[int]
    synthetic: bool


def stored(db: Database, *, under: str | None = None) -> Stored:
    """Return the years with fiscal facts under ``under`` and whether their source marks them synthetic."""
    with db.session() as session:
        frame = fiscal_repo.facts(session, regions=regions_repo.programme_codes(session, under=under))
    years = sorted({int(y) for y in frame["year"]})
    return Stored(years, bool(frame["source"].fillna("").astype(str).str.contains(SYNTHETIC_MARK).any()))


def received_from_db(
    db: Database, *, year: int, under: str | None = None, level: str | None = None
) -> dict[str, float]:
    """Return the transfers each stored region of the programme actually received in ``year`` (where stored)."""
    frame = _stored(db, year=year, under=under, level=level)
    given = frame[frame["transfers_received"].notna()]
    return dict(zip(given["region"].astype(str), given["transfers_received"].astype(float), strict=True))
