"""Policy extraction against the hand-annotated development sets, and extraction throughput.

Usage: python benchmarks/eval_extract.py [--fixtures tests/fixtures/extract] [--details] [--megabytes 4]
Two sets, scored apart so that tuning on one cannot hide a loss on the other: "zhuhai" (the three Zhuhai
documents the extractor was tuned on, ``*.yaml`` in the fixtures folder) and "devset2" (plans of other cities and
provinces never used for tuning, ``devset2/*.yaml``). For each document and pooled (micro) over each set it prints
detection recall and precision (a candidate matches an annotated item when its quantity lies in the item's anchor
and its value is the item's, whatever the kind), then on matched items the accuracy of the comparator and the
year, and baseline separation: the share of matched annotated baselines extracted as baselines (kept out of the
commitments), with in brackets the share of matched commitments (target, task, standard) not extracted as
baselines. Then the precision / recall / F1 per kind of each set, whether devset2 meets the goal (≥ 0.9), and
throughput in MB of UTF-8 text per second (goal: ≥ 1 MB/s). Documents are extracted as the command line does,
without a default year.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jundeng.extract import KINDS, extract_text
from jundeng.extract.evaluate import Score, load_annotations, score

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "extract"
GOAL = 0.9
GOAL_METRICS = ("recall", "precision", "comparator")


@dataclass(frozen=True)
class Metrics:
    """The figures reported for one document or one pooled set."""

    items: int
    predicted: int
    recall: float
    precision: float
    comparator: float
    year: float
    separation: float
    commitments_kept: float


def separation(result: Score) -> tuple[float, float]:
    """Return (matched baselines extracted as baselines, matched commitments not extracted as baselines) shares."""
    missed_baselines = sum(1 for item in result.missed if item.kind == "baseline")
    baselines = result.gold.get("baseline", 0) - missed_baselines
    commitments = result.matched - baselines
    lost = sum(1 for item, found in result.confused if item.kind == "baseline" and found.kind != "baseline")
    taken = sum(1 for item, found in result.confused if item.kind != "baseline" and found.kind == "baseline")
    return (1 - lost / baselines if baselines else 1.0), (1 - taken / commitments if commitments else 1.0)


def metrics(result: Score) -> Metrics:
    """Return the reported figures of a document's or a set's score."""
    precision, recall, _ = result.prf()
    kept_out, commitments_kept = separation(result)
    return Metrics(
        items=sum(result.gold.values()),
        predicted=sum(result.predicted.values()),
        recall=recall,
        precision=precision,
        comparator=result.accuracy("comparator"),
        year=result.accuracy("year"),
        separation=kept_out,
        commitments_kept=commitments_kept,
    )


def pool(scores: Iterable[Score]) -> Score:
    """Return the micro-pooled score of several documents (counts added, measures recomputed)."""
    total = Score()
    for result in scores:
        total.add(result)
    return total


def score_documents(annotations: Iterable[Path]) -> list[tuple[str, Score, str]]:
    """Return (document, score, text) for every annotation file, extracting without a default year."""
    scored = []
    for annotation in annotations:
        text, items, data = load_annotations(annotation)
        scored.append((str(data["document"]), score(extract_text(text, source=data["document"]), items), text))
    return scored


def line(name: str, m: Metrics) -> str:
    """Return one row of the per-document table."""
    return (
        f"{name:<42}{m.items:>6}{m.predicted:>6}{m.recall:>8.3f}{m.precision:>8.3f}{m.comparator:>8.3f}"
        f"{m.year:>8.3f}{m.separation:>8.3f} ({m.commitments_kept:.3f})"
    )


def report_set(name: str, scored: list[tuple[str, Score, str]], details: bool) -> Score:
    """Print the per-document and pooled figures of one set and return its pooled score."""
    print(f"== {name}: {len(scored)} documents")
    print(f"{'document':<42}{'items':>6}{'pred':>6}{'R':>8}{'P':>8}{'cmp':>8}{'year':>8}{'base':>8} (commit)")
    for document, result, _ in scored:
        print(line(document, metrics(result)))
        if details:
            for item in result.missed:
                print(f"    missed   {item.kind:<8} {item.value:g} {item.unit}  «{item.anchor}»")
            for c in result.spurious:
                print(f"    spurious {c.kind:<8} {c.value:g} {c.unit}  «{c.quantity}» {c.indicator}")
            for item, candidate in result.confused:
                print(f"    kind     {item.kind} → {candidate.kind}  «{item.anchor}»")
    total = pool(result for _, result, _ in scored)
    print(line(f"pooled ({name})", metrics(total)))
    return total


def kinds_table(total: Score) -> None:
    """Print precision / recall / F1 per kind and for detection."""
    print(f"{'kind':<10}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}")
    for kind in KINDS:
        p, r, f = total.prf(kind)
        print(f"{kind:<10}{total.gold[kind]:>6}{total.predicted[kind]:>6}{p:>8.3f}{r:>8.3f}{f:>8.3f}")
    p, r, f = total.prf()
    gold, predicted = sum(total.gold.values()), sum(total.predicted.values())
    print(f"{'detection':<10}{gold:>6}{predicted:>6}{p:>8.3f}{r:>8.3f}{f:>8.3f}")
    print(
        f"matched items: {total.matched}; kind accuracy {total.accuracy('kind'):.3f}, unit {total.accuracy('unit'):.3f}"
    )


def goal_line(m: Metrics) -> str:
    """Return the verdict on the goal (each of recall, precision and comparator accuracy ≥ 0.9)."""
    verdicts = [
        f"{what} {getattr(m, what):.3f} {'MET' if getattr(m, what) >= GOAL else 'NOT MET'}" for what in GOAL_METRICS
    ]
    return f"goal on devset2 (≥ {GOAL} on text never used for tuning): " + "; ".join(verdicts)


def throughput(texts: list[str], megabytes: float) -> tuple[float, float]:
    """Return (MB/s, characters/s) extracting about ``megabytes`` of the given texts."""
    sample = "\n".join(texts)
    size = len(sample.encode("utf-8"))
    copies = max(1, round(megabytes * 1e6 / size))
    extract_text(sample)  # warm caches and compiled patterns
    elapsed = 0.0
    for _ in range(copies):
        start = time.perf_counter()
        extract_text(sample)
        elapsed += time.perf_counter() - start
    return copies * size / 1e6 / elapsed, copies * len(sample) / elapsed


def main() -> None:
    """Score both sets, print the tables and the throughput."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--details", action="store_true", help="list missed, spurious and misclassified items")
    parser.add_argument("--megabytes", type=float, default=4.0, help="text extracted for the throughput figure")
    args = parser.parse_args()
    sets = {
        "zhuhai": sorted(args.fixtures.glob("*.yaml")),
        "devset2": sorted((args.fixtures / "devset2").glob("*.yaml")),
    }
    texts: list[str] = []
    pooled: dict[str, Score] = {}
    for name, files in sets.items():
        scored = score_documents(files)
        texts += [text for _, _, text in scored]
        pooled[name] = report_set(name, scored, args.details)
        print()
    for name, total in pooled.items():
        print(f"-- {name}, per kind")
        kinds_table(total)
        print()
    print(goal_line(metrics(pooled["devset2"])))
    mb_per_s, chars_per_s = throughput(texts, args.megabytes)
    print()
    print(f"throughput: {mb_per_s:.2f} MB/s of UTF-8 text ({chars_per_s / 1e3:.0f}k characters/s)")


if __name__ == "__main__":
    main()
