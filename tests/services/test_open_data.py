"""The open site's data: only published indicators, only approved values, the status renamed from the
attainment of the indicator's targets, and an unpublished code refused exactly as an unknown one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from jundeng.domain.principal import PUBLIC
from jundeng.errors import NotFoundError
from jundeng.services import catalog, facts, open_data
from jundeng.services.observations import import_files
from jundeng.store.db import Database
from jundeng.store.models import ObservationRow
from tests.conftest import Templates, fresh_database

PENDING = 701.25  # a value submitted for SOC_DIBAO_STANDARD in 斗门区 2017, never approved


@pytest.fixture(scope="module")
def db(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo site (three indicators published) with a pending revision of a published value."""
    tmp = tmp_path_factory.mktemp("open-data")
    database, drop = fresh_database("sqlite", site_templates, tmp)
    draft = tmp / "doumen.csv"
    draft.write_text(f"indicator,region,period,value\nSOC_DIBAO_STANDARD,440403,2017,{PENDING}\n", encoding="utf-8")
    assert import_files(database, [draft], user="doumen").written == 1
    yield database
    drop()


def _codes(site: open_data.OpenSite) -> set[str]:
    return {s.code for d in site.domains for s in d.indicators}


def test_only_published_indicators_appear(db: Database) -> None:
    published = catalog.published(db)
    assert len(published) == 3
    site = open_data.site(db)
    assert _codes(site) == published
    assert site.programme == "440400" and site.data_date == "2017" and site.synthetic
    for domain in site.domains:
        assert sum(domain.counts.values()) == len(domain.indicators)
    catalog.publish(db, code="SOC_DIBAO_STANDARD", by="office", on=False)
    try:
        assert _codes(open_data.site(db)) == published - {"SOC_DIBAO_STANDARD"}
        with pytest.raises(NotFoundError):
            open_data.indicator(db, "SOC_DIBAO_STANDARD")
    finally:
        catalog.publish(db, code="SOC_DIBAO_STANDARD", by="office")
    assert open_data.indicator(db, "SOC_DIBAO_STANDARD").code == "SOC_DIBAO_STANDARD"


def test_an_unpublished_code_reads_as_an_unknown_one(db: Database) -> None:
    assert "EDU_NEW_SCHOOLS" in {i.code for i in catalog.indicators(db)}
    assert "EDU_NEW_SCHOOLS" not in catalog.published(db)
    with pytest.raises(NotFoundError) as unpublished:
        open_data.indicator(db, "EDU_NEW_SCHOOLS")
    with pytest.raises(NotFoundError) as unknown:
        open_data.indicator(db, "NO_SUCH_CODE")
    assert (unpublished.value.zh, unpublished.value.en) == (unknown.value.zh, unknown.value.en)
    assert "EDU_NEW_SCHOOLS" not in str(unpublished.value)


def test_the_values_are_the_approved_ones(db: Database) -> None:
    found = open_data.indicator(db, "SOC_DIBAO_STANDARD")
    with db.session() as session:
        rows = session.execute(
            select(ObservationRow.region, ObservationRow.period, ObservationRow.value, ObservationRow.status).where(
                ObservationRow.indicator == "SOC_DIBAO_STANDARD", ObservationRow.disaggregation == ""
            )
        ).all()
    approved = {(r.region, r.period): r.value for r in rows if r.status == "approved"}
    assert any(r.value == PENDING and r.status == "submitted" for r in rows)
    shown = {(r["region"], str(r["year"])): r["value"] for r in found.series if not r["derived"]}
    assert shown and all(approved[key] == pytest.approx(value) for key, value in shown.items())
    assert PENDING not in [r["value"] for r in found.series]
    assert shown[("440403", "2017")] == pytest.approx(approved[("440403", "2017")])
    # the programme and its districts, nothing below
    assert set(found.regions) == {"440400", "440402", "440403", "440404"} and found.regions[0] == "440400"
    latest = {r["region"]: r["value"] for r in found.latest}
    assert found.latest_year == 2017 and set(latest) == {"440402", "440403", "440404"}
    assert latest["440402"] == pytest.approx(approved[("440402", "2017")])
    assert found.synthetic and found.data_date == "2017" and found.boundaries


def test_the_status_renames_the_attainment_of_the_targets(db: Database) -> None:
    found = open_data.indicator(db, "SOC_DIBAO_STANDARD")
    table = facts.attained(facts.load(db, PUBLIC), 2017, "440400")
    mine = table[table["indicator"] == "SOC_DIBAO_STANDARD"]
    assert len(mine) == 1 and len(found.targets) == 1
    expected = open_data.PROGRESS[str(mine["status"].iloc[0])].key
    target = found.targets[0]
    assert found.status == target.status == expected == "target_achieved"  # 691.55 ≥ 690 in 2017
    assert (target.value, target.comparator, target.baseline_year, target.baseline_value) == (690.0, ">=", 2013, 480.0)
    assert target.clause is not None and "690" in target.clause
    assert target.actual == pytest.approx(691.5509)
    none = open_data.indicator(db, "EDU_DISABLED_CHILD_ENROLMENT")
    assert none.status == "not_available" and none.targets == []
    assert [p.key for p in open_data.PROGRESS.values()] == [
        "target_achieved",
        "substantial_progress",
        "limited_progress",
        "deterioration",
        "not_available",
    ]


def test_the_worst_target_decides() -> None:
    assert open_data._combined(["achieved", "off_track"]) == "limited_progress"
    assert open_data._combined(["no_data", "on_track"]) == "substantial_progress"
    assert open_data._combined(["no_data"]) == "not_available"
    assert open_data._combined(["worsening", "achieved"]) == "deterioration"
