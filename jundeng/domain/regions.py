"""Regions (GB/T 2260 administrative tree plus functional zones) and their population."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class RegionLevel(StrEnum):
    """Level in the administrative tree."""

    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"
    TOWN = "town"
    VILLAGE = "village"


LEVELS = ("village", "town", "district", "city", "province")  # lowest first


def ancestry(
    parents: Mapping[str, str | None], levels: Mapping[str, str], wanted: Iterable[str] = ("district", "town")
) -> dict[str, dict[str, str | None]]:
    """Return, per region code, the code of its ancestor (or itself) at each ``wanted`` level (None if none)."""
    wanted = tuple(wanted)
    result: dict[str, dict[str, str | None]] = {}
    for code in levels:
        found: dict[str, str | None] = dict.fromkeys(wanted)
        node: str | None = code
        while node is not None and node in levels:
            if levels[node] in found and found[levels[node]] is None:
                found[levels[node]] = node
            node = parents.get(node)
        result[code] = found
    return result


class UrbanRural(StrEnum):
    """Urban/rural type of a region."""

    URBAN = "urban"
    RURAL = "rural"
    MIXED = "mixed"


class Region(BaseModel):
    """A region: GB/T 2260 code (or a local code for a functional zone), name, level and parent."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=2, max_length=32)
    name: str
    level: RegionLevel
    parent: str | None = None
    urban_rural: UrbanRural = UrbanRural.MIXED
    functional_zone: bool = False
    zone: str | None = None


class Population(BaseModel):
    """Population of a region in a year: registered (户籍) and resident (常住), optionally for a group."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    region: str
    year: int
    group: str = ""
    registered: float | None = Field(default=None, ge=0)
    resident: float | None = Field(default=None, ge=0)


def urban_rural_from_name(name: str) -> UrbanRural:
    """Return the usual first cut of urban/rural from a village-level name (村委会 rural, 居委会/社区 urban)."""
    if "村委会" in name or "村民委员会" in name:
        return UrbanRural.RURAL
    if "居委会" in name or "社区" in name or "居民委员会" in name:
        return UrbanRural.URBAN
    return UrbanRural.MIXED


ZONE_CODE = r"^\d{2,6}-[A-Za-z0-9]{1,12}$"


class Zone(BaseModel):
    """A functional zone (开发区, 新区, 管理区): an overlay on the tree. Its member towns and villages keep their
    county as parent, so that counting by county counts each person once; the zone is compared in its own view."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=ZONE_CODE, max_length=32)
    name: str = Field(min_length=1)
    parent: str
    towns: list[str] = Field(default_factory=list)
    villages: list[str] = Field(default_factory=list)


class ZoneFile(BaseModel):
    """A zones file: ``zones:`` and the list of zones (see ``docs/zones-format.md``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zones: list[Zone] = Field(default_factory=list)


def zone_level(parent_level: RegionLevel) -> RegionLevel:
    """Return the level a zone is shown at: one below its parent (a city's zone sits beside its counties)."""
    order = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.TOWN, RegionLevel.VILLAGE]
    return order[min(order.index(parent_level) + 1, len(order) - 1)]
