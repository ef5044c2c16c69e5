"""The public open-data site (Open SDG manner): what anyone may read without signing in — the indicators the
office has published, their approved values for the programme and its districts, their targets and a progress
status per indicator.

This module is the only door of the open site to the data: it reads through :mod:`jundeng.services.facts` with
the public principal (published indicators, approved values only). The progress status is the attainment the
rest of Jundeng computes (:func:`jundeng.services.facts.attained`, the rules of
:mod:`jundeng.appraise.attainment`) renamed in Open SDG's words; no rule of its own. An unpublished code and an
unknown one raise the same :class:`~jundeng.errors.NotFoundError`: the open site never tells what exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jundeng.domain.attainment import AttainmentStatus
from jundeng.domain.principal import PUBLIC
from jundeng.errors import NotFoundError
from jundeng.services import facts as facts_
from jundeng.services import regions as regions_
from jundeng.store.db import Database

__all__ = [
    "PROGRESS",
    "OpenDomain",
    "OpenIndicator",
    "OpenSite",
    "OpenSummary",
    "OpenTarget",
    "Progress",
    "indicator",
    "site",
]


@dataclass(frozen=True)
class Progress:
    """A progress status in Open SDG's words: its key, Chinese and English labels, and the attainment it renames."""

    key: str
    zh: str
    en: str
    attainment: str

    def label(self, lang: str) -> str:
        """Return the label in ``lang`` (``en``, else Chinese)."""
        return self.en if lang == "en" else self.zh


# Open SDG's progress statuses, from the best to "not available"; each renames one attainment status
PROGRESS: dict[str, Progress] = {
    p.attainment: p
    for p in (
        Progress("target_achieved", "已达成", "Target achieved", AttainmentStatus.ACHIEVED.value),
        Progress("substantial_progress", "进展顺利", "Substantial progress", AttainmentStatus.ON_TRACK.value),
        Progress("limited_progress", "进展有限", "Limited progress", AttainmentStatus.OFF_TRACK.value),
        Progress("deterioration", "退步", "Deterioration", AttainmentStatus.WORSENING.value),
        Progress("not_available", "无数据", "Not available", AttainmentStatus.NO_DATA.value),
    )
}
WORST_FIRST = ["deterioration", "limited_progress", "substantial_progress", "target_achieved"]
NOT_AVAILABLE = "not_available"


@dataclass(frozen=True)
class OpenTarget:
    """One target of the programme: the goal, its baseline, the clause it comes from and where it stands."""

    year: int
    comparator: str
    value: float | None
    low: float | None
    high: float | None
    baseline_year: int | None
    baseline_value: float | None
    document: str | None
    clause: str | None
    status: str  # a key of PROGRESS's values (target_achieved …)
    actual: float | None


@dataclass(frozen=True)
class OpenSummary:
    """An indicator in the site's list: its names, unit, status and the programme's latest value."""

    code: str
    name: str
    name_en: str | None
    unit: str
    domain: str
    status: str
    latest_year: int | None
    latest_value: float | None


@dataclass(frozen=True)
class OpenDomain:
    """A domain with its published indicators and how many stand at each progress status."""

    code: str
    name: str
    name_en: str | None
    indicators: list[OpenSummary]
    counts: dict[str, int]


@dataclass(frozen=True)
class OpenSite:
    """The home page of the open site."""

    programme: str | None
    programme_name: str | None
    domains: list[OpenDomain]
    data_date: str | None  # the latest period with an approved value of a published indicator
    synthetic: bool


@dataclass(frozen=True)
class OpenIndicator:
    """One published indicator: definition, unit, source, targets, the series and the latest district values."""

    code: str
    name: str
    name_en: str | None
    domain: str
    domain_name: str
    domain_name_en: str | None
    unit: str
    direction: str
    definition: str | None
    document: str | None
    clause: str | None
    targets: list[OpenTarget]
    status: str
    series: list[dict[str, Any]]  # region, name, level, year, value, derived: the programme's and districts'
    latest_year: int | None
    latest: list[dict[str, Any]]  # the districts' values of the latest year: region, name, value
    data_date: str | None
    synthetic: bool
    programme: str | None
    programme_name: str | None
    boundaries: bool  # county boundaries of the programme ship with Jundeng (the page draws a map)
    regions: list[str] = field(default_factory=list)  # the series' regions, programme first


def _load(db: Database, under: str | None) -> facts_.Facts:
    return facts_.load(db, PUBLIC, under=under)


def _top(facts: facts_.Facts) -> tuple[str | None, str | None]:
    """Return the programme's top region (code, name)."""
    regions = facts.regions
    top = regions[regions["code"] == facts.programme] if facts.programme else regions[regions["parent"].isna()]
    if len(top) != 1:
        return None, None
    return str(top["code"].iloc[0]), str(top["name"].iloc[0])


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _data_date(frame: pd.DataFrame) -> str | None:
    periods = frame.loc[frame["value"].notna(), "period"].dropna().astype(str)
    return max(periods) if len(periods) else None


def _status_table(facts: facts_.Facts, top: str | None) -> pd.DataFrame:
    year = facts_.latest_year(facts)
    if year is None or top is None:
        return pd.DataFrame(columns=["indicator", "status"])
    return facts_.attained(facts, year, top)


def _combined(statuses: list[str]) -> str:
    """Return an indicator's status from its targets' attainment: the worst one with data, else not available."""
    keys = {PROGRESS[s].key for s in statuses if s in PROGRESS}
    return next((k for k in WORST_FIRST if k in keys), NOT_AVAILABLE)


def _statuses(table: pd.DataFrame, top: str | None) -> dict[str, str]:
    found = table[table["region"] == top] if "region" in table.columns else table
    return {str(code): _combined(list(rows["status"])) for code, rows in found.groupby("indicator")}


def _latest_value(facts: facts_.Facts, code: str, top: str | None) -> tuple[int | None, float | None]:
    rows = facts_.totals(facts, indicator=code)
    rows = rows[(rows["region"] == top) & rows["value"].notna()]
    if rows.empty:
        return None, None
    last = rows.sort_values("year").iloc[-1]
    return int(last["year"]), _float(last["value"])


def site(db: Database, *, under: str | None = None) -> OpenSite:
    """Return the open site's home: the published indicators by domain with their progress status counts."""
    facts = _load(db, under)
    top, top_name = _top(facts)
    statuses = _statuses(_status_table(facts, top), top)
    domains: dict[str, list[OpenSummary]] = {}
    for code in sorted(facts.indicators):
        ind = facts.indicators[code]
        year, value = _latest_value(facts, code, top)
        summary = OpenSummary(
            code, ind.name, ind.name_en, ind.unit, ind.domain, statuses.get(code, NOT_AVAILABLE), year, value
        )
        domains.setdefault(ind.domain, []).append(summary)
    order = list(facts.domains)
    listed = []
    for code in sorted(domains, key=lambda d: (order.index(d) if d in order else len(order), d)):
        found = facts.domains.get(code)
        counts = {p.key: sum(1 for s in domains[code] if s.status == p.key) for p in PROGRESS.values()}
        listed.append(
            OpenDomain(code, found.name if found else code, found.name_en if found else None, domains[code], counts)
        )
    return OpenSite(top, top_name, listed, _data_date(facts.observations), facts_.synthetic(facts))


def _series(facts: facts_.Facts, code: str, top: str | None) -> pd.DataFrame:
    """Return the yearly approved values of the programme and its districts (functional zones included)."""
    rows = facts_.totals(facts, indicator=code)
    keep = (rows["region"] == top) | (rows["level"] == "district")
    rows = rows[keep & rows["value"].notna()]
    columns = ["region", "name", "level", "year", "value", "derived", "source", "period"]
    return rows[columns].sort_values(["year", "region"]).reset_index(drop=True)


def _targets(facts: facts_.Facts, code: str, top: str | None, table: pd.DataFrame) -> list[OpenTarget]:
    found = []
    mine = table[(table["indicator"] == code) & (table["region"] == top)] if not table.empty else table
    by_year = {int(r["target_year"]): r for r in mine.to_dict(orient="records")}
    for t in sorted((t for t in facts.targets if t.indicator == code and t.region == top), key=lambda t: t.year):
        row = by_year.get(t.year, {})
        status = PROGRESS.get(str(row.get("status")), PROGRESS[AttainmentStatus.NO_DATA.value]).key
        found.append(
            OpenTarget(
                year=t.year,
                comparator=t.comparator.value,
                value=t.value,
                low=t.low,
                high=t.high,
                baseline_year=t.baseline_year if t.baseline_year is not None else _int(row.get("baseline_year")),
                baseline_value=t.baseline_value if t.baseline_value is not None else _float(row.get("baseline_value")),
                document=t.source.document if t.source else None,
                clause=t.source.clause if t.source else None,
                status=status,
                actual=_float(row.get("actual")),
            )
        )
    return found


def _int(value: Any) -> int | None:
    x = _float(value)
    return None if x is None else int(x)


def indicator(db: Database, code: str, *, under: str | None = None) -> OpenIndicator:
    """Return one published indicator with its approved series; NotFoundError when unpublished or unknown."""
    facts = _load(db, under)
    ind = facts.indicators.get(code)
    if ind is None:  # the same answer for an unpublished code and an unknown one
        raise NotFoundError("未公开的指标", "no such published indicator")
    top, top_name = _top(facts)
    table = _status_table(facts, top)
    statuses = _statuses(table, top)
    series = _series(facts, code, top)
    years = sorted({int(y) for y in series["year"]})
    latest_year = years[-1] if years else None
    districts = series[(series["level"] == "district") & (series["year"] == latest_year)]
    domain = facts.domains.get(ind.domain)
    order = {r: i for i, r in enumerate([top, *sorted(set(series["region"]) - {top})])}
    rows = [
        {
            "region": str(r["region"]),
            "name": str(r["name"]),
            "level": str(r["level"]),
            "year": int(r["year"]),
            "value": _float(r["value"]),
            "derived": bool(r["derived"]),
        }
        for r in series.to_dict(orient="records")
    ]
    return OpenIndicator(
        code=code,
        name=ind.name,
        name_en=ind.name_en,
        domain=ind.domain,
        domain_name=domain.name if domain else ind.domain,
        domain_name_en=domain.name_en if domain else None,
        unit=ind.unit,
        direction=ind.direction.value,
        definition=ind.definition,
        document=ind.source.document if ind.source else None,
        clause=ind.source.clause if ind.source else None,
        targets=_targets(facts, code, top, table),
        status=statuses.get(code, NOT_AVAILABLE),
        series=sorted(rows, key=lambda r: (order.get(r["region"], len(order)), r["year"])),
        latest_year=latest_year,
        latest=[
            {"region": str(r["region"]), "name": str(r["name"]), "value": _float(r["value"])}
            for r in districts.sort_values("region").to_dict(orient="records")
        ],
        data_date=_data_date(series),
        synthetic=facts_.synthetic(facts, series),
        programme=top,
        programme_name=top_name,
        boundaries=regions_.has_boundaries(top),
        regions=[r for r in order if r is not None and r in set(series["region"])],
    )


def boundaries(db: Database, *, city: str) -> dict[str, Any]:
    """Return the county boundaries (GeoJSON) of the programme ``city`` (NotFoundError when none ship)."""
    return regions_.boundaries(db, city=city)
