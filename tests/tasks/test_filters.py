"""The one ledger filter: scope, light, status, unit, district and domain."""

from __future__ import annotations

from datetime import date

from jundeng.domain.principal import Principal
from jundeng.domain.tasks import Light, Share, Task, TaskStatus
from jundeng.tasks import assess, filter_ledger

TODAY = date(2017, 9, 30)
TASKS = [
    Task(
        code="A", title="新建学校", lead_units=["市教育局"], domain="education", deadline=date(2017, 12, 31), year=2017
    ),
    Task(
        code="B",
        title="保障房",
        lead_units=["市住建局"],
        responsible_units=["香洲区政府"],
        shares=[Share(region="440402", target_value=5)],
        domain="housing",
        deadline=date(2017, 6, 30),
        year=2017,
    ),
]


def test_each_filter_narrows_the_ledger() -> None:
    table = assess(TASKS, [], TODAY)
    assert list(filter_ledger(table)["code"]) == ["A", "B"]
    assert list(filter_ledger(table, unit="香洲区政府")["code"]) == ["B"]
    assert list(filter_ledger(table, district="440402")["code"]) == ["B"]
    assert list(filter_ledger(table, domain="education")["code"]) == ["A"]
    assert list(filter_ledger(table, status=TaskStatus.OVERDUE)["code"]) == ["B"]
    assert list(filter_ledger(table, light=Light.RED, unit="市教育局")["code"]) == list(
        table[(table["light"] == "red") & (table["code"] == "A")]["code"]
    )
    assert filter_ledger(table, unit="nobody").empty


def test_a_principal_sees_only_its_tasks() -> None:
    table = assess(TASKS, [], TODAY)
    edu = Principal(username="edu", display_name="edu", role="department", unit="市教育局", domains=("education",))
    district = Principal(
        username="xz", display_name="xz", role="district", region="440402", regions=frozenset({"440402"})
    )
    office = Principal(username="o", display_name="o", role="office")
    assert list(filter_ledger(table, principal=edu)["code"]) == ["A"]
    assert list(filter_ledger(table, principal=district)["code"]) == ["B"]
    assert list(filter_ledger(table, principal=office)["code"]) == ["A", "B"]


def test_status_labels_are_the_pages_wording() -> None:
    assert TaskStatus.OVERDUE.label_zh == "已逾期" and TaskStatus.OVERDUE.label("en") == "Overdue"
    assert Light.RED.label_zh == "红灯" and Light.GREEN.label_en == "Green"
