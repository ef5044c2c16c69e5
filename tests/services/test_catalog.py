"""The catalogue service: all-or-nothing loads with located problems, dry runs, lookups and publication;
retiring, restoring and editing entries."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from jundeng.domain.principal import Principal
from jundeng.errors import ConflictError, InputError, JundengError, NotFoundError
from jundeng.services import catalog
from jundeng.store.db import Database
from tests.conftest import Templates, fresh_database

NURSES = "  - {code: NURSES, name: 护士数, domain: health, unit: 人}\n"
GOOD = ("indicators:\n" + NURSES).encode()
BAD = ("indicators:\n" + NURSES + "  - {code: VETS, name: 兽医数, domain: nowhere, unit: 人}\n").encode()


def codes(db: Database) -> set[str]:
    return {i.code for i in catalog.read(db).indicators}


def test_a_text_with_an_error_is_located_and_writes_nothing(db: Database) -> None:
    before = codes(db)
    with pytest.raises(InputError) as caught:
        catalog.load_text(db, content=BAD, name="bad.yaml", user="office")
    problem = caught.value.problems[0]
    assert (problem.file, problem.row) == ("bad.yaml", 3) and problem.column > 0
    assert re.match(r"bad\.yaml:3:\d+: .*nowhere", str(problem))
    assert caught.value.location == f"bad.yaml:3:{problem.column}"
    assert codes(db) == before, "the valid NURSES line is not loaded either"
    with pytest.raises(InputError) as encoding:
        catalog.load_text(db, content="指标".encode("gb18030"), name="gbk.yaml", user="office")
    assert encoding.value.location == "gbk.yaml:1:1"


def test_a_dry_run_writes_nothing(db: Database) -> None:
    catalog.load_text(db, content=GOOD, name="good.yaml", user="office", dry_run=True)
    assert "NURSES" not in codes(db)
    summary = catalog.load_text(db, content=GOOD, name="good.yaml", user="office")
    assert summary.inserted == {"indicators": 1}
    assert catalog.indicator(db, code="NURSES")[0].domain == "health"


def test_publish_and_withdraw(db: Database) -> None:
    assert catalog.published(db) == set()
    catalog.publish(db, code="BEDS", by="office")
    catalog.publish(db, code="GER", by="office")
    assert catalog.published(db) == {"BEDS", "GER"}
    catalog.publish(db, code="BEDS", by="office", on=False)
    assert catalog.published(db) == {"GER"}
    with pytest.raises(NotFoundError):
        catalog.publish(db, code="NOPE", by="office")
    assert catalog.published(db) == {"GER"}


def test_lookups_and_scope(db: Database) -> None:
    indicator, targets = catalog.indicator(db, code="GER")
    assert indicator.domain == "edu" and [t.region for t in targets] == ["440400"]
    with pytest.raises(NotFoundError):
        catalog.indicator(db, code="NOPE")
    health = Principal(username="h", display_name="卫健局", role="department", domains=("health",))
    assert {i.code for i in catalog.indicators(db, principal=health)} == {"BEDS", "DOCTORS"}
    assert {i.code for i in catalog.indicators(db, domain="edu")} == {"GER", "DROPOUT"}
    with pytest.raises(NotFoundError):
        catalog.indicator(db, code="GER", principal=health)


def test_a_retired_target_leaves_listings_and_attainment_and_comes_back(db: Database) -> None:
    from jundeng.services.appraisal import target_attainment

    assert list(target_attainment(db, year=2015)["indicator"]) == ["GER"]
    with pytest.raises(JundengError, match="原因"):
        catalog.retire(db, kind="target", key="GER:440400:2015", reason="  ", user="admin")
    catalog.retire(db, kind="target", key="GER:440400:2015", reason="目标已调整", user="admin")
    assert catalog.read(db).targets == [] and catalog.indicator(db, code="GER")[1] == []
    assert target_attainment(db, year=2015).empty
    assert [t.year for t in catalog.targets(db, retired=True)] == [2015]
    assert [t.year for t in catalog.indicator(db, code="GER", retired=True)[1]] == [2015]
    assert catalog.retirements(db, kind="target")["GER:440400:2015"].reason == "目标已调整"
    catalog.restore(db, kind="target", key="GER:440400:2015", user="admin")
    assert list(target_attainment(db, year=2015)["indicator"]) == ["GER"]
    assert [h["action"] for h in catalog.history(db, kind="target", key="GER:440400:2015")] == [
        "insert",
        "retire",
        "restore",
    ]


def test_a_retired_indicator_or_item_leaves_the_listings(db: Database) -> None:
    item = "items:\n  - {code: VACCINE, domain: health, name: 预防接种}\n"
    catalog.load_text(db, content=item.encode(), name="i.yaml", user="office")
    catalog.retire(db, kind="indicator", key="BEDS", reason="停止统计", user="admin")
    catalog.retire(db, kind="item", key="VACCINE", reason="并入其他项目", user="admin")
    assert "BEDS" not in codes(db) and "BEDS" in {i.code for i in catalog.indicators(db, retired=True)}
    assert "BEDS" not in {i.code for i in catalog.indicators(db)}
    with pytest.raises(NotFoundError):
        catalog.indicator(db, code="BEDS")
    with pytest.raises(NotFoundError):
        catalog.publish(db, code="BEDS", by="office")
    assert catalog.read(db).items == [] and [i.code for i in catalog.items(db, retired=True)] == ["VACCINE"]
    assert set(catalog.retirements(db, kind="item")) == {"VACCINE"}


def test_editing_a_target_through_the_service(db: Database) -> None:
    changed = catalog.edit_target(db, key="GER:440400:2015", changes={"value": 96.0}, user="admin")
    assert changed == {"value": 96.0} and catalog.target(db, key="GER:440400:2015").value == 96.0
    [*_, last] = catalog.history(db, kind="target", key="GER:440400:2015")
    assert (last["user"], last["before"], last["after"]) == ("admin", {"value": 93.0}, {"value": 96.0})
    catalog.retire(db, kind="target", key="GER:440400:2015", reason="x", user="admin")
    with pytest.raises(ConflictError, match="restore"):
        catalog.edit_target(db, key="GER:440400:2015", changes={"value": 97.0}, user="admin")
    with pytest.raises(NotFoundError):
        catalog.target(db, key="GER:440400:2099")


@pytest.fixture(scope="module")
def demo_copy(demo_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A module-wide copy of the demo city that the tests may change."""
    db, drop = fresh_database("sqlite", demo_templates, tmp_path_factory.mktemp("retire"))
    yield db
    drop()


def test_a_retired_indicator_leaves_the_appraisal(demo_copy: Database) -> None:
    from jundeng.services.appraisal import appraise

    before = appraise(demo_copy, year=2017, with_uncertainty=False)
    assert "SOC_DIBAO_STANDARD" in before.composite.weights.index
    catalog.retire(demo_copy, kind="indicator", key="SOC_DIBAO_STANDARD", reason="口径变化", user="admin")
    after = appraise(demo_copy, year=2017, with_uncertainty=False)
    assert "SOC_DIBAO_STANDARD" not in after.composite.weights.index
    assert len(after.method.indicators) == len(before.method.indicators) - 1
    catalog.restore(demo_copy, kind="indicator", key="SOC_DIBAO_STANDARD", user="admin")
