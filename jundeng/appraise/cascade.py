"""Targets of a region: its own, else its nearest ancestor's, within its own programme's subtree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd


def cascade_targets(
    targets: pd.DataFrame,
    regions: Iterable[str],
    *,
    parents: Mapping[str, str | None],
    additive: Iterable[str] = (),
) -> pd.DataFrame:
    """Return the targets of each of ``regions``: its own, else the nearest ancestor's applied to it.

    A target cascades only down its own region's subtree (``parents`` maps each region to its parent), so a
    city's targets never reach another city's districts. Targets on additive indicators (counts such as
    新建12所学校) are not applied to each region: the city meets them with the sum of its districts.
    """
    regions = list(regions)
    additive = set(additive)
    own = targets[targets["region"].isin(regions)]
    inherited = targets[~targets["indicator"].isin(additive)]
    by_region = {code: part for code, part in inherited.groupby("region")}
    parts = [own]
    for region in regions:
        node = parents.get(region)
        while node is not None:  # nearest ancestor first: drop_duplicates keeps the first
            if node in by_region:
                parts.append(by_region[node].assign(region=region))
            node = parents.get(node)
    merged = pd.concat(parts, ignore_index=True)
    return merged.drop_duplicates(["indicator", "region", "year"], keep="first").reset_index(drop=True)
