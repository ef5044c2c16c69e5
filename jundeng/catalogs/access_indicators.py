"""The computed access indicators of ``access-indicators.yaml``: which facilities and what distance each counts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """An access indicator is the share of residents within ``within`` metres of a facility of ``category``."""

    category: str
    within: float


RULES = {
    "ACC_BUS_STOP_500M": Rule("bus_stop", 500.0),
    "ACC_CLINIC_1KM": Rule("clinic", 1_000.0),
    "ACC_FITNESS_1KM": Rule("fitness", 1_000.0),
    "ACC_SCHOOL_2KM": Rule("school", 2_000.0),
}
