"""Plain domain models of Jundeng: catalogue, regions, population, units and observations (no I/O)."""

from jundeng.domain.catalog import (
    Catalog,
    Comparator,
    Dimension,
    Direction,
    Domain,
    Indicator,
    IndicatorKind,
    Plan,
    ServiceItem,
    SourceRef,
    StandardAmount,
    Target,
    Unit,
)
from jundeng.domain.observations import Observation, ObservationStatus
from jundeng.domain.periods import Period, parse_period
from jundeng.domain.regions import Population, Region, RegionLevel, UrbanRural

__all__ = [
    "Catalog",
    "Comparator",
    "Dimension",
    "Direction",
    "Domain",
    "Indicator",
    "IndicatorKind",
    "Observation",
    "ObservationStatus",
    "Period",
    "Plan",
    "Population",
    "Region",
    "RegionLevel",
    "ServiceItem",
    "SourceRef",
    "StandardAmount",
    "Target",
    "Unit",
    "UrbanRural",
    "parse_period",
]
