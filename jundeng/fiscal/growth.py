"""Does spending on basic public services grow faster than recurrent revenue? (支出增长高于经常性收入增长)

For region r and year t, with the value of the previous calendar year t − 1 of the same region:

    spending_growth = spending_t / spending_{t−1} − 1,   revenue_growth = revenue_t / revenue_{t−1} − 1

and the year passes when spending_growth > revenue_growth. The plans say 高于 (higher than), so equal growth
fails (compared as spending_t × revenue_{t−1} > revenue_t × spending_{t−1}, equal within a relative 1e-12).
A growth rate is undefined — and the year neither passes nor fails, with a note saying why — in a region's
first year, when the previous year is missing, or when the previous year's value is 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jundeng.fiscal.needs import FiscalError

COLUMNS = ("region", "year", "spending", "revenue")
TOLERANCE = 1e-12  # relative: growth equal up to rounding counts as equal (and fails)
NOTES = {
    "first": "首年，无增长率 / first year: no growth rate",
    "gap": "缺上一年数据 / previous year missing",
    "spending0": "上一年支出为 0，增长率无定义 / spending was 0 the year before: growth undefined",
    "revenue0": "上一年经常性收入为 0，增长率无定义 / revenue was 0 the year before: growth undefined",
}


def _validate(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise FiscalError(f"缺少必需的列 {', '.join(missing)}", f"missing required columns {', '.join(missing)}")
    data = frame[list(COLUMNS)].copy()
    data["region"] = data["region"].astype(str)
    for column in ("spending", "revenue"):
        values = pd.to_numeric(data[column], errors="coerce").astype(np.float64)
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            where = ", ".join(f"{r} {y}" for r, y in zip(data["region"][bad], data["year"][bad], strict=True))
            raise FiscalError(
                f"{column} 须为非负数（{where}）", f"{column} must be non-negative (at {where})", location=where
            )
        data[column] = values
    data["year"] = data["year"].astype(int)
    duplicated = data.duplicated(["region", "year"])
    if duplicated.any():
        first = data[duplicated].iloc[0]
        where = f"{first['region']} {first['year']}"
        raise FiscalError(f"区划与年份重复：{where}", f"duplicate region and year: {where}", location=where)
    return data.sort_values(["region", "year"], kind="stable").reset_index(drop=True)


def growth_check(frame: pd.DataFrame) -> pd.DataFrame:
    """Return per region and year: both growth rates, ``ok`` (True / False / None when undefined) and a note."""
    data = _validate(frame)
    grouped = data.groupby("region", sort=False)
    prev_year = grouped["year"].shift(1)
    prev_spending, prev_revenue = grouped["spending"].shift(1), grouped["revenue"].shift(1)
    consecutive = (data["year"] - prev_year) == 1
    with np.errstate(divide="ignore", invalid="ignore"):
        spending_growth = np.where(consecutive & (prev_spending > 0), data["spending"] / prev_spending - 1, np.nan)
        revenue_growth = np.where(consecutive & (prev_revenue > 0), data["revenue"] / prev_revenue - 1, np.nan)
    note = np.select(
        [prev_year.isna(), ~consecutive, prev_spending == 0, prev_revenue == 0],
        [NOTES["first"], NOTES["gap"], NOTES["spending0"], NOTES["revenue0"]],
        default="",
    )
    defined = ~np.isnan(spending_growth) & ~np.isnan(revenue_growth)
    # s_t / s_{t-1} > r_t / r_{t-1}, cross-multiplied so that decimal data growing equally compares equal
    ahead = data["spending"] * prev_revenue - data["revenue"] * prev_spending
    scale = (data["spending"] * prev_revenue).abs()
    passed = (ahead > TOLERANCE * scale).to_numpy()
    ok = pd.Series(
        [bool(p) if d else None for p, d in zip(passed, defined, strict=True)],
        dtype=object,
    )
    return data.assign(spending_growth=spending_growth, revenue_growth=revenue_growth, ok=ok, note=note)


def growth_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Return per region: years checked, the years it failed, years undefined, and ok (None when none checked)."""
    rows = []
    for region, group in checks.groupby("region", sort=False):
        defined = group[group["ok"].notna()]
        failed = [int(y) for y in defined.loc[defined["ok"] == False, "year"]]  # noqa: E712 (object column)
        undefined = [int(y) for y in group.loc[group["ok"].isna(), "year"]]
        rows.append(
            {
                "region": region,
                "years_checked": len(defined),
                "years_failed": failed,
                "years_undefined": undefined,
                "ok": (not failed) if len(defined) else None,
            }
        )
    return pd.DataFrame(rows, columns=["region", "years_checked", "years_failed", "years_undefined", "ok"])
