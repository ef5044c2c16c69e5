"""The synthetic demo generator is reproducible from its seed."""

from __future__ import annotations

import numpy as np
import polars as pl

from jundeng.catalogs import demo


def test_generator_is_reproducible_from_its_seed() -> None:
    from jundeng.catalogs import zhuhai_regions
    from jundeng.domain.catalog import Indicator

    ind = [Indicator(code="X", name="x", domain="d", unit="%", disaggregations=["urban_rural"])]
    prof = [demo.Profile(indicator="X", start=80, end=90, level="village")]
    _, a = demo.generate(zhuhai_regions(), ind, prof, seed=7)
    _, b = demo.generate(zhuhai_regions(), ind, prof, seed=7)
    assert a.equals(b)
    rural = a.filter((pl.col("region") == "440400") & (pl.col("disaggregation") == "urban_rural=rural"))
    urban = a.filter((pl.col("region") == "440400") & (pl.col("disaggregation") == "urban_rural=urban"))
    assert np.all(rural.sort("period")["value"].to_numpy() < urban.sort("period")["value"].to_numpy())
