"""Policy extraction against the hand-annotated development set, and extraction throughput.

Usage: python benchmarks/eval_extract.py [--fixtures tests/fixtures/extract] [--details] [--megabytes 4]
Prints precision / recall / F1 per kind (a candidate counts for a kind when it matches an annotated item of that
kind: same quantity span and value), detection P/R/F1 whatever the kind, the accuracy of kind, comparator, year
and unit on matched items, then throughput in MB of UTF-8 text per second (goal: ≥ 1 MB/s).
The documents are extracted as the command line does, without a default year.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from jundeng.extract import KINDS, extract_text
from jundeng.extract.evaluate import Score, load_annotations, score

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "extract"


def evaluate(fixtures: Path, details: bool) -> tuple[Score, list[str]]:
    """Return the pooled score over every annotated document and the documents' texts."""
    total = Score()
    texts = []
    for annotation in sorted(fixtures.glob("*.yaml")):
        text, items, data = load_annotations(annotation)
        texts.append(text)
        result = score(extract_text(text, source=data["document"]), items)
        total.add(result)
        p, r, f = result.prf()
        print(f"{data['document']:<45} items {len(items):>4}  detection P {p:.3f} R {r:.3f} F1 {f:.3f}")
        if details:
            for item in result.missed:
                print(f"    missed   {item.kind:<8} {item.value:g} {item.unit}  «{item.anchor}»")
            for c in result.spurious:
                print(f"    spurious {c.kind:<8} {c.value:g} {c.unit}  «{c.quantity}» {c.indicator}")
            for item, candidate in result.confused:
                print(f"    kind     {item.kind} → {candidate.kind}  «{item.anchor}»")
    return total, texts


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--details", action="store_true", help="list missed, spurious and misclassified items")
    parser.add_argument("--megabytes", type=float, default=4.0, help="text extracted for the throughput figure")
    args = parser.parse_args()
    total, texts = evaluate(args.fixtures, args.details)
    print()
    print(f"{'kind':<10}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}")
    for kind in KINDS:
        p, r, f = total.prf(kind)
        print(f"{kind:<10}{total.gold[kind]:>6}{total.predicted[kind]:>6}{p:>8.3f}{r:>8.3f}{f:>8.3f}")
    p, r, f = total.prf()
    print(
        f"{'detection':<10}{sum(total.gold.values()):>6}{sum(total.predicted.values()):>6}{p:>8.3f}{r:>8.3f}{f:>8.3f}"
    )
    print()
    print(f"matched items: {total.matched}")
    for what in ("kind", "comparator", "year", "unit"):
        print(f"  {what} accuracy: {total.accuracy(what):.3f}")
    mb_per_s, chars_per_s = throughput(texts, args.megabytes)
    print()
    print(f"throughput: {mb_per_s:.2f} MB/s of UTF-8 text ({chars_per_s / 1e3:.0f}k characters/s)")


if __name__ == "__main__":
    main()
