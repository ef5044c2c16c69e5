"""The catalogue service: all-or-nothing loads with located problems, dry runs, lookups and publication."""

from __future__ import annotations

import re

import pytest

from jundeng.domain.principal import Principal
from jundeng.errors import InputError, NotFoundError
from jundeng.services import catalog
from jundeng.store.db import Database

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
