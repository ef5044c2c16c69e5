"""Bootstrap confidence intervals for inequality indices and any statistic of weighted units.

Units (regions) are resampled with replacement, within strata when given, keeping each stratum's size.
A resample is the same as multiplying each unit's population weight by how often it was drawn, so for
the named indices the replicates are computed in chunks as weight matrices W = w·C (k × n) through the
``*_kernel`` functions of :mod:`jundeng.measure.indices`: no per-replicate Python loop. Any other
statistic is a callable ``f(values, weights[, groups])`` evaluated on each resample; it may return a
dict (e.g. between/within/total of a decomposition) to get one interval per entry.

Intervals are the percentile interval and the bias-corrected and accelerated (BCa) interval of
Efron (1987): with z0 = Φ⁻¹(share of replicates below the estimate, ties counted half) and the
acceleration a = Σ d_i³ / (6 (Σ d_i²)^{3/2}), d_i = θ̄_(·) − θ_(i) from the jackknife, the bounds are the
replicate quantiles at Φ(z0 + (z0 + z_q)/(1 − a(z0 + z_q))) for z_q = Φ⁻¹((1 ∓ level)/2).
For n ≤ 2000 units the jackknife is the exact delete-one jackknife; above that it is a grouped
(delete-a-block) jackknife over 1000 random blocks of nearly equal size, which estimates the same
skewness at a bounded cost (the blocks come from a stream derived from ``seed``, so results stay
reproducible). BCa bounds are NaN when z0 is infinite (every replicate on one side of the estimate) or
a jackknife value is undefined (e.g. a deletion empties a group a callable needs).

References: Efron, B. (1987) "Better bootstrap confidence intervals", JASA 82(397), 171–185;
Efron, B. and Tibshirani, R. (1993) *An Introduction to the Bootstrap*, ch. 13–14.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from jundeng.measure._inputs import FloatArray, IntArray, MeasureError, as_groups, as_values, as_weights, prepare
from jundeng.measure.indices import atkinson_kernel, cv_kernel, ge_kernel, gini_kernel

Kernel = Callable[[FloatArray, FloatArray], FloatArray]
Statistic = str | Callable[..., float | Mapping[str, float]]

_KERNELS: dict[str, tuple[Kernel, bool]] = {  # name → (kernel on (x, W), needs positive values)
    "gini": (gini_kernel, False),  # x must be ascending: handled by _VectorPath
    "theil": (lambda x, w: ge_kernel(x, w, 1.0), False),
    "mld": (lambda x, w: ge_kernel(x, w, 0.0), True),
    "ge2": (lambda x, w: ge_kernel(x, w, 2.0), False),
    "cv": (cv_kernel, False),
    "atkinson0.5": (lambda x, w: atkinson_kernel(x, w, 0.5), False),
    "atkinson1": (lambda x, w: atkinson_kernel(x, w, 1.0), True),
    "mean": (lambda x, w: (np.atleast_2d(w) @ x) / np.atleast_2d(w).sum(axis=1), False),
}
STATISTICS = tuple(_KERNELS)
EXACT_JACKKNIFE_MAX = 2000
JACKKNIFE_BLOCKS = 1000
_CHUNK_ELEMENTS = 4_000_000  # entries of a (k, n) matrix evaluated at once (≈ 32 MB of float64)
_CHUNK_MAX = 200


@dataclass(frozen=True)
class Interval:
    """Bootstrap distribution and intervals of one statistic; ``low``/``high`` follow the chosen method."""

    name: str
    estimate: float
    std_error: float
    low: float
    high: float
    percentile_low: float
    percentile_high: float
    bca_low: float
    bca_high: float
    bias_correction: float
    acceleration: float
    replicates: FloatArray = field(repr=False, compare=False)


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap of a statistic: one :class:`Interval` per term (one term for a scalar statistic).

    For a scalar statistic ``result.estimate``, ``result.low`` … read its single interval; for a dict
    statistic use ``result["between"]`` (``result.terms`` lists the names). ``jackknife`` is the number of
    jackknife deletions behind the BCa acceleration: n (exact) or the number of blocks (grouped).
    """

    statistic: str
    method: str
    level: float
    reps: int
    seed: int
    units: int
    strata: int
    jackknife: int
    intervals: Mapping[str, Interval] = field(repr=False)

    def __getitem__(self, name: str) -> Interval:
        return self.intervals[name]

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(self.intervals)

    def _single(self) -> Interval:
        if len(self.intervals) != 1:
            raise MeasureError(
                f"统计量有多项（{'、'.join(self.intervals)}），请按名称取区间",
                f"the statistic has several terms ({', '.join(self.intervals)}): index the result by name",
            )
        return next(iter(self.intervals.values()))

    @property
    def estimate(self) -> float:
        """Point estimate on the full sample."""
        return self._single().estimate

    @property
    def std_error(self) -> float:
        """Standard deviation of the replicates."""
        return self._single().std_error

    @property
    def low(self) -> float:
        """Lower bound of the chosen method."""
        return self._single().low

    @property
    def high(self) -> float:
        """Upper bound of the chosen method."""
        return self._single().high

    @property
    def percentile_low(self) -> float:
        return self._single().percentile_low

    @property
    def percentile_high(self) -> float:
        return self._single().percentile_high

    @property
    def bca_low(self) -> float:
        return self._single().bca_low

    @property
    def bca_high(self) -> float:
        return self._single().bca_high

    @property
    def replicates(self) -> FloatArray:
        """Replicates in draw order."""
        return self._single().replicates

    @property
    def interval(self) -> Interval:
        """The single term's :class:`Interval` (percentile and BCa bounds, z0, acceleration)."""
        return self._single()


# ------------------------------------------------------------------------------------------ evaluation


class _VectorPath:
    """Named index: evaluate resamples and jackknife deletions as weight matrices in one kernel call."""

    def __init__(self, name: str, x: FloatArray, w: FloatArray) -> None:
        self.kernel, positive = _KERNELS[name]
        prepare(x, w, positive=positive, what=f"{name} ")
        self.name, self.n = name, x.size
        self.order: IntArray | None = None
        self.rank: IntArray | None = None
        if name == "gini":  # sort once; draws and masks are mapped into ascending order
            self.order = np.argsort(x, kind="stable").astype(np.intp)
            self.rank = np.empty(self.n, dtype=np.intp)
            self.rank[self.order] = np.arange(self.n)
            x, w = x[self.order], w[self.order]
        self.x, self.w = x, w

    def estimate(self) -> dict[str, float]:
        return {self.name: float(self.kernel(self.x, self.w[None, :])[0])}

    def resamples(self, index: IntArray) -> dict[str, FloatArray]:
        k = index.shape[0]
        if self.rank is not None:  # position of each drawn unit in ascending order
            index = self.rank[index]
        flat = (index + (np.arange(k) * self.n)[:, None]).ravel()
        counts = np.bincount(flat, minlength=k * self.n).reshape(k, self.n)
        return {self.name: self.kernel(self.x, self.w * counts)}

    def subsets(self, keep: NDArray[np.bool_]) -> dict[str, FloatArray]:
        if self.order is not None:
            keep = keep[:, self.order]
        return {self.name: self.kernel(self.x, self.w * keep)}


class _LoopPath:
    """Any callable ``f(values, weights[, groups])``: evaluated once per resample."""

    def __init__(self, function: Callable[..., Any], x: FloatArray, w: FloatArray, groups: NDArray[Any] | None):
        self.function, self.x, self.w, self.groups = function, x, w, groups
        self.names: tuple[str, ...] = ()
        self.full = self._call(np.arange(x.size))
        self.names = tuple(self.full)

    def _call(self, index: NDArray[Any]) -> dict[str, float]:
        args = (self.x[index], self.w[index]) + (() if self.groups is None else (self.groups[index],))
        out = self.function(*args)
        if isinstance(out, Mapping):
            result = {str(key): float(value) for key, value in out.items()}
        else:
            result = {"value": float(out)}
        if self.names and tuple(result) != self.names:
            raise MeasureError(
                "统计量在不同重抽样中返回的项不同", f"the statistic returned terms {tuple(result)}, not {self.names}"
            )
        return result

    def estimate(self) -> dict[str, float]:
        return self.full

    def _collect(self, rows: Iterator[NDArray[Any]]) -> dict[str, FloatArray]:
        values = [self._call(row) for row in rows]
        return {name: np.array([v[name] for v in values]) for name in self.names}

    def resamples(self, index: IntArray) -> dict[str, FloatArray]:
        return self._collect(iter(index))

    def subsets(self, keep: NDArray[np.bool_]) -> dict[str, FloatArray]:
        return self._collect(np.flatnonzero(row) for row in keep)


# ------------------------------------------------------------------------------------------ resampling


def chunk_size(n: int) -> int:
    """Return how many replicates are drawn and evaluated together for ``n`` units (bounded memory)."""
    return max(1, min(_CHUNK_MAX, _CHUNK_ELEMENTS // max(n, 1)))


def resample_indices(rng: np.random.Generator, strata: list[IntArray], n: int, reps: int) -> Iterator[IntArray]:
    """Yield (k, n) arrays of drawn unit positions, stratum by stratum within each chunk of replicates.

    Each row draws n_h units with replacement from each stratum h (positions ``strata[h]``), placed in
    that stratum's own columns, so every resample keeps the stratum sizes.
    """
    step = chunk_size(n)
    for start in range(0, reps, step):
        k = min(step, reps - start)
        if len(strata) == 1:
            yield rng.integers(0, n, size=(k, n)).astype(np.intp, copy=False)
            continue
        index = np.empty((k, n), dtype=np.intp)
        for members in strata:
            index[:, members] = members[rng.integers(0, members.size, size=(k, members.size))]
        yield index


def jackknife_masks(rng: np.random.Generator, n: int) -> tuple[int, Iterator[NDArray[np.bool_]]]:
    """Return (number of deletions, chunks of keep-masks): delete-one for n ≤ 2000, else 1000 random blocks."""
    step = chunk_size(n)
    if n <= EXACT_JACKKNIFE_MAX:
        block = np.arange(n)
        count = n
    else:
        count = JACKKNIFE_BLOCKS
        block = np.empty(n, dtype=np.intp)
        block[rng.permutation(n)] = np.arange(n) % count

    def masks() -> Iterator[NDArray[np.bool_]]:
        for start in range(0, count, step):
            yield block[None, :] != np.arange(start, min(start + step, count))[:, None]

    return count, masks()


# ------------------------------------------------------------------------------------------ intervals


def _interval(name: str, estimate: float, reps: FloatArray, jack: FloatArray, level: float, method: str) -> Interval:
    tail = (1.0 - level) / 2.0
    pct_low, pct_high = (float(q) for q in np.quantile(reps, [tail, 1.0 - tail]))
    share = (np.count_nonzero(reps < estimate) + np.count_nonzero(reps <= estimate)) / (2.0 * reps.size)
    normal = NormalDist()
    z0 = normal.inv_cdf(share) if 0.0 < share < 1.0 else math.nan
    d = jack.mean() - jack
    spread = float(np.sum(d**2))
    acceleration = float(np.sum(d**3)) / (6.0 * spread**1.5) if spread > 0 else 0.0
    bca_low = bca_high = math.nan
    if math.isfinite(z0) and math.isfinite(acceleration):
        shares = []
        for q in (tail, 1.0 - tail):
            z = z0 + normal.inv_cdf(q)
            shares.append(normal.cdf(z0 + z / (1.0 - acceleration * z)))
        bca_low, bca_high = (float(q) for q in np.quantile(reps, shares))
    low, high = (bca_low, bca_high) if method == "bca" else (pct_low, pct_high)
    return Interval(
        name=name,
        estimate=estimate,
        std_error=float(np.std(reps, ddof=1)),
        low=low,
        high=high,
        percentile_low=pct_low,
        percentile_high=pct_high,
        bca_low=bca_low,
        bca_high=bca_high,
        bias_correction=z0,
        acceleration=acceleration,
        replicates=reps,
    )


def _check_options(reps: int, level: float, method: str) -> None:
    if isinstance(reps, bool) or not isinstance(reps, int | np.integer) or reps < 2:
        raise MeasureError("重抽样次数须为 ≥ 2 的整数", "reps must be an integer >= 2")
    if not 0 < level < 1:
        raise MeasureError("置信水平须在 0 与 1 之间", "level must lie between 0 and 1")
    if method not in ("bca", "percentile"):
        raise MeasureError("区间方法须为 bca 或 percentile", "method must be 'bca' or 'percentile'")


def _accepts_groups(function: Callable[..., Any]) -> bool:
    try:
        inspect.signature(function).bind(None, None, None)
    except TypeError:
        return False
    except ValueError:  # no signature available (some builtins): let the call decide
        return True
    return True


def bootstrap(
    values: ArrayLike,
    statistic: Statistic,
    weights: ArrayLike | None = None,
    groups: ArrayLike | None = None,
    strata: ArrayLike | None = None,
    reps: int = 1000,
    level: float = 0.95,
    method: str = "bca",
    seed: int = 0,
) -> BootstrapResult:
    """Return bootstrap percentile and BCa intervals of ``statistic`` over resampled units.

    Parameters
    ----------
    values : value per unit (region).
    statistic : one of ``STATISTICS`` ("gini", "theil", "mld", "cv", "atkinson0.5", "atkinson1", "ge2",
        "mean"; vectorized), or a callable ``f(values, weights) -> float | dict[str, float]``, called as
        ``f(values, weights, groups)`` when ``groups`` is given.
    weights : population weights (None: equal); units with zero weight are dropped first.
    groups : labels per unit passed to a callable statistic, resampled along with the units. A group
        can be missing from a resample; use ``strata=groups`` to keep every group's size fixed.
    strata : labels per unit; units are resampled within each stratum, keeping its size.
    reps : number of bootstrap replicates B.
    level : confidence level of both intervals.
    method : "bca" or "percentile": which bounds ``low``/``high`` report (both are always computed).
    seed : seed of ``numpy.random.default_rng``; the same seed gives the same resamples on either path.

    Notes
    -----
    Replicate b uses the resample drawn as row b of :func:`resample_indices`; the named indices and a
    callable computing the same index see the same resamples and agree to rounding. The standard error
    is the standard deviation of the replicates (ddof = 1); percentile bounds use linear interpolation
    (as ``scipy.stats.bootstrap``). See the module docstring for BCa and the jackknife.
    """
    _check_options(reps, level, method)
    x = as_values(values)
    w = as_weights(weights, x.size)
    if w.ndim != 1:
        raise MeasureError("权重须为一维", "weights must be one-dimensional")
    labels = None
    if groups is not None:
        group_codes, group_labels = as_groups(groups, x.size)
        labels = group_labels[group_codes]
    codes = np.zeros(x.size, dtype=np.intp) if strata is None else as_groups(strata, x.size)[0]
    keep = w > 0
    if not keep.all():
        x, w, codes = x[keep], w[keep], codes[keep]
        labels = None if labels is None else labels[keep]
    if x.size < 2:
        raise MeasureError("自助法至少需要 2 个单位", "the bootstrap needs at least 2 units")
    layout = [np.flatnonzero(codes == h).astype(np.intp) for h in np.unique(codes)]

    path: _VectorPath | _LoopPath
    if isinstance(statistic, str):
        if statistic not in _KERNELS:
            raise MeasureError(
                f"统计量须为 {'、'.join(STATISTICS)} 之一或函数", f"statistic must be one of {', '.join(STATISTICS)}"
            )
        if labels is not None:
            raise MeasureError("命名指标不使用分组；请传入函数", "named statistics take no groups: pass a callable")
        path, name = _VectorPath(statistic, x, w), statistic
    elif callable(statistic):
        if labels is not None and not _accepts_groups(statistic):
            raise MeasureError(
                "统计函数须接受 (values, weights, groups)", "the statistic must take (values, weights, groups)"
            )
        path, name = _LoopPath(statistic, x, w, labels), getattr(statistic, "__name__", "statistic")
    else:
        raise MeasureError("统计量须为名称或函数", "statistic must be a name or a callable")

    estimate = path.estimate()
    boot_rng = np.random.default_rng(seed)
    chunks = [path.resamples(index) for index in resample_indices(boot_rng, layout, x.size, reps)]
    replicates = {key: np.concatenate([c[key] for c in chunks]) for key in estimate}
    jack_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    deletions, masks = jackknife_masks(jack_rng, x.size)
    jack_chunks = [path.subsets(mask) for mask in masks]
    jack = {key: np.concatenate([c[key] for c in jack_chunks]) for key in estimate}

    for key, draws in replicates.items():
        bad = int(np.count_nonzero(~np.isfinite(draws)))
        if bad:
            raise MeasureError(
                f"{key} 在 {bad} 次重抽样中无定义（如某组在重抽样中缺失）；可用 strata 固定各组",
                f"{key} is undefined in {bad} of {reps} resamples (e.g. a group missing); consider strata",
            )
    intervals = {key: _interval(key, estimate[key], replicates[key], jack[key], level, method) for key in estimate}
    return BootstrapResult(
        statistic=name,
        method=method,
        level=level,
        reps=int(reps),
        seed=seed,
        units=int(x.size),
        strata=len(layout),
        jackknife=deletions,
        intervals=intervals,
    )
