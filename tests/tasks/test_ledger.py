"""Decomposing a task to every county: one share each, the whole target each, and the city's total."""

from __future__ import annotations

from datetime import date

from jundeng.domain.tasks import ProgressReport, Share, Task, TaskStatus
from jundeng.tasks import assess_shares, decompose, effective_target, progress, status

COUNTIES = ["420802", "420804", "420822", "420881", "420882"]
TODAY = date(2017, 6, 30)


def places() -> Task:
    """A task addressed to every county: the city's total of new school places."""
    return Task(
        code="2017-001",
        title="新增公办学位1.5万个",
        lead_units=["市教育局"],
        responsible_units=["各县、市、区人民政府"],
        target_value=15_000,
        target_unit="个",
        deadline=date(2017, 12, 31),
        year=2017,
    )


def test_decompose_gives_each_county_a_share_of_the_city_total() -> None:
    task = decompose(places(), COUNTIES)
    assert task.shares == [Share(region=code, target_value=None) for code in COUNTIES]
    assert decompose(task, ["999999"]) == task, "a task with shares keeps them"
    assert decompose(places(), []) == places()


def test_the_city_value_is_the_sum_of_the_counties() -> None:
    task = decompose(places(), COUNTIES)
    assert effective_target(task) == 15_000  # the city's total, not five times it
    reports = [
        ProgressReport(task=task.code, reporter="东宝区", region="420802", as_of=TODAY, value=5_000),
        ProgressReport(task=task.code, reporter="钟祥市", region="420881", as_of=TODAY, value=4_000),
    ]
    city = progress(task, reports, TODAY)
    assert (city.target, city.value, city.percent) == (15_000, 9_000, 60)
    assert status(task, city, TODAY) == TaskStatus.IN_PROGRESS
    shares = assess_shares([task], reports, TODAY).set_index("district")
    assert set(shares.index) == set(COUNTIES)
    assert shares.loc["420802", "value"] == 5_000 and shares.loc["420804", "status"] == "not_started"


def test_a_split_target_still_counts_once() -> None:
    task = places().model_copy(
        update={"target_value": 5.0, "shares": [Share(region=c, target_value=1) for c in COUNTIES]}
    )
    assert effective_target(task) == 5
    one = places().model_copy(update={"target_value": None, "shares": [Share(region="420802", target_value=1)]})
    assert effective_target(one) == 1
