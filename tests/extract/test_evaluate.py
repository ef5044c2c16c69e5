"""Extraction quality on the annotated dev set stays above the floor."""

from __future__ import annotations

from pathlib import Path

from jundeng.extract import extract_text
from jundeng.extract.evaluate import Score, load_annotations, score

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extract"


def _dev_score() -> Score:
    total = Score()
    for annotation in sorted(FIXTURES.glob("*.yaml")):
        text, items, data = load_annotations(annotation)
        total.add(score(extract_text(text, source=data["document"]), items))
    return total


def test_dev_set_quality_stays_above_the_floor() -> None:
    total = _dev_score()
    assert sum(total.gold.values()) >= 170
    assert total.prf("target")[2] >= 0.95
    assert total.prf()[2] >= 0.95
    for kind in ("task", "standard", "baseline"):
        assert total.prf(kind)[2] >= 0.9, kind
    assert total.accuracy("kind") >= 0.95
    assert total.accuracy("year") >= 0.95
    assert total.accuracy("comparator") >= 0.95
