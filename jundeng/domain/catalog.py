"""The catalogue: plan, domains, service items, indicators, targets, units and disaggregation dimensions.

These pydantic models are both the domain objects and the schema of the catalogue YAML files
(see ``docs/catalog-format.md``). They hold no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from jundeng.errors import JundengError

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Direction(StrEnum):
    """Whether a larger value of an indicator is better or worse."""

    HIGHER = "higher"
    LOWER = "lower"


class IndicatorKind(StrEnum):
    """Binding (约束性) or expected (预期性) indicator, as plans mark them."""

    BINDING = "binding"
    EXPECTED = "expected"


class Comparator(StrEnum):
    """How a target compares the actual value with the target value."""

    GE = ">="
    LE = "<="
    GT = ">"
    LT = "<"
    EQ = "="
    RANGE = "range"


class Aggregation(StrEnum):
    """How a region's value is derived from the regions one level below when it is not reported."""

    SUM = "sum"  # counts: 人, 套, 所 …
    MEAN = "mean"  # population-weighted mean of the children's values (resident population)
    RATIO = "ratio"  # k · Σ numerator / Σ denominator
    NONE = "none"  # never derived


class TargetKind(StrEnum):
    """What a target judges: the value in its year, the sum over its period, or the period's average."""

    VALUE = "value"
    CUMULATIVE = "cumulative"
    AVERAGE = "average"


class SourceRef(_Model):
    """Where a figure comes from: a document and the clause quoted from it."""

    document: str
    clause: str | None = None


class Plan(_Model):
    """A plan or work programme that the catalogue belongs to (e.g. a 2012–2014 implementation plan)."""

    code: Code
    title: str
    issuer: str | None = None
    start_year: int = Field(ge=1949, le=2100)
    end_year: int = Field(ge=1949, le=2100)
    source: str | None = None

    @model_validator(mode="after")
    def _period_order(self) -> Self:
        if self.end_year < self.start_year:
            raise JundengError("结束年份早于开始年份", "end_year must not precede start_year")
        return self


class Domain(_Model):
    """A domain (领域) of basic public services, e.g. 公共教育."""

    code: Code
    name: str
    name_en: str | None = None


class StandardAmount(_Model):
    """A numeric service standard such as 690 元/人/月: amount, unit and the 'per' denominators."""

    amount: float
    unit: str
    per: list[str] = Field(default_factory=list)

    def __str__(self) -> str:
        """Return the standard written the usual way, e.g. ``690 元/人/月``."""
        amount = f"{self.amount:g}"
        return f"{amount} {'/'.join([self.unit, *self.per])}"


class ServiceItem(_Model):
    """A service item (服务项目) with its target group, content, standard and responsibilities."""

    code: Code
    domain: Code
    name: str
    target_group: str | None = None
    content: str | None = None
    standard: str | None = None
    amount: StandardAmount | None = None
    spending: str | None = None
    lead_unit: str | None = None
    source: SourceRef | None = None


class Dimension(_Model):
    """A disaggregation dimension such as urban_rural, with its allowed values (code → Chinese label)."""

    code: Code
    name: str
    name_en: str | None = None
    values: dict[str, str] = Field(default_factory=dict)


ADDITIVE_UNITS = frozenset(
    {
        "人",
        "人次",
        "套",
        "所",
        "个",
        "家",
        "张",
        "户",
        "间",
        "条",
        "座",
        "处",
        "辆",
        "万人",
        "床",
        "公里",
        "亩",
        "场",
        "万元",
    }
)
_PER_UNIT_SCALE = {"%": 100.0, "‰": 1000.0, "/万": 10_000.0, "/10万": 100_000.0, "/千": 1000.0}


class Indicator(_Model):
    """An indicator with a stable code, unit, direction and optional numerator/denominator definition."""

    code: Code
    name: str
    name_en: str | None = None
    domain: Code
    unit: str
    direction: Direction = Direction.HIGHER
    kind: IndicatorKind = IndicatorKind.EXPECTED
    numerator: str | None = None
    denominator: str | None = None
    scale: float | None = Field(default=None, gt=0)
    share: bool | None = None
    valid_min: float | None = None
    valid_max: float | None = None
    definition: str | None = None
    disaggregations: list[Code] = Field(default_factory=list)
    items: list[Code] = Field(default_factory=list)
    aggregation: Aggregation | None = None
    source: SourceRef | None = None

    @field_validator("aggregation", mode="before")
    @classmethod
    def _aggregation_alias(cls, value: object) -> object:
        aliases = {"weighted_mean": "mean", "population_weighted_mean": "mean", "sum_ratio": "ratio"}
        return aliases.get(value, value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _ratio_parts(self) -> Self:
        if (self.numerator is None) != (self.denominator is None):
            raise JundengError("分子与分母须同时给出", "numerator and denominator go together")
        if self.valid_min is not None and self.valid_max is not None and self.valid_min > self.valid_max:
            raise JundengError("有效范围下限大于上限", "valid_min > valid_max")
        if self.aggregation is Aggregation.RATIO and not self.is_ratio:
            raise JundengError(
                "汇总方式 ratio 须给出分子与分母", "aggregation 'ratio' needs a numerator and a denominator"
            )
        return self

    @property
    def rollup(self) -> Aggregation:
        """Return how this indicator is derived from the level below: as declared, else ``ratio`` for a
        numerator/denominator indicator, ``sum`` for a count, ``none`` otherwise (a rate without its parts
        cannot be averaged without saying how)."""
        if self.aggregation is not None:
            return self.aggregation
        if self.is_ratio:
            return Aggregation.RATIO
        return Aggregation.SUM if self.is_additive else Aggregation.NONE

    @property
    def is_ratio(self) -> bool:
        """Return True when the indicator is defined as numerator / denominator."""
        return self.numerator is not None

    @property
    def value_scale(self) -> float:
        """Return the factor k in value = k · numerator / denominator (100 for %, 1000 for ‰ …)."""
        if self.scale is not None:
            return self.scale
        for suffix, factor in _PER_UNIT_SCALE.items():
            if self.unit.endswith(suffix):
                return factor
        return 1.0

    @property
    def is_additive(self) -> bool:
        """Return True when values add up across regions (counts such as 人, 套, 所, 公里), so that a
        city target is met by the sum of the districts, not by each of them."""
        return not self.is_ratio and self.unit in ADDITIVE_UNITS and "人均" not in self.name and "每" not in self.name

    @property
    def is_share(self) -> bool:
        """Return True when numerator must not exceed denominator (a part of a whole)."""
        if self.share is not None:
            return self.share
        return self.is_ratio and self.unit in ("%", "‰")

    @property
    def valid_range(self) -> tuple[float | None, float | None]:
        """Return the (min, max) a value may take; percentages default to 0–100."""
        lo, hi = self.valid_min, self.valid_max
        if self.unit == "%" and lo is None and hi is None:
            return 0.0, 100.0
        if self.unit == "‰" and lo is None and hi is None:
            return 0.0, 1000.0
        return lo, hi


class Target(_Model):
    """A target on an indicator for a region scope and year, with its baseline and source clause."""

    indicator: Code
    region: str
    year: int = Field(ge=1949, le=2100)
    comparator: Comparator
    value: float | None = None
    low: float | None = None
    high: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    kind: TargetKind = TargetKind.VALUE
    start_year: int | None = Field(default=None, ge=1949, le=2100)
    source: SourceRef | None = None

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.comparator is Comparator.RANGE:
            if self.low is None or self.high is None or self.low > self.high:
                raise JundengError("区间目标须给出 low ≤ high", "a range target needs low <= high")
        elif self.value is None:
            raise JundengError("目标须给出目标值", "a target needs a value")
        if (self.baseline_year is None) != (self.baseline_value is None):
            raise JundengError("基期年份与基期值须同时给出", "baseline_year and baseline_value go together")
        if self.baseline_year is not None and self.baseline_year > self.year:
            raise JundengError("基期年份晚于目标年份", "baseline_year after the target year")
        if self.kind is not TargetKind.VALUE and self.start_year is None:
            raise JundengError(
                "累计或平均目标须给出起始年份 start_year", "a cumulative or average target needs start_year"
            )
        if self.start_year is not None and self.start_year > self.year:
            raise JundengError("起始年份晚于目标年份", "start_year after the target year")
        return self

    @property
    def first_year(self) -> int:
        """Return the first year the target counts (its ``start_year``; the target year for a value target)."""
        return self.year if self.kind is TargetKind.VALUE or self.start_year is None else self.start_year


class Unit(_Model):
    """A department or government (单位) and the domains it leads."""

    code: Code
    name: str
    kind: str = Field(default="department", pattern="^(department|government|other)$")
    region: str | None = None
    domains: list[Code] = Field(default_factory=list)


DEFAULT_DIMENSIONS = [
    Dimension(
        code="urban_rural",
        name="城乡",
        name_en="Urban/rural",
        values={"urban": "城镇", "rural": "农村"},
    ),
    Dimension(
        code="hukou",
        name="户籍",
        name_en="Household registration",
        values={"local": "户籍人口", "migrant": "非户籍常住人口"},
    ),
    Dimension(code="sex", name="性别", name_en="Sex", values={"male": "男", "female": "女"}),
    Dimension(
        code="age_group",
        name="年龄组",
        name_en="Age group",
        values={"0-14": "0-14岁", "15-59": "15-59岁", "60+": "60岁及以上"},
    ),
]


class Catalog(_Model):
    """A whole catalogue file: plan, dimensions, domains, items, indicators, targets and units."""

    plan: Plan | None = None
    dimensions: list[Dimension] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)
    items: list[ServiceItem] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)

    @field_validator("domains", "items", "indicators", "units", "dimensions")
    @classmethod
    def _unique_codes(cls, value: list[_Model]) -> list[_Model]:
        seen: set[str] = set()
        for entry in value:
            code = entry.code  # type: ignore[attr-defined]
            if code in seen:
                raise JundengError(f"代码重复: {code}", f"duplicate code {code!r}")
            seen.add(code)
        return value

    def reference_errors(
        self,
        *,
        known_domains: Iterable[str] = (),
        known_indicators: Iterable[str] = (),
        known_dimensions: Iterable[str] = (),
        known_regions: Iterable[str] | None = None,
    ) -> list[tuple[tuple[str | int, ...], str, str]]:
        """Return (location, 中文, English) for every code this file uses but neither it nor the store defines."""
        domains = {d.code for d in self.domains} | set(known_domains)
        dims = {d.code for d in [*DEFAULT_DIMENSIONS, *self.dimensions]} | set(known_dimensions)
        codes = {i.code for i in self.indicators} | set(known_indicators)
        regions = None if known_regions is None else set(known_regions)
        errors: list[tuple[tuple[str | int, ...], str, str]] = []
        english = {"领域": "domain", "分组维度": "dimension", "指标": "indicator", "区划": "region"}

        def check(ok: bool, loc: tuple[str | int, ...], what: str, code: str) -> None:
            if not ok:
                errors.append((loc, f"未定义的{what}代码 {code!r}", f"unknown {english[what]} code {code!r}"))

        for n, item in enumerate(self.items):
            check(item.domain in domains, ("items", n, "domain"), "领域", item.domain)
        for n, ind in enumerate(self.indicators):
            check(ind.domain in domains, ("indicators", n, "domain"), "领域", ind.domain)
            for k, dim in enumerate(ind.disaggregations):
                check(dim in dims, ("indicators", n, "disaggregations", k), "分组维度", dim)
        for n, tgt in enumerate(self.targets):
            check(tgt.indicator in codes, ("targets", n, "indicator"), "指标", tgt.indicator)
            if regions is not None:
                check(tgt.region in regions, ("targets", n, "region"), "区划", tgt.region)
        for n, unit in enumerate(self.units):
            for k, dom in enumerate(unit.domains):
                check(dom in domains, ("units", n, "domains", k), "领域", dom)
        return errors
