"""Target attainment (目标达成): is each target met, and is it on a trajectory to be met by its year?

Each target (indicator × region × target year) is appraised at an appraisal year ``year`` against the
latest observation in a year ≤ ``year`` (the *actual*), its baseline and the observed history.

Progress, in the spirit of the UN SDG Progress Chart and Eurostat's SDG progress assessment:

- expected progress  E = clip((year − baseline_year) / (target_year − baseline_year), 0, 1), the share of the
  baseline → target distance that a straight trajectory would have covered by ``year``;
- actual progress    A = (actual − baseline) / (target − baseline) for floor (≥, >) and ceiling (≤, <)
  targets (above 1 when overshooting); for band targets (= and range) A = 1 − gap(actual) / gap(baseline),
  the share of the baseline's distance to the target (for a range, to its nearest bound) that was closed,
  so that overshooting a point target is not counted as progress;
- progress ratio     R = A / E (undefined when E = 0).

``gap(x)`` ≥ 0 is the direction-aware distance still to go: value − x for floors, x − value for ceilings,
|x − value| for points (0 within the relative tolerance), the distance to the nearest bound for ranges.

Status rules, applied in this order:

1. ``no_data``   — no observation in a year ≤ ``year``;
2. ``achieved``  — the actual satisfies the comparator (``=``: |actual − value| ≤ equal_tolerance·|value|;
   ``range``: low ≤ actual ≤ high);
3. ``worsening`` — the actual is farther from the target than the baseline was (A < 0, or the baseline met
   the target and the actual no longer does);
4. ``off_track`` — the target year is not after ``year`` (the deadline has come) and the target is not met;
5. ``on_track``  — R ≥ ``Thresholds.on_track`` (0.95, the UN Progress Chart and Eurostat threshold), or the
   trend projection to the target year meets the target, or nothing is due yet (E = 0);
6. ``off_track`` — otherwise.

Baseline: the target's baseline_value/baseline_year (``baseline_source`` = target); when the value is
missing, the observation in the baseline year, else the earliest observation before the actual's year
(= observed). With neither (a single observation and no baseline; = none) progress is undefined and only the
projection counts; as a single point gives no projection, such a target is ``achieved`` if met and
``off_track`` otherwise. Without a baseline year E is undefined, so only the projection can put it on track.

When the appraisal year is after the target year, the actual is still the latest observation ≤ ``year``,
not the value in the target year; for a past target year the projection is the trend's fitted value.

Projection: the ordinary-least-squares line through the observations in years ≤ ``year`` (at least
``min_points_for_trend``), evaluated at the target year; with fewer points, the straight line through the
baseline and the actual. Required pace from the actual: annual change (target − actual)/(target_year −
actual_year) and, when both are positive, compound rate (target/actual)^(1/(target_year − actual_year)) − 1
(Eurostat's required growth rate); both are 0 once met. ``binding_missed`` flags binding (约束性) targets
whose year has come without being met (never for ``no_data``).

Targets over a period (``kind``): a ``cumulative`` target (十三五期间新增就业20万人: start_year 2016, year 2020)
is judged on the running sum Σ_{t=start}^{y} v(t), with baseline 0 in start_year − 1, so expected progress is
the share of the period's years that have passed and the pace is the sum still to go per remaining year; an
``average`` target on the running mean of the period's values, and is ``on_track`` rather than ``achieved``
until its period is over. Years of the period without a value are listed in ``missing_years`` (the running sum
then understates). ``derived`` says the actual was rolled up from the level below (:mod:`jundeng.domain.rollup`).

References: United Nations Statistics Division (2023) *SDG Progress Chart 2023: Technical note*; Eurostat
(2023) *Sustainable development in the European Union — Monitoring report*, annex "Methodology";
UN ESCAP (2024) *Asia and the Pacific SDG Progress Report*, methodological note (anticipated progress).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jundeng.domain.attainment import TARGET_COLUMNS as TARGET_COLUMNS
from jundeng.domain.attainment import AttainmentStatus
from jundeng.measure._inputs import FloatArray, MeasureError

STATUSES = tuple(s.value for s in AttainmentStatus)
STATUS_ZH = {s.value: s.label_zh for s in AttainmentStatus}
MISSED = (AttainmentStatus.OFF_TRACK.value, AttainmentStatus.WORSENING.value)
_COMPARATORS = {">=": ">=", "≥": ">=", ">": ">", "<=": "<=", "≤": "<=", "<": "<", "=": "=", "==": "=", "range": "range"}
_DIRECTIONS = {">=": "higher", ">": "higher", "<=": "lower", "<": "lower", "=": "band", "range": "band"}
COLUMNS = [
    "indicator", "region", "target_year", "comparator", "target", "direction", "baseline_year", "baseline_value",
    "baseline_source", "actual", "actual_year", "met", "status", "status_zh", "expected_progress", "actual_progress",
    "progress_ratio", "distance_to_target", "required_annual_rate", "required_cagr", "projection", "projected_met",
    "binding", "binding_missed", "domain", "lead_unit", "kind", "start_year", "missing_years", "derived",
]  # fmt: skip


@dataclass(frozen=True)
class Thresholds:
    """Settings of the attainment appraisal.

    on_track: the progress ratio A/E at or above which an unmet target is on track (0.95 as in the UN SDG
        Progress Chart and Eurostat's "significant progress").
    equal_tolerance: relative tolerance of ``=`` targets: met when |actual − value| ≤ tolerance·|value|
        (a target of exactly 0 needs an exact 0).
    min_points_for_trend: observations needed for the least-squares trend; with fewer, the projection is
        the line through baseline and actual.
    """

    on_track: float = 0.95
    equal_tolerance: float = 0.005
    min_points_for_trend: int = 2

    def __post_init__(self) -> None:
        if not (math.isfinite(self.on_track) and self.on_track > 0):
            raise MeasureError("on_track 阈值须为正数", "the on_track threshold must be positive")
        if not (math.isfinite(self.equal_tolerance) and self.equal_tolerance >= 0):
            raise MeasureError("equal_tolerance 须为非负数", "equal_tolerance must be non-negative")
        if self.min_points_for_trend < 2:
            raise MeasureError("趋势至少需要 2 个点", "min_points_for_trend must be at least 2")


@dataclass(frozen=True)
class _Goal:
    comparator: str
    value: float
    low: float
    high: float
    tolerance: float

    def gap(self, x: float) -> float:
        c = self.comparator
        if c in (">=", ">"):
            return max(0.0, self.value - x)
        if c in ("<=", "<"):
            return max(0.0, x - self.value)
        if c == "=":
            d = abs(x - self.value)
            return 0.0 if d <= self.tolerance * abs(self.value) else d
        return max(0.0, self.low - x, x - self.high)

    def met(self, x: float) -> bool:
        if self.comparator in (">", "<"):
            return x > self.value if self.comparator == ">" else x < self.value
        return self.gap(x) == 0.0

    def reference(self, x: float) -> float:
        """The target value that progress from ``x`` heads for (for a range, its bound nearest ``x``)."""
        return min(max(x, self.low), self.high) if self.comparator == "range" else self.value


def _missing(frame: pd.DataFrame, need: Sequence[str], zh: str, en: str) -> None:
    lacking = [c for c in need if c not in frame.columns]
    if lacking:
        raise MeasureError(f"{zh}缺少列：{', '.join(lacking)}", f"the {en} lack the columns: {', '.join(lacking)}")


def _numeric(frame: pd.DataFrame, column: str, zh: str, en: str) -> FloatArray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    try:
        return pd.to_numeric(frame[column], errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise MeasureError(f"{zh}的 {column} 列含非数值", f"column {column} of the {en} is not numeric") from exc


def _years(frame: pd.DataFrame, column: str, zh: str, en: str) -> FloatArray:
    y = _numeric(frame, column, zh, en)
    if np.isnan(y).any() or (y % 1 != 0).any():
        raise MeasureError(f"{zh}的 {column} 列须为整数年份", f"column {column} of the {en} must hold whole years")
    return y


def _history(
    observations: pd.DataFrame, year: int, keys: pd.DataFrame
) -> dict[tuple[str, str], tuple[FloatArray, FloatArray]]:
    """Return the (years, values) up to ``year`` of each indicator × region in ``keys`` (the targets' keys:
    the other series are never looked at, and grouping a million rows by key would cost seconds)."""
    _missing(observations, ("indicator", "region", "year", "value"), "观测数据", "observations")
    obs = pd.DataFrame(
        {
            "indicator": observations["indicator"].astype(str).to_numpy(),
            "region": observations["region"].astype(str).to_numpy(),
            "year": _years(observations, "year", "观测数据", "observations"),
            "value": _numeric(observations, "value", "观测数据", "observations"),
        }
    )
    obs = obs[obs["value"].notna() & (obs["year"] <= year)]
    wanted = keys[["indicator", "region"]].astype(str).drop_duplicates()
    obs = obs.merge(wanted, on=["indicator", "region"], how="inner")
    dup = obs.duplicated(["indicator", "region", "year"], keep=False)
    if dup.any():
        first = obs[dup].iloc[0]
        where = f"{first['indicator']} / {first['region']} / {int(first['year'])}"
        raise MeasureError(
            f"同一指标、地区、年份有多条观测（如 {where}），请先筛选分组或汇总",
            f"several observations for one indicator, region and year (e.g. {where}); filter or aggregate first",
        )
    if obs.empty:
        return {}
    obs = obs.sort_values(["indicator", "region", "year"], kind="stable")
    ind, reg = obs["indicator"].to_numpy(), obs["region"].to_numpy()
    years, values = obs["year"].to_numpy(dtype=np.float64), obs["value"].to_numpy(dtype=np.float64)
    starts = np.flatnonzero(np.r_[True, (ind[1:] != ind[:-1]) | (reg[1:] != reg[:-1])])
    ends = [*starts[1:], len(obs)]
    return {(str(ind[a]), str(reg[a])): (years[a:b], values[a:b]) for a, b in zip(starts, ends, strict=True)}


def _period_history(
    hist: tuple[FloatArray, FloatArray] | None, kind: str, start: int, end: int
) -> tuple[tuple[FloatArray, FloatArray] | None, list[int]]:
    """Return the running sum (cumulative) or running mean (average) of the values of years start..end, and the
    years of the period up to the last value that have none."""
    if hist is None:
        return None, []
    years, values = hist
    keep = (years >= start) & (years <= end)
    if not keep.any():
        return None, []
    years, values = years[keep], values[keep]
    missing = sorted(set(range(start, int(years[-1]) + 1)) - {int(y) for y in years})
    running = np.cumsum(values)
    if kind == "average":
        running = running / np.arange(1, len(values) + 1)
    return (years, running), missing


def _derived(observations: pd.DataFrame, year: int) -> set[tuple[str, str, int]]:
    """Return the (indicator, region, year) keys whose value was rolled up rather than reported."""
    if "derived" not in observations.columns:
        return set()
    rows = observations[observations["derived"].eq(True) & (observations["year"] <= year)]
    return set(zip(rows["indicator"].astype(str), rows["region"].astype(str), rows["year"].astype(int), strict=True))


def _goals(targets: pd.DataFrame, th: Thresholds) -> list[_Goal]:
    comparators = [_COMPARATORS.get(str(c).strip()) for c in targets["comparator"]]
    unknown = sorted({str(c) for c, n in zip(targets["comparator"], comparators, strict=True) if n is None})
    if unknown:
        raise MeasureError(
            f"未知的比较符：{', '.join(unknown)}（应为 >=、>、<=、<、=、range）",
            f"unknown comparators: {', '.join(unknown)} (use >=, >, <=, <, = or range)",
        )
    value, low, high = (_numeric(targets, c, "目标", "targets") for c in ("value", "low", "high"))
    goals = []
    for i, c in enumerate(comparators):
        assert c is not None
        if c == "range" and not (np.isfinite(low[i]) and np.isfinite(high[i]) and low[i] <= high[i]):
            raise MeasureError(f"第 {i} 行区间目标须给出 low ≤ high", f"row {i}: a range target needs low <= high")
        if c != "range" and not np.isfinite(value[i]):
            raise MeasureError(f"第 {i} 行目标缺少目标值", f"row {i}: the target has no value")
        goals.append(_Goal(c, float(value[i]), float(low[i]), float(high[i]), th.equal_tolerance))
    return goals


def _meta(indicators: pd.DataFrame | None, codes: pd.Series) -> pd.DataFrame:
    """Return direction, binding, domain and lead_unit per target row (NaN/None where unknown)."""
    out = pd.DataFrame({"direction": None, "binding": False, "domain": np.nan, "lead_unit": np.nan}, index=codes.index)
    if indicators is None:
        return out
    _missing(indicators, ("code",), "指标表", "indicators")
    ind = indicators.assign(code=indicators["code"].astype(str))
    if ind["code"].duplicated().any():
        raise MeasureError("指标表中有重复代码", "the indicators repeat a code")
    for col, allowed in (("direction", {"higher", "lower"}), ("kind", {"binding", "expected"})):
        if col in ind.columns and not ind[col].dropna().isin(allowed).all():
            raise MeasureError(f"指标表的 {col} 列有未知取值", f"column {col} of the indicators holds unknown values")
    ind = ind.set_index("code")
    keys = codes.astype(str)
    for col in ("direction", "domain", "lead_unit"):
        if col in ind.columns:
            out[col] = keys.map(ind[col]).to_numpy(dtype=object)
    if "kind" in ind.columns:
        out["binding"] = (keys.map(ind["kind"]) == "binding").to_numpy(dtype=bool)
    return out


def _projection(years: FloatArray, values: FloatArray, at: float, base: tuple[float, float], th: Thresholds) -> float:
    if len(years) >= th.min_points_for_trend:
        xm, ym = years.mean(), values.mean()
        slope = float(((years - xm) * (values - ym)).sum() / ((years - xm) ** 2).sum())
        return float(ym + slope * (at - xm))
    by, bv = base
    if math.isfinite(by) and math.isfinite(bv) and by != years[-1]:
        return float(bv + (values[-1] - bv) * (at - by) / (years[-1] - by))
    return math.nan


def _baseline(years: FloatArray, values: FloatArray, by: float, bv: float) -> tuple[float, float, str]:
    if math.isfinite(bv):
        return by, bv, "target"
    at = np.flatnonzero(years == by)
    if at.size:
        return by, float(values[at[0]]), "observed"
    if len(years) > 1:
        return float(years[0]), float(values[0]), "observed"
    return math.nan, math.nan, "none"


def _appraise(goal: _Goal, ty: float, year: int, base: tuple[float, float], hist: tuple[FloatArray, FloatArray] | None,
              th: Thresholds) -> dict[str, object]:  # fmt: skip
    if hist is None:
        source = "target" if math.isfinite(base[1]) else "none"
        return {
            "baseline_year": base[0],
            "baseline_value": base[1],
            "baseline_source": source,
            "status": AttainmentStatus.NO_DATA.value,
        }
    years, values = hist
    actual, ay = float(values[-1]), float(years[-1])
    by, bv, source = _baseline(years, values, *base)
    band = goal.comparator in ("=", "range")
    expected = math.nan
    if math.isfinite(by):
        expected = min(max((year - by) / (ty - by), 0.0), 1.0) if ty != by else 1.0
    gap_a, gap_b = goal.gap(actual), goal.gap(bv) if math.isfinite(bv) else math.nan
    progress = math.nan
    if gap_b > 0:
        progress = 1 - gap_a / gap_b if band else (actual - bv) / (goal.value - bv)
    ratio = progress / expected if expected > 0 else math.nan
    projection = _projection(years, values, ty, (by, bv), th)
    projected_met = math.isfinite(projection) and goal.met(projection)
    met = goal.met(actual)
    if met:
        status = AttainmentStatus.ACHIEVED.value
    elif gap_a > gap_b:
        status = AttainmentStatus.WORSENING.value
    elif ty <= year:
        status = AttainmentStatus.OFF_TRACK.value
    elif ratio >= th.on_track or projected_met or expected == 0:
        status = AttainmentStatus.ON_TRACK.value
    else:
        status = AttainmentStatus.OFF_TRACK.value
    ref, span = goal.reference(actual), ty - ay
    rate = cagr = 0.0 if met else math.nan
    if not met and span > 0:
        rate = (ref - actual) / span
        cagr = (ref / actual) ** (1 / span) - 1 if actual > 0 and ref > 0 else math.nan
    return {
        "baseline_year": by, "baseline_value": bv, "baseline_source": source, "actual": actual, "actual_year": ay,
        "met": met, "status": status, "expected_progress": expected, "actual_progress": progress,
        "progress_ratio": ratio, "distance_to_target": 0.0 if met else gap_a, "required_annual_rate": rate,
        "required_cagr": cagr, "projection": projection, "projected_met": projected_met,
    }  # fmt: skip


def attainment(
    observations: pd.DataFrame,
    targets: pd.DataFrame,
    year: int,
    indicators: pd.DataFrame | None = None,
    thresholds: Thresholds = Thresholds(),
) -> pd.DataFrame:
    """Appraise each target at ``year``: met, progress, status, required pace and trend projection.

    Parameters
    ----------
    observations : DataFrame
        Columns indicator, region, year, value; one row per indicator × region × year (rows with a missing
        value are dropped; observations after ``year`` are ignored).
    targets : DataFrame
        Columns indicator, region, year (target year), comparator (>=, >, <=, <, =, range; ≥ and ≤ accepted),
        value, or low and high for ranges, and optionally baseline_year and baseline_value.
    year : int
        The appraisal year.
    indicators : DataFrame, optional
        Columns code and optionally direction (higher/lower), kind (binding/expected), domain, lead_unit.
        Without it direction follows the comparator (≥, > higher; ≤, < lower; =, range band) and no target
        is binding.
    thresholds : Thresholds
        On-track threshold, tolerance of ``=`` targets and points needed for a trend.

    Returns
    -------
    DataFrame
        One row per target, columns :data:`COLUMNS`; see the module docstring for the formulas and the
        status rules (A, E, R, gap).
    """
    _missing(targets, ("indicator", "region", "year", "comparator"), "目标", "targets")
    history = _history(observations, int(year), targets)
    goals = _goals(targets, thresholds)
    target_years = _years(targets, "year", "目标", "targets")
    b_years, b_values = (_numeric(targets, c, "目标", "targets") for c in ("baseline_year", "baseline_value"))
    if (b_years > target_years).any():
        raise MeasureError("有目标的基期年份晚于目标年份", "a target's baseline_year is after its target year")
    meta = _meta(indicators, targets["indicator"])
    kinds = targets["kind"].fillna("value").astype(str) if "kind" in targets else pd.Series("value", targets.index)
    unknown = sorted(set(kinds) - {"value", "cumulative", "average"})
    if unknown:
        raise MeasureError(f"未知的目标类型：{', '.join(unknown)}", f"unknown target kinds: {', '.join(unknown)}")
    starts = _numeric(targets, "start_year", "目标", "targets")
    if (np.isnan(starts) & (kinds != "value").to_numpy()).any():
        raise MeasureError("累计或平均目标须给出起始年份", "a cumulative or average target needs start_year")
    derived = _derived(observations, int(year))
    rows = []
    for i, goal in enumerate(goals):
        key = (str(targets["indicator"].iat[i]), str(targets["region"].iat[i]))
        ty = float(target_years[i])
        kind, hist, base = str(kinds.iat[i]), history.get(key), (float(b_years[i]), float(b_values[i]))
        missing: list[int] = []
        if kind != "value":
            hist, missing = _period_history(hist, kind, int(starts[i]), int(ty))
            if kind == "cumulative":
                base = (float(starts[i]) - 1, 0.0)
        row = _appraise(goal, ty, int(year), base, hist, thresholds)
        if kind == "average" and row["status"] == AttainmentStatus.ACHIEVED.value and ty > year:
            row["status"] = AttainmentStatus.ON_TRACK.value
        row["kind"] = kind
        row["start_year"] = None if kind == "value" else int(starts[i])
        row["missing_years"] = ",".join(str(y) for y in missing)
        if hist is not None:
            first = int(starts[i]) if kind != "value" else int(hist[0][-1])
            row["derived"] = any((*key, y) in derived for y in range(first, int(hist[0][-1]) + 1))
        direction = meta["direction"].iat[i]
        binding = bool(meta["binding"].iat[i])
        row["indicator"], row["region"] = targets["indicator"].iat[i], targets["region"].iat[i]
        row["target_year"], row["comparator"] = int(ty), goal.comparator
        row["target"] = f"{goal.low:g}–{goal.high:g}" if goal.comparator == "range" else goal.value
        row["direction"] = direction if isinstance(direction, str) else _DIRECTIONS[goal.comparator]
        row["binding"] = binding
        row["binding_missed"] = binding and ty <= year and row["status"] in MISSED
        row["domain"], row["lead_unit"] = meta["domain"].iat[i], meta["lead_unit"].iat[i]
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["status_zh"] = out["status"].map(STATUS_ZH)
    for col in ("met", "projected_met", "binding", "binding_missed", "derived"):
        out[col] = out[col].eq(True)
    out["missing_years"] = out["missing_years"].fillna("")
    for col in ("baseline_year", "actual_year", "start_year"):
        out[col] = pd.to_numeric(out[col]).astype("Int64")
    floats = [
        "baseline_value",
        "actual",
        *COLUMNS[COLUMNS.index("expected_progress") : COLUMNS.index("projection") + 1],
    ]
    out[floats] = out[floats].astype("float64")
    out["target_year"] = out["target_year"].astype("int64")
    return out


def rollup(result: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """Count statuses per group (domain, region, lead_unit or any column of an :func:`attainment` result).

    attainment_rate = achieved / with_data and on_track_rate = (achieved + on_track) / with_data, where
    with_data = targets − no_data (NaN for a group without data); binding_missed counts missed binding targets.
    """
    keys = [by] if isinstance(by, str) else list(by)
    _missing(result, [*keys, "status", "binding_missed"], "达成结果", "attainment result")
    counts = result[keys].copy()
    counts["targets"] = 1
    for status in STATUSES:
        counts[status] = (result["status"] == status).astype("int64")
    counts["binding_missed"] = result["binding_missed"].astype(bool).astype("int64")
    out = counts.groupby(keys, dropna=False, sort=True).sum().reset_index()
    out["with_data"] = out["targets"] - out["no_data"]
    denominator = out["with_data"].where(out["with_data"] > 0).astype("float64")
    out["attainment_rate"] = out["achieved"] / denominator
    out["on_track_rate"] = (out["achieved"] + out["on_track"]) / denominator
    order = ["targets", "with_data", *STATUSES, "attainment_rate", "on_track_rate", "binding_missed"]
    return out[[*keys, *order]]
