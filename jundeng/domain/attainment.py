"""Target attainment statuses (the UN SDG Progress Chart and Eurostat classes), with their labels."""

from __future__ import annotations

from enum import StrEnum


class AttainmentStatus(StrEnum):
    """Where a target stands in a year (see :mod:`jundeng.appraise.attainment` for the rules)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    WORSENING = "worsening"
    NO_DATA = "no_data"

    @property
    def label_zh(self) -> str:
        """Return the Chinese label."""
        return _LABELS[self.value][0]

    @property
    def label_en(self) -> str:
        """Return the English label."""
        return _LABELS[self.value][1]

    def label(self, lang: str) -> str:
        """Return the label in ``lang`` (``en``, else Chinese)."""
        return self.label_en if lang == "en" else self.label_zh


_LABELS = {
    "achieved": ("已达成", "Achieved"),
    "on_track": ("进度正常", "On track"),
    "off_track": ("进度滞后", "Off track"),
    "worsening": ("退步", "Worsening"),
    "no_data": ("无数据", "No data"),
}
