"""Plain domain models of Jundeng: catalogue, regions, population, units and observations (no I/O).

The names below are imported lazily, so that importing one domain module (``jundeng.domain.regions`` for
``jundeng regions list``) does not build every model.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    "catalog": "Catalog Comparator Dimension Direction Domain Indicator IndicatorKind Plan ServiceItem SourceRef "
    "StandardAmount Target Unit",
    "observations": "Observation ObservationStatus",
    "periods": "Period parse_period",
    "regions": "Population Region RegionLevel UrbanRural",
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names.split()}
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


def __getattr__(name: str) -> Any:
    """Import a domain name from its module on first use."""
    if name not in _MODULE_OF:
        raise AttributeError(name)
    return getattr(import_module(f"jundeng.domain.{_MODULE_OF[name]}"), name)
