"""The Spark progress line counts stages and tasks from the status tracker (a fake one here: no Spark)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jundeng.measure.spark.progress import SparkProgress, stage_counts


@dataclass
class Stage:
    numTasks: int  # noqa: N815 - pyspark's field names
    numCompletedTasks: int  # noqa: N815


@dataclass
class Tracker:
    stages: dict[int, Stage] = field(default_factory=dict)
    active: list[int] = field(default_factory=list)

    def getActiveJobsIds(self) -> list[int]:  # noqa: N802 - pyspark's method names
        return [0]

    def getJobInfo(self, job_id: int) -> Any:  # noqa: N802
        return type("Job", (), {"stageIds": list(self.stages)})()

    def getStageInfo(self, stage_id: int) -> Stage | None:  # noqa: N802
        return self.stages.get(stage_id)

    def getActiveStageIds(self) -> list[int]:  # noqa: N802
        return self.active


def test_stage_counts_follow_the_tracker() -> None:
    tracker = Tracker({1: Stage(4, 4), 2: Stage(8, 3)}, active=[2])
    seen: dict[int, tuple[int, int]] = {}
    assert stage_counts(tracker, seen) == (1, 2, 7, 12)
    tracker.stages[2] = Stage(8, 8)
    tracker.active = []
    assert stage_counts(tracker, seen) == (2, 2, 12, 12)


def test_the_display_starts_and_stops() -> None:
    spark = type("Spark", (), {"sparkContext": type("Context", (), {"statusTracker": lambda self: Tracker()})()})()
    with SparkProgress(spark, interval=0.01) as progress:
        assert progress._thread.is_alive()
    assert not progress._thread.is_alive()
