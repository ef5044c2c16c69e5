"""Target attainment statuses (the UN SDG Progress Chart and Eurostat classes), with their labels."""

from __future__ import annotations

from jundeng.domain.labels import Labelled


class AttainmentStatus(Labelled):
    """Where a target stands in a year (see :mod:`jundeng.appraise.attainment` for the rules)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    WORSENING = "worsening"
    NO_DATA = "no_data"


TARGET_COLUMNS = [
    "indicator", "region", "year", "comparator", "value", "low", "high", "baseline_year", "baseline_value", "kind",
    "start_year",
]  # fmt: skip  # the targets frame jundeng.appraise.attainment takes
