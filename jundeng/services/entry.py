"""In-browser data entry: the grid of a user's scope (regions of one level × indicators) with the current values,
its submission through the same import as a file upload, and the Excel template of the same scope.

A submitted grid becomes a CSV in the import layout, checked and stored by
:func:`jundeng.services.observations.import_files` with the principal (so the same validation and the same scope
check apply, all-or-nothing); each problem is mapped back to the cell its row came from.
"""

from __future__ import annotations

import csv
import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jundeng.domain.catalog import Indicator
from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import Principal
from jundeng.domain.regions import Region
from jundeng.errors import JundengError, Problem
from jundeng.services import catalog, observations, scope
from jundeng.services import regions as regions_
from jundeng.store.db import Database

LEVELS = ("district", "town", "village")
ENTRY_FILE = "entry.csv"
Key = tuple[str, str]  # (indicator, region)


@dataclass(frozen=True)
class Current:
    """The value a cell holds now (the latest revision, approved or awaiting review) and its status."""

    value: float
    status: str


@dataclass
class Grid:
    """The cells a principal may fill for one period and level: its regions × its indicators, with current values."""

    period: str
    level: str
    regions: list[Region]
    indicators: list[Indicator]
    current: dict[Key, Current] = field(default_factory=dict)


@dataclass
class Submission:
    """What a submitted grid did: values written and unchanged, and the problems by cell (others apart)."""

    written: int = 0
    unchanged: int = 0
    cells: dict[Key, list[Problem]] = field(default_factory=dict)
    other: list[Problem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Return True when nothing was wrong (and so the values were stored)."""
        return not self.cells and not self.other


def _level(level: str) -> str:
    """Return ``level`` when data can be entered at it, else raise a bilingual error."""
    if level not in LEVELS:
        raise JundengError(f"无效的区划级别 {level!r}", f"invalid region level {level!r}: {', '.join(LEVELS)}")
    return level


def scope_regions(db: Database, principal: Principal, *, level: str, under: str | None) -> list[Region]:
    """Return the regions of ``level`` the principal may report for: a district's own subtree, else the
    programme's (``under``) regions of that level."""
    root = principal.region if principal.role == "district" else under
    found = regions_.regions(db, level=_level(level), under=root)
    return [r for r in found if principal.sees_region(r.code)]


def grid(
    db: Database,
    principal: Principal,
    *,
    period: str,
    level: str,
    under: str | None,
    domain: str | None = None,
) -> Grid:
    """Return the entry grid of the principal's scope (its indicators, of ``domain`` when given)."""
    places = scope_regions(db, principal, level=level, under=under)
    indicators = sorted(
        (i for i in catalog.indicators(db, principal=principal) if domain in (None, "", i.domain)),
        key=lambda i: (i.domain, i.code),
    )
    result = Grid(period=period, level=level, regions=places, indicators=indicators)
    if not places or not indicators:
        return result
    frame = scope.observations(db, principal, period=period, under=under)
    wanted = {r.code for r in places}
    codes = {i.code for i in indicators}
    for row in frame.to_dict("records"):
        indicator, region, value = str(row["indicator"]), str(row["region"]), row.get("value")
        total = not row.get("disaggregation")
        if total and region in wanted and indicator in codes and value is not None and not math.isnan(value):
            result.current[(indicator, region)] = Current(float(value), str(row["status"]))
    return result


def submit(
    db: Database, principal: Principal, *, period: str, values: Mapping[Key, str], dry_run: bool = False
) -> Submission:
    """Check and (when every cell passes) store the filled cells as submitted values, through the file import."""
    filled = [(key, text.strip()) for key, text in values.items() if text.strip()]
    if not filled:
        raise JundengError("没有填写任何数值", "no value was entered")
    rows: dict[int, Key] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ENTRY_FILE
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["indicator", "region", "period", "value"])
            for n, ((indicator, region), text) in enumerate(filled, start=2):  # row 1 is the header
                writer.writerow([indicator, region, period, text])
                rows[n] = (indicator, region)
        report = observations.import_files(
            db,
            [path],
            user=principal.username,
            status=ObservationStatus.SUBMITTED,
            source="web entry",
            dry_run=dry_run,
            principal=principal,
        )
    result = Submission(written=report.written, unchanged=report.unchanged)
    for problem in report.errors:
        key = rows.get(problem.row)
        if key is None:
            result.other.append(problem)
        else:
            result.cells.setdefault(key, []).append(problem)
    return result


def template(
    db: Database, principal: Principal, *, out: str | Path, period: str, level: str, under: str | None
) -> dict[str, int]:
    """Write the Excel template of the principal's scope (its regions of ``level``, its indicators) to ``out``."""
    places = scope_regions(db, principal, level=level, under=under)
    if not places:
        raise JundengError(f"本单位范围内没有 {level} 级区划", f"no regions of level {level} in your scope")
    root = principal.region if principal.role == "district" else under
    codes = sorted(i.code for i in catalog.indicators(db, principal=principal))
    if not codes:
        raise JundengError("本单位范围内没有指标", "no indicators in your scope")
    return observations.template(db, out=out, period=period, level=level, under=root, indicators=codes)
