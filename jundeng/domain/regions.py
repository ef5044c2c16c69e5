"""Regions (GB/T 2260 administrative tree plus functional zones) and their population."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class RegionLevel(StrEnum):
    """Level in the administrative tree."""

    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"
    TOWN = "town"
    VILLAGE = "village"


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
