"""Gap measurement on Apache Spark (``pip install 'jundeng[spark]'``, Java 17): the only code importing pyspark.

``spark_gap_report`` is imported lazily, so ``import jundeng.measure.spark`` works without pyspark; the
pure :mod:`~jundeng.measure.spark.combine` never needs it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["spark_gap_report"]


def __getattr__(name: str) -> Any:
    """Import ``spark_gap_report`` on first use (pyspark is an optional extra)."""
    if name == "spark_gap_report":
        from jundeng.measure.spark.report import spark_gap_report

        return spark_gap_report
    raise AttributeError(name)
