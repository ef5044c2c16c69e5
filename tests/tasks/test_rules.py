"""Ledger rules on hand-made cases: progress, expected progress, status and light at their boundaries,
decomposed tasks, roll-ups, reminders and a hand-counted bulletin; more progress never worsens the light."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jundeng.domain.tasks import Light, Milestone, ProgressReport, ReviewStatus, Share, Task, TaskStatus
from jundeng.tasks import (
    COLUMNS,
    SEVERITY,
    SHARE_COLUMNS,
    LedgerError,
    LightThresholds,
    Progress,
    assess,
    assess_shares,
    bulletin,
    due_soon,
    expected_progress,
    light,
    overdue,
    progress,
    rollup,
    status,
)

S = date(2025, 1, 1)  # start of every dated task below
D = S + timedelta(days=100)  # 2025-04-11: n days after S, a straight line expects exactly n %
G, Y, R = Light.GREEN, Light.YELLOW, Light.RED


def day(n: int) -> date:
    return S + timedelta(days=n)


def task(code: str = "T", **kw: Any) -> Task:
    base: dict[str, Any] = {"title": f"任务{code}", "start": S, "deadline": D, "target_value": 100.0}
    return Task(code=code, **(base | kw))


def rep(code: str = "T", n: int = 0, **kw: Any) -> ProgressReport:
    return ProgressReport(task=code, reporter=kw.pop("reporter", "教育局"), as_of=day(n), **kw)


def judge(t: Task, reports: list[ProgressReport], today: date) -> tuple[TaskStatus, Light, float]:
    p = progress(t, reports, today)
    return status(t, p, today), light(t, p, today), p.percent


# ---------------------------------------------------------------- progress


def test_latest_cumulative_value_and_percent_capped() -> None:
    t = task()
    reports = [rep(n=10, value=20), rep(n=30, value=45), rep(n=20, value=30)]
    p = progress(t, reports, day(40))
    assert (p.value, p.percent, p.as_of, p.target, p.reported) == (45, 45, day(30), 100, True)
    assert progress(t, [*reports, rep(n=35, value=130)], day(40)).percent == 100  # value kept, percent capped
    assert progress(t, [*reports, rep(n=35, value=130)], day(40)).value == 130


def test_returned_and_future_reports_ignored() -> None:
    t = task()
    reports = [rep(n=10, value=30), rep(n=20, value=90, review=ReviewStatus.RETURNED), rep(n=50, value=80)]
    p = progress(t, reports, day(40))
    assert (p.value, p.percent, p.as_of) == (30, 30, day(10))
    accepted = [rep(n=10, value=30, review=ReviewStatus.ACCEPTED), rep(n=12, value=40)]  # submitted counts too
    assert progress(t, accepted, day(40)).percent == 40
    assert progress(t, [rep("OTHER", n=5, value=99)], day(40)).reported is False


def test_percent_used_when_no_value() -> None:
    p = progress(task(target_value=200.0), [rep(n=5, value=50), rep(n=9, percent=40)], day(10))
    assert (p.percent, p.value) == (40, 80)  # the latest report gives only a percent: value = 40 % of 200
    q = progress(task(target_value=None), [rep(n=5, percent=30, value=7), rep(n=9, narrative="推进中")], day(10))
    assert (q.percent, q.value, q.narrative) == (30, 7, "推进中")  # no target: the reported percent


def test_decomposed_city_value_is_sum_of_districts() -> None:
    shares = [
        Share(region="香洲区", target_value=5),
        Share(region="金湾区", target_value=4),
        Share(region="斗门区", target_value=3),
    ]
    t = task(target_value=12.0, shares=shares)
    reports = [
        rep(n=30, value=5, region="香洲区", reporter="香洲区"),
        rep(n=30, value=1, region="金湾区", reporter="金湾区"),
        rep(n=40, value=2, region="金湾区", reporter="金湾区"),  # cumulative: replaces 1
        rep(n=35, value=3, region="斗门区", reporter="斗门区"),
        rep(n=45, value=1, reporter="教育局"),  # a city-level report does not count once districts report
    ]
    p = progress(t, reports, day(50))
    assert p.value == 10
    assert p.percent == pytest.approx(10 / 12 * 100)  # 83.3 %
    assert [(d.region, d.value, d.percent) for d in p.districts] == [
        ("香洲区", 5, 100),
        ("金湾区", 2, 50),
        ("斗门区", 3, 100),
    ]
    # a district that has not reported adds nothing; target from the shares when the task has none
    q = progress(task(target_value=None, shares=shares), reports[:2], day(50))
    assert (q.target, q.value, q.percent) == (12, 6, 50)
    # before any district reports, the city-level report stands
    assert progress(t, [reports[-1]], day(50)).value == 1


def test_decomposed_without_targets_averages_district_percents() -> None:
    t = task(target_value=None, shares=[Share(region="a"), Share(region="b")])
    p = progress(t, [rep(n=1, percent=60, region="a")], day(5))
    assert (p.percent, p.value) == (30, None)  # (60 + 0) / 2


# ---------------------------------------------------------------- expected progress


def test_expected_straight_line_and_ends() -> None:
    t = task()
    assert [expected_progress(t, d) for d in (day(-5), S, day(25), day(99), D, day(150))] == [0, 0, 25, 99, 100, 100]
    assert expected_progress(task(start=None, year=2025), day(50)) == 50  # start defaults to 1 January
    no_year = task(start=None, deadline=date(2026, 1, 1))
    assert expected_progress(no_year, date(2026, 1, 1)) == 100
    assert expected_progress(no_year, date(2025, 12, 31)) == 0  # start = 1 Jan of the deadline's year = deadline
    assert math.isnan(expected_progress(task(deadline=None), day(50)))  # standing task


def test_expected_through_milestones() -> None:
    t = task(milestones=[Milestone(due=day(20), expected_percent=50)])
    assert [expected_progress(t, day(n)) for n in (10, 20, 60)] == [25, 50, 75]  # 50 + 50·40/80
    by_value = task(target_value=200.0, milestones=[Milestone(due=day(20), expected_value=100)])
    assert expected_progress(by_value, day(10)) == 25
    ignored = [
        Milestone(due=day(-5), expected_percent=90),
        Milestone(due=day(30), note="仅说明"),
        Milestone(due=D, expected_percent=10),
    ]
    assert expected_progress(task(milestones=ignored), day(50)) == 50
    falling = task(
        milestones=[Milestone(due=day(20), expected_percent=60), Milestone(due=day(40), expected_percent=40)]
    )
    assert expected_progress(falling, day(30)) == 60  # the running maximum keeps the curve from falling


# ---------------------------------------------------------------- status and light


@pytest.mark.parametrize(
    ("value", "expect_light"),
    [(40.0, G), (39.5, Y), (30.0, Y), (29.9, R)],
    ids=["exactly-10-behind-green", "10.5-behind-yellow", "exactly-20-behind-yellow", "20.1-behind-red"],
)
def test_behind_boundaries(value: float, expect_light: Light) -> None:
    assert judge(task(), [rep(n=10, value=value)], day(50)) == (TaskStatus.IN_PROGRESS, expect_light, value)


def test_float_noise_does_not_cross_a_boundary() -> None:
    t = task(target_value=10.0)  # 2.3 · 100 / 10 = 22.999999999999996 in floating point, 23 exactly
    assert judge(t, [rep(value=2.3)], day(33))[1] == G  # 10 behind, not 10.000000000000004
    assert judge(t, [rep(value=2.3)], day(43))[1] == Y  # 20 behind, not 20.000000000000004


def test_deadline_soon_boundaries() -> None:
    t = task()  # on day 70, 30 days are left and 70 % is expected
    assert judge(t, [rep(value=79)], day(70))[1] == Y  # exactly 30 days left, under 80 %
    assert judge(t, [rep(value=80)], day(70))[1] == G  # exactly 80 % is enough
    assert judge(t, [rep(value=79)], day(69))[1] == G  # 31 days left (and 10 points ahead)
    assert judge(t, [rep(value=95)], D) == (TaskStatus.IN_PROGRESS, G, 95)  # the deadline day is not overdue
    assert judge(t, [rep(value=85)], D)[1] == Y  # 15 behind on the deadline day
    assert judge(t, [rep(value=79)], D)[1] == R  # 21 behind
    thresholds = LightThresholds(soon_days=10, soon_percent=50)
    assert light(t, progress(t, [rep(value=79)], day(70)), day(70), thresholds) == G


def test_overdue_the_day_after() -> None:
    t = task()
    assert judge(t, [rep(value=99)], D + timedelta(days=1)) == (TaskStatus.OVERDUE, R, 99)
    assert judge(t, [rep(value=100)], D + timedelta(days=1)) == (TaskStatus.COMPLETED, G, 100)
    assert judge(t, [], day(300))[:2] == (TaskStatus.OVERDUE, R)


def test_completed_by_value_or_percent() -> None:
    assert judge(task(), [rep(value=100)], day(10))[:2] == (TaskStatus.COMPLETED, G)
    assert judge(task(target_value=None), [rep(percent=100)], day(10))[:2] == (TaskStatus.COMPLETED, G)
    done = Progress(percent=99.99, value=12, target=12)  # value ≥ target
    assert status(task(), done, day(10)) == TaskStatus.COMPLETED


def test_not_started() -> None:
    later = task(start=day(20))
    assert judge(later, [], day(10))[:2] == (TaskStatus.NOT_STARTED, G)
    assert judge(later, [rep(n=5, percent=0, narrative="筹备")], day(10))[:2] == (TaskStatus.NOT_STARTED, G)
    assert judge(later, [rep(n=5, value=10)], day(10))[0] == TaskStatus.IN_PROGRESS  # early progress counts
    assert judge(task(), [], day(15))[:2] == (TaskStatus.NOT_STARTED, Y)  # after start, no report: 15 behind
    assert judge(task(), [], day(25))[:2] == (TaskStatus.NOT_STARTED, R)
    assert judge(task(), [rep(n=5, narrative="已启动招标")], day(8))[:2] == (TaskStatus.IN_PROGRESS, G)


def test_suspended_always_green() -> None:
    t = task(suspended=True)
    assert judge(t, [], day(300))[:2] == (TaskStatus.SUSPENDED, G)
    assert judge(t, [rep(value=100)], day(10))[:2] == (TaskStatus.SUSPENDED, G)


def test_milestone_behind_lights_a_dated_task() -> None:
    t = task(milestones=[Milestone(due=day(20), expected_percent=50)])
    assert judge(t, [rep(value=14)], day(20))[1] == R  # 36 behind the milestone
    assert judge(t, [rep(value=40)], day(20))[1] == G  # exactly 10 behind


def test_standing_tasks() -> None:
    t = task(deadline=None, target_value=None, milestones=[Milestone(due=day(30), expected_percent=50)])
    assert judge(t, [], day(10))[:2] == (TaskStatus.NOT_STARTED, G)
    assert judge(t, [rep(percent=10)], day(30))[:2] == (TaskStatus.IN_PROGRESS, G)  # due today: not late yet
    assert judge(t, [rep(percent=10)], day(31))[:2] == (TaskStatus.IN_PROGRESS, R)  # milestone overdue
    assert judge(t, [rep(percent=50)], day(31))[1] == G
    by_value = task(deadline=None, target_value=None, milestones=[Milestone(due=day(30), expected_value=8)])
    assert judge(by_value, [rep(value=7)], day(31))[1] == R
    assert judge(by_value, [rep(value=8)], day(31))[1] == G
    assert judge(task(deadline=None), [rep(value=5)], day(900))[:2] == (TaskStatus.IN_PROGRESS, G)


def test_thresholds_validated() -> None:
    with pytest.raises(LedgerError, match="yellow_behind"):
        LightThresholds(red_behind=5, yellow_behind=10)
    with pytest.raises(LedgerError, match="soon_percent"):
        LightThresholds(soon_percent=120)


@given(
    deadline_days=st.one_of(st.none(), st.integers(0, 400)),
    today_days=st.integers(-50, 500),
    milestone=st.one_of(st.none(), st.tuples(st.integers(-20, 420), st.floats(0, 100))),
    p1=st.floats(0, 100),
    p2=st.floats(0, 100),
    reported=st.booleans(),
)
def test_more_progress_never_worsens_the_light(
    deadline_days: int | None,
    today_days: int,
    milestone: tuple[int, float] | None,
    p1: float,
    p2: float,
    reported: bool,
) -> None:
    milestones = [Milestone(due=day(milestone[0]), expected_percent=milestone[1])] if milestone else []
    t = task(deadline=None if deadline_days is None else day(deadline_days), milestones=milestones)
    low, high = sorted((p1, p2))
    lights = [
        light(t, Progress(percent=p, value=p, target=100.0, reported=reported or p > 0), day(today_days))
        for p in (low, high)
    ]
    assert SEVERITY[lights[1]] <= SEVERITY[lights[0]]


# ---------------------------------------------------------------- assessment, roll-ups, reminders

SCHOOLS = [
    Share(region="香洲区", target_value=5),
    Share(region="金湾区", target_value=4),
    Share(region="斗门区", target_value=3),
]
LEDGER = [
    task("A", lead_units=["教育局"], responsible_units=["香洲区"], tags=["民生实事"], domain="edu"),
    task("B", lead_units=["教育局"], tags=["民生实事", "教育"], domain="edu"),
    task("C", lead_units=["卫健委"], responsible_units=["教育局"], tags=["教育", "教育"], domain="health"),
    task("E", lead_units=["卫健委"], deadline=day(50), domain="health"),
    task("F", lead_units=["卫健委"], responsible_units=["卫健委"], domain="health"),
    task("G", lead_units=["民政局"], suspended=True),
    task("H", lead_units=["民政局"], deadline=None, target_value=None),
]
REPORTS = [
    rep("A", 55, value=70),
    rep("B", 58, value=45, narrative="资金未到位"),
    rep("C", 20, value=10, reporter="卫健委", narrative="旧说明"),  # before the period
    rep("C", 40, value=30, reporter="卫健委", narrative="用地审批慢"),
    rep("C", 41, percent=30, reporter="教育局"),
    rep("E", 45, value=60, reporter="卫健委", narrative="施工单位变更"),
    rep("E", 59, value=90, reporter="卫健委", narrative="退回的", review=ReviewStatus.RETURNED),
    rep("F", 40, value=100, reporter="卫健委"),
    rep("H", 30, narrative="常态化推进", reporter="民政局"),
]
TODAY = day(60)  # A on track, B 15 behind, C 30 behind, E overdue, F done, G suspended, H standing


def test_assess_rows() -> None:
    a = assess(LEDGER, REPORTS, TODAY).set_index("code")
    assert list(a.reset_index().columns) == COLUMNS
    assert a["status"].to_dict() == {
        "A": "in_progress", "B": "in_progress", "C": "in_progress", "E": "overdue",
        "F": "completed", "G": "suspended", "H": "in_progress",
    }  # fmt: skip
    assert "".join(a["light"].str[0]) == "gyrrggg"
    assert list(a.loc["B", ["percent", "expected", "behind"]]) == [45, 60, 15]
    assert a.loc["E", "days_left"] == -10 and a["days_left"].isna()["H"] and math.isnan(a["expected"]["H"])
    with pytest.raises(LedgerError, match="repeated task codes: A"):
        assess([LEDGER[0], LEDGER[0]], [], TODAY)


def _counts(frame: pd.DataFrame, key: str) -> dict[str, tuple[int, ...]]:
    cols = ["tasks", "completed", "in_progress", "not_started", "overdue", "suspended", "red", "yellow", "green"]
    return {k: tuple(int(x) for x in row) for k, row in zip(frame[key], frame[cols].to_numpy(), strict=True)}


def test_rollup_by_unit_domain_tag() -> None:
    a = assess(LEDGER, REPORTS, TODAY)
    #                     tasks done prog  not over susp red yel green
    assert _counts(rollup(a, "unit"), "unit") == {
        "卫健委": (3, 1, 1, 0, 1, 0, 2, 0, 1),  # C, E, F (F lists 卫健委 twice: counted once)
        "教育局": (3, 0, 3, 0, 0, 0, 1, 1, 1),  # A, B lead; C responsible
        "民政局": (2, 0, 1, 0, 0, 1, 0, 0, 2),  # G suspended, H standing
        "香洲区": (1, 0, 1, 0, 0, 0, 0, 0, 1),
    }
    assert _counts(rollup(a, "domain"), "domain") == {
        "edu": (2, 0, 2, 0, 0, 0, 0, 1, 1),
        "health": (3, 1, 1, 0, 1, 0, 2, 0, 1),
    }
    assert _counts(rollup(a, "tag"), "tag") == {
        "教育": (2, 0, 2, 0, 0, 0, 1, 1, 0),
        "民生实事": (2, 0, 2, 0, 0, 0, 0, 1, 1),
    }
    assert rollup(a, "unit").set_index("unit").loc["卫健委", "completion_rate"] == pytest.approx(1 / 3)
    with pytest.raises(LedgerError):
        rollup(a, "colour")  # type: ignore[arg-type]


def test_decomposed_assessment_and_rollup_by_district() -> None:
    tasks = [task("S", target_value=12.0, shares=SCHOOLS), task("K", shares=[Share(region="香洲区", target_value=2)])]
    reports = [rep("S", 50, value=v, region=r, reporter=r) for r, v in (("香洲区", 5), ("金湾区", 2), ("斗门区", 3))]
    a = assess(tasks, reports, TODAY).set_index("code")
    assert a.loc["S", "percent"] == pytest.approx(83.333333) and a.loc["S", "value"] == 10
    assert (a.loc["K", "status"], a.loc["K", "light"]) == ("not_started", "red")
    shares = assess_shares(tasks, reports, TODAY)
    assert list(shares.columns) == SHARE_COLUMNS
    s = shares[shares["code"] == "S"].set_index("district")
    assert s["status"].to_dict() == {"香洲区": "completed", "金湾区": "in_progress", "斗门区": "completed"}
    assert list(s.loc["金湾区", ["percent", "behind", "light"]]) == [50, 10, "green"]  # exactly 10 behind
    #                                          tasks done prog  not over susp red yel green
    assert _counts(rollup(shares, "district"), "district") == {
        "斗门区": (1, 1, 0, 0, 0, 0, 0, 0, 1),
        "金湾区": (1, 0, 1, 0, 0, 0, 0, 0, 1),
        "香洲区": (2, 1, 0, 1, 0, 0, 1, 0, 1),
    }
    city = _counts(rollup(assess(tasks, reports, TODAY).reset_index(), "district"), "district")
    assert city["香洲区"] == (2, 0, 1, 1, 0, 0, 1, 0, 1)  # each task's city status, under each of its districts


def test_district_milestones_by_value_become_percents() -> None:
    t = task("S", target_value=12.0, shares=SCHOOLS, milestones=[Milestone(due=day(20), expected_value=6)])
    shares = assess_shares([t], [], day(20)).set_index("district")
    assert shares["expected"].tolist() == [50, 50, 50]


def test_due_soon_and_overdue_lists() -> None:
    a = assess(LEDGER, REPORTS, TODAY)
    soon = due_soon(a, day(70))  # 30 days to D: A, B, C (open); E is past, F done, G suspended, H standing
    assert list(soon.columns) == ["unit", "role", "code", "title", "deadline", "days_left", "percent", "light"]
    assert list(zip(soon["unit"], soon["code"], soon["role"], strict=True)) == [
        ("卫健委", "C", "lead"), ("教育局", "A", "lead"), ("教育局", "B", "lead"), ("教育局", "C", "responsible"),
        ("香洲区", "A", "responsible"),
    ]  # fmt: skip
    assert set(soon["days_left"]) == {30}
    assert due_soon(a, day(69)).empty  # 31 days left
    assert len(due_soon(a, day(69), days=31)) == 5
    assert len(due_soon(a, D)) == 5 and due_soon(a, D + timedelta(days=1)).empty
    late = overdue(a)
    assert late[["unit", "code", "days_left", "light"]].values.tolist() == [["卫健委", "E", -10, "red"]]


# ---------------------------------------------------------------- bulletin


def test_bulletin_hand_counted() -> None:
    b = bulletin(LEDGER, REPORTS, day(30), day(60), TODAY)
    cols = ["tasks", "completed", "on_track", "behind", "overdue", "suspended", "red", "yellow", "green"]
    assert list(b.by_unit.columns) == ["unit", *cols]
    #                                  tasks done track behind over susp red yel green
    assert _counts_b(b.by_unit, cols) == {
        "卫健委": (3, 1, 0, 1, 1, 0, 2, 0, 1),  # F done, C behind (red), E overdue
        "教育局": (3, 0, 1, 2, 0, 0, 1, 1, 1),  # A on track, B behind (yellow), C behind (red)
        "民政局": (2, 0, 1, 0, 0, 1, 0, 0, 2),  # H on track, G suspended
        "香洲区": (1, 0, 1, 0, 0, 0, 0, 0, 1),
    }
    assert dict(b.totals) == {
        "tasks": 7, "completed": 1, "on_track": 2, "behind": 2, "overdue": 1, "suspended": 1,
        "red": 2, "yellow": 1, "green": 4,
    }  # fmt: skip
    assert [(r["unit"], r["code"], r["light"], r["reason"]) for r in b.behind] == [
        ("卫健委", "C", "red", "用地审批慢"),  # the 旧说明 of day 20 is before the period
        ("教育局", "C", "red", None),  # 教育局 reported on C without a narrative
        ("教育局", "B", "yellow", "资金未到位"),
    ]
    assert [(r["unit"], r["code"], r["days_left"], r["reason"], r["reason_as_of"]) for r in b.overdue] == [
        ("卫健委", "E", -10, "施工单位变更", day(45)),  # the returned report's narrative is ignored
    ]
    records = b.to_records()
    assert json.loads(json.dumps(records, ensure_ascii=False)) == records
    assert records["overdue"][0]["deadline"] == "2025-02-20" and records["behind"][0]["expected"] == 60
    assert records["totals"]["tasks"] == 7 and len(records["by_unit"]) == 4


def _counts_b(frame: pd.DataFrame, cols: list[str]) -> dict[str, tuple[int, ...]]:
    return {k: tuple(int(x) for x in row) for k, row in zip(frame["unit"], frame[cols].to_numpy(), strict=True)}


def test_bulletin_period_checked_and_today_defaults_to_period_end() -> None:
    with pytest.raises(LedgerError, match="ends before"):
        bulletin(LEDGER, REPORTS, day(60), day(30))
    assert bulletin(LEDGER, REPORTS, day(30), day(60)).today == TODAY
    empty = bulletin([], [], day(30), day(60))
    assert empty.by_unit.empty and empty.totals["tasks"] == 0 and empty.behind == ()
