"""A district's scorecard of the demo: the appraisal's score and rank, domains, targets, gaps and tasks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.errors import NotFoundError
from jundeng.report.document import Chart, Document, Table
from jundeng.report.scorecard import scorecard_report
from jundeng.services import facts, ledger
from jundeng.services.report_periodic import scorecard_inputs
from jundeng.services.warm import WARMER
from jundeng.store.db import Database
from tests.conftest import Templates, fresh_database

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def db(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    found, drop = fresh_database("sqlite", site_templates, Path(tmp_path_factory.mktemp("scorecard")))
    yield found
    drop()


@pytest.fixture(scope="module")
def zh(db: Database) -> Document:
    return scorecard_report(scorecard_inputs(db, region="440403", year=2017, today=DEMO_TODAY), "zh")


def table(doc: Document, title: str) -> Table:
    return next(t for t in doc.tables() if t.title == title)


def test_the_score_and_rank_are_the_appraisals(db: Database, zh: Document) -> None:
    found = facts.appraisal(db, facts.load(db, WARMER), year=2017, with_uncertainty=True)
    assert found is not None
    card = found.scorecard.set_index("region").loc["440403"].to_dict()
    row = table(zh, "综合得分与排名").rows[0]
    assert row["score"] == pytest.approx(float(card["score"])) and row["rank"] == int(card["rank"])
    assert (row["rank_p05"], row["rank_p95"]) == (card["rank_p05"], card["rank_p95"])
    lead = zh.paragraphs()[0]
    assert lead.numbers[:3] == (round(float(card["score"]), 1), float(card["rank"]), 3.0)
    assert "斗门区" in zh.title and "2017" in zh.title


def test_domains_targets_gaps_and_tasks(db: Database, zh: Document) -> None:
    domains = table(zh, "分领域得分")
    assert len(domains.rows) == 9 and all(r["score"] is not None for r in domains.rows)
    chart = next(b for b in zh.blocks() if isinstance(b, Chart))
    assert chart.kind == "barh" and len(chart.series) == 2 and len(chart.categories) == 9
    attained = facts.attained(facts.load(db, WARMER), 2017, "440403")
    met = [t for t in zh.tables() if t.title in ("已达成目标", "未达成目标")]
    assert sum(len(t.rows) for t in met) == int(attained["status"].isin(["achieved", "on_track", "off_track",
                                                                         "worsening"]).sum())  # fmt: skip
    lead = zh.paragraphs()[0]
    assert lead.numbers[3:5] == tuple(float(len(t.rows)) for t in met)
    assert table(zh, "区内差距（各镇街、村居之间）").rows
    listed = {r["code"] for r in table(zh, "本区红灯、黄灯任务").rows}
    shared = ledger.ledger(db, today=DEMO_TODAY, district="440403")
    assert len(shared) == 21 and listed <= set(shared["code"])
    count = next(p for p in zh.paragraphs() if p.text.startswith("本区承担"))
    red, yellow, green = count.numbers[1:4]
    assert count.numbers[0] == 21 == red + yellow + green and len(listed) == red + yellow


def test_an_unknown_region_or_year_is_refused(db: Database) -> None:
    with pytest.raises(NotFoundError):
        scorecard_inputs(db, region="449999", year=2017)
    with pytest.raises(NotFoundError):
        scorecard_inputs(db, region="440400", year=2017)  # the city is no district
    with pytest.raises(NotFoundError):
        scorecard_inputs(db, region="440403", year=1990)


def test_the_english_headings_have_no_chinese(db: Database) -> None:
    en = scorecard_report(scorecard_inputs(db, region="440402", year=2017, today=DEMO_TODAY), "en")
    headings = [s.title for s in en.sections] + [s.title for x in en.sections for s in x.subsections]
    labels = [t.title for t in en.tables()] + [c.label for t in en.tables() for c in t.columns]
    assert not [h for h in headings + labels + [en.subtitle, en.issuer, *en.notes] if CJK.search(h)]
    assert en.paragraphs()[0].text.startswith("In 2017, 香洲区 scored")
