"""Tables of fiscal facts (needs, capacity, eligible people, item costs) and of accessibility (facilities and
demand points): only ever inserted, the highest revision of a key wins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jundeng.store.models import Authored, Base, SerialKey


class FiscalFactRow(SerialKey, Authored, Base):
    """One revision of a region's fiscal facts in one year (元/年); only inserted, the highest revision wins."""

    __tablename__ = "fiscal_facts"
    __table_args__ = (UniqueConstraint("region", "year", "revision", name="uq_fiscal_facts_key"),)
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[float] = mapped_column(Float)
    capacity: Mapped[float] = mapped_column(Float)
    spending: Mapped[float | None] = mapped_column(Float)
    revenue: Mapped[float | None] = mapped_column(Float)
    transfers_received: Mapped[float | None] = mapped_column(Float)
    cost_index: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)


class FiscalEligibleRow(SerialKey, Authored, Base):
    """The people eligible for one costed item in a region and year, written with its fiscal-facts revision."""

    __tablename__ = "fiscal_eligible"
    __table_args__ = (UniqueConstraint("region", "year", "item", "revision", name="uq_fiscal_eligible_key"),)
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    year: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(64))
    eligible: Mapped[float] = mapped_column(Float)
    revision: Mapped[int] = mapped_column(Integer)


class FiscalCostRow(SerialKey, Authored, Base):
    """One revision of an item's unit cost (元 per eligible person per year) and the city's share of it."""

    __tablename__ = "fiscal_costs"
    __table_args__ = (UniqueConstraint("item", "revision", name="uq_fiscal_costs_key"),)
    item: Mapped[str] = mapped_column(String(64))
    unit_cost: Mapped[float] = mapped_column(Float)
    city_share: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)


class AccessFacilityRow(SerialKey, Authored, Base):
    """One revision of a facility (site, category, capacity, x/y in its EPSG system); the highest revision wins."""

    __tablename__ = "access_facilities"
    __table_args__ = (UniqueConstraint("code", "revision", name="uq_access_facilities_key"),)
    code: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64), index=True)
    capacity: Mapped[float] = mapped_column(Float)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    epsg: Mapped[int] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    opening_year: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)


class AccessPointRow(SerialKey, Authored, Base):
    """One revision of a demand point (people at x/y in a region, by group); the highest revision wins."""

    __tablename__ = "access_points"
    __table_args__ = (UniqueConstraint("code", "revision", name="uq_access_points_key"),)
    code: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    population: Mapped[float] = mapped_column(Float)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    epsg: Mapped[int] = mapped_column(Integer)
    urban_rural: Mapped[str | None] = mapped_column(String(8))
    groups: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
