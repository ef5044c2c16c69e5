"""The candidate an extraction proposes: one value of one indicator, task or standard, with its source span.

A plain frozen dataclass (hand-written: the field names are the documented JSON of ``jundeng extract``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Kind = Literal["target", "task", "standard", "baseline"]
Comparator = Literal[">=", "<=", ">", "<", "="]
KINDS: tuple[Kind, ...] = ("target", "task", "standard", "baseline")


@dataclass(frozen=True)
class Candidate:
    """A proposed target, task, standard or baseline, located in the original text for review.

    ``start``/``end`` are the offsets of ``sentence`` in the original text (``text[start:end] == sentence``);
    ``quantity_start``/``quantity_end`` those of the quantity as written (``quantity``). For a range, ``value`` is
    the lower bound and ``low``/``high`` both bounds. ``previous`` is the value a change started from (由 A 提高到 B);
    ``baseline_value``/``baseline_year`` the same for a target when the text gives them (由2015年的85%提高到95%).
    ``binding`` is 约束性 or 预期性 where the plan says so (a table column, a ★ mark with its note, "（约束性）").
    """

    kind: Kind
    indicator: str
    value: float
    unit: str
    comparator: Comparator
    low: float | None
    high: float | None
    year: int | None
    scope: str | None
    domain: str | None
    lead_units: tuple[str, ...]
    responsible_units: tuple[str, ...]
    sentence: str
    start: int
    end: int
    confidence: float
    quantity: str = ""
    quantity_start: int = 0
    quantity_end: int = 0
    previous: float | None = None
    binding: str | None = None
    source: str | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the candidate as plain JSON-ready data (tuples become lists, 690.0 becomes 690)."""
        data = asdict(self)
        data["lead_units"] = list(self.lead_units)
        data["responsible_units"] = list(self.responsible_units)
        for name in ("value", "low", "high", "previous", "baseline_value"):
            data[name] = _number(data[name])
        return data


def _number(value: float | None) -> float | int | None:
    if value is None or value != int(value) or abs(value) >= 2**53:
        return value
    return int(value)


FIELDS: tuple[str, ...] = tuple(Candidate.__dataclass_fields__)
