"""Extraction quality on the annotated dev set stays above the floor."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from jundeng.extract import extract_text
from jundeng.extract.evaluate import Item, Score, load_annotations, score
from jundeng.extract.model import Candidate

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


def _benchmark() -> ModuleType:
    path = Path(__file__).parents[2] / "benchmarks" / "eval_extract.py"
    spec = importlib.util.spec_from_file_location("eval_extract", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _item(kind: str, value: float, comparator: str, year: int, start: int) -> Item:
    return Item(kind, value, "%", comparator, year, anchor=f"x{value:g}", start=start, end=start + 5)


def _candidate(kind: str, value: float, comparator: str, year: int, start: int) -> Candidate:
    return Candidate(
        kind=kind,  # type: ignore[arg-type]
        indicator="",
        value=value,
        unit="%",
        comparator=comparator,  # type: ignore[arg-type]
        low=None,
        high=None,
        year=year,
        scope=None,
        domain=None,
        lead_units=(),
        responsible_units=(),
        sentence="",
        start=start,
        end=start + 5,
        confidence=1.0,
        quantity=f"{value:g}%",
        quantity_start=start + 1,
        quantity_end=start + 4,
    )


def test_per_document_figures_and_micro_pooling_are_hand_computed() -> None:
    bench = _benchmark()
    # document A: a right target, a target with the wrong comparator, a baseline taken for a target, a spurious figure
    a = score(
        [
            _candidate("target", 90, ">=", 2020, 0),
            _candidate("target", 4, "=", 2020, 10),
            _candidate("target", 93, "=", 2015, 20),
            _candidate("task", 7, "=", 2020, 30),
        ],
        [_item("target", 90, ">=", 2020, 0), _item("target", 4, "<=", 2020, 10), _item("baseline", 93, "=", 2015, 20)],
    )
    # document B: a right baseline and a missed task
    b = score(
        [_candidate("baseline", 50, "=", 2015, 0)],
        [_item("baseline", 50, "=", 2015, 0), _item("task", 3, "=", 2020, 10)],
    )
    ma, mb = bench.metrics(a), bench.metrics(b)
    assert (ma.items, ma.predicted, ma.recall, ma.precision) == (3, 4, 1.0, 0.75)
    assert (round(ma.comparator, 3), ma.year, ma.separation, ma.commitments_kept) == (0.667, 1.0, 0.0, 1.0)
    assert (mb.items, mb.predicted, mb.recall, mb.precision, mb.comparator, mb.separation) == (2, 1, 0.5, 1.0, 1.0, 1.0)
    pooled = bench.metrics(bench.pool([a, b]))
    # micro: counts added, not per-document figures averaged (the mean recall would be 0.75, precision 0.875)
    assert (pooled.items, pooled.predicted, pooled.recall, pooled.precision) == (5, 5, 0.8, 0.8)
    assert (pooled.comparator, pooled.year, pooled.separation, pooled.commitments_kept) == (0.75, 1.0, 0.5, 1.0)
    verdict = bench.goal_line(pooled)
    assert "precision 0.800 NOT MET" in verdict and "comparator 0.750 NOT MET" in verdict
    assert "MET" in bench.goal_line(bench.metrics(b)).split("precision")[1]


def test_the_second_development_set_loads_and_is_kept_apart() -> None:
    devset2 = sorted((FIXTURES / "devset2").glob("*.yaml"))
    assert len(devset2) >= 3
    texts = {load_annotations(path)[0] for path in devset2}
    assert any("達到" in text for text in texts)  # one document in traditional script
    assert not {path.name for path in devset2} & {path.name for path in FIXTURES.glob("*.yaml")}
    assert sum(len(load_annotations(path)[1]) for path in devset2) >= 40
