"""What the annual report is assembled from: plain frozen values a service gathers (``jundeng.services.
report_annual``) and :func:`jundeng.report.annual.annual_report` turns into a document. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from jundeng.domain.catalog import Domain, Indicator


@dataclass(frozen=True)
class KeyIndicator:
    """A key indicator of a domain: its yearly values at the programme's top region and its target there."""

    code: str
    domain: str
    values: dict[int, float]  # year → value
    target: float | None = None
    target_year: int | None = None
    comparator: str = ""
    baseline_year: int | None = None
    baseline_value: float | None = None
    status: str = "no_data"


@dataclass(frozen=True)
class GapSeries:
    """A gap of one indicator over the years: ``gini`` across the units of ``level`` (with Theil T and the
    between-district share of it), or ``ratio``, the urban ÷ rural ratio (median over the units of ``level``)."""

    indicator: str
    domain: str
    index: str  # gini | ratio
    level: str
    values: dict[int, float]  # year → the index
    theil: dict[int, float] = field(default_factory=dict)
    between: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FiscalYear:
    """The programme's fiscal equalization in the report's year, at one level of regions: need, capacity and gap
    per region (:func:`jundeng.fiscal.needs_table` columns with ``transfers_received``, NaN where not stored), the
    population-weighted Gini of the resources per head, and the growth check per region over the years up to the
    report's (:func:`jundeng.fiscal.growth_summary` columns with ``first_year`` and ``last_year`` checked)."""

    level: str
    needs: pd.DataFrame
    gini: float  # of capacity per head
    gini_received: float | None  # of capacity plus the transfers received per head (None when none stored)
    growth: pd.DataFrame


@dataclass(frozen=True)
class AccessYear:
    """Coverage by facility category in the report's year (facilities open by then, straight-line distance):
    per category and district, then the programme's total (``region`` empty), with the urban and rural shares and
    the population-weighted Gini across villages/communities; and the towns leaving the most people uncovered."""

    coverage: pd.DataFrame  # category, within, region, population, covered, share, urban, rural, gini
    towns: pd.DataFrame  # category, within, town, district, population, uncovered, share
    synthetic: bool


@dataclass(frozen=True)
class AnnualInputs:
    """Everything the annual report of one programme and year says, computed by the services."""

    year: int
    programme: str  # the top region's code
    programme_name: str
    level: str  # the top region's level: city, district (a county), province
    domains: tuple[Domain, ...]  # in report order
    indicators: dict[str, Indicator]
    attainment: pd.DataFrame  # one row per target (jundeng.appraise.attainment columns)
    by_domain: pd.DataFrame  # the roll-up per domain (jundeng.appraise.attainment.rollup columns)
    overall: pd.DataFrame  # the same roll-up over every target: one row
    key_indicators: tuple[KeyIndicator, ...]
    gaps: tuple[GapSeries, ...]
    ledger: pd.DataFrame  # the ledger assessment (jundeng.tasks.ledger columns) with ``domain_code``
    ledger_day: date
    scorecard: pd.DataFrame | None  # the appraisal's scorecard (None without data)
    region_names: dict[str, str]
    features: tuple[dict[str, Any], ...] = ()  # the programme's district boundaries (GeoJSON features)
    synthetic: bool = False
    derived: bool = False  # some values were rolled up from the level below
    pending: int = 0  # values awaiting review, not counted
    units_en: dict[str, str] = field(default_factory=dict)  # a unit's English words (元/人/月 → yuan/person/month)
    fiscal: FiscalYear | None = None  # None when the programme has no fiscal data for the year
    access: AccessYear | None = None  # None when no facilities and population points are stored

    def unit(self, unit: str, lang: str) -> str:
        """Return a unit in ``lang`` (as stored when no English words are given)."""
        return self.units_en.get(unit, unit) if lang == "en" else unit

    def domain(self, code: str) -> Domain | None:
        """Return the domain of ``code`` (None when unknown)."""
        return next((d for d in self.domains if d.code == code), None)
