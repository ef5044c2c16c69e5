"""Scoring extraction against hand annotations: precision, recall and F1 per kind; accuracy on matched items.

Hand-written because the matching rule is ours: an annotated item is located by an ``anchor`` (a unique
substring of the document holding the quantity), and a candidate matches it when its quantity lies in the anchor
and its value is the annotated value. Each item and each candidate is matched at most once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jundeng.extract.model import KINDS, Candidate


@dataclass(frozen=True)
class Item:
    """One hand-annotated value: kind, value, unit, comparator, year and where it stands (``anchor``)."""

    kind: str
    value: float
    unit: str
    comparator: str
    year: int | None
    anchor: str
    start: int
    end: int


@dataclass
class Score:
    """Counts for a set of documents, with the derived measures."""

    gold: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    predicted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    matched: int = 0
    agree: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("kind", "comparator", "year", "unit"), 0))
    missed: list[Item] = field(default_factory=list)
    spurious: list[Candidate] = field(default_factory=list)
    confused: list[tuple[Item, Candidate]] = field(default_factory=list)

    def add(self, other: Score) -> None:
        """Add the counts of ``other``."""
        for name in ("gold", "predicted", "correct", "agree"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value
        self.matched += other.matched
        self.missed += other.missed
        self.spurious += other.spurious
        self.confused += other.confused

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        """Return precision, recall and F1 for one kind (matched with the right kind), or for detection overall."""
        if kind is None:
            tp, pred, gold = self.matched, sum(self.predicted.values()), sum(self.gold.values())
        else:
            tp, pred, gold = self.correct[kind], self.predicted[kind], self.gold[kind]
        precision = tp / pred if pred else 1.0
        recall = tp / gold if gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def accuracy(self, what: str) -> float:
        """Return the share of matched items whose ``what`` (kind, comparator, year, unit) agrees."""
        return self.agree[what] / self.matched if self.matched else 1.0


def load_annotations(path: str | Path) -> tuple[str, list[Item], dict[str, Any]]:
    """Return the document text beside an annotation file, its items and the file's header."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = (path.parent / data["document"]).read_text(encoding="utf-8")
    items = []
    for raw in data["items"]:
        anchor = str(raw["anchor"])
        start = text.find(anchor)
        if start < 0 or text.find(anchor, start + 1) >= 0:
            raise ValueError(f"{path.name}: anchor {anchor!r} is not unique in the document")
        items.append(
            Item(
                kind=str(raw["kind"]),
                value=float(raw["value"]),
                unit=str(raw.get("unit", "")),
                comparator=str(raw.get("comparator", "=")),
                year=raw.get("year"),
                anchor=anchor,
                start=start,
                end=start + len(anchor),
            )
        )
    return text, items, data


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-6, 0.005 * abs(b) if b != int(b) else 1e-6)


def score(candidates: Sequence[Candidate], items: Sequence[Item]) -> Score:
    """Match candidates to annotated items and count."""
    result = Score()
    for candidate in candidates:
        result.predicted[candidate.kind] += 1
    used: set[int] = set()
    for item in items:
        result.gold[item.kind] += 1
        options = [
            (index, c)
            for index, c in enumerate(candidates)
            if index not in used
            and c.quantity_start < item.end
            and c.quantity_end > item.start
            and _same_value(c.value, item.value)
        ]
        if not options:
            result.missed.append(item)
            continue
        index, found = min(
            options, key=lambda pair: (pair[1].kind != item.kind, abs(pair[1].quantity_start - item.start))
        )
        used.add(index)
        result.matched += 1
        if found.kind == item.kind:
            result.correct[item.kind] += 1
        else:
            result.confused.append((item, found))
        result.agree["kind"] += found.kind == item.kind
        result.agree["comparator"] += found.comparator == item.comparator
        result.agree["year"] += found.year == item.year
        result.agree["unit"] += found.unit == item.unit
    result.spurious = [c for index, c in enumerate(candidates) if index not in used]
    return result
