"""A transient progress line for long Spark jobs: stages and tasks done, polled from the status tracker."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn


def stage_counts(tracker: Any, seen: dict[int, tuple[int, int]]) -> tuple[int, int, int, int]:
    """Return (stages done, stages, tasks done, tasks) over the jobs seen so far (``seen`` is updated)."""
    for job_id in tracker.getActiveJobsIds():
        job = tracker.getJobInfo(job_id)
        for stage_id in job.stageIds if job else []:
            stage = tracker.getStageInfo(stage_id)
            if stage is not None:
                seen[stage_id] = (stage.numCompletedTasks, stage.numTasks)
            elif stage_id not in seen:
                seen[stage_id] = (0, 0)
    active = set(tracker.getActiveStageIds())
    done = sum(1 for sid, (d, n) in seen.items() if sid not in active and (n == 0 or d >= n))
    return done, len(seen), sum(d for d, _ in seen.values()), sum(n for _, n in seen.values())


class SparkProgress:
    """Context manager: while open, a thread prints "Spark 阶段 stages done/total" to stderr (transient)."""

    def __init__(self, spark: Any, interval: float = 0.5) -> None:
        self.tracker = spark.sparkContext.statusTracker()
        self.interval = interval
        self._stop = threading.Event()
        self._seen: dict[int, tuple[int, int]] = {}
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        task = self._progress.add_task("Spark 阶段 stages 0/0", total=None)
        while not self._stop.wait(self.interval):
            try:
                done, stages, tasks_done, tasks = stage_counts(self.tracker, self._seen)
            except Exception:  # noqa: BLE001 - the display must never break the job
                continue
            self._progress.update(
                task,
                description=f"Spark 阶段 stages {done}/{stages} · 任务 tasks {tasks_done}/{tasks}",
                total=tasks or None,
                completed=tasks_done,
            )

    def __enter__(self) -> SparkProgress:
        self._progress.start()
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._progress.stop()
