"""The bulletin (定期通报) of the demo ledger: structure, the opening's numbers against the tables, the red list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.domain.tasks import Notice
from jundeng.errors import JundengError
from jundeng.report.bulletin import bulletin_report
from jundeng.report.document import Document, Table
from jundeng.services import ledger
from jundeng.services.report_periodic import bulletin_inputs
from jundeng.store.db import Database
from tests.conftest import Templates, fresh_database

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def db(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    found, drop = fresh_database("sqlite", site_templates, Path(tmp_path_factory.mktemp("bulletin")))
    code = ledger.assessment(found, today=DEMO_TODAY)["code"].iloc[0]
    ledger.issue_notice(found, Notice(task=code, unit="市教育局", request="说明滞后原因", issued_by="office",
                                      due=date(2017, 9, 15)))  # fmt: skip
    yield found
    drop()


@pytest.fixture(scope="module")
def zh(db: Database) -> Document:
    return bulletin_report(bulletin_inputs(db, period="2017Q3", today=DEMO_TODAY), "zh")


def table(doc: Document, title: str) -> Table:
    return next(t for t in doc.tables() if t.title == title)


def test_the_bulletin_has_the_form_of_a_tongbao(zh: Document) -> None:
    assert zh.title == "珠海市基本公共服务均等化工作进展情况通报（2017年第三季度）"
    assert [s.title[:2] for s in zh.sections] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    titles = {t.title for t in zh.tables()}
    assert {"任务总体进展情况", "各单位任务进展情况", "各区任务进展情况", "红灯任务清单", "黄灯任务清单"} <= titles
    assert {"督办事项及回复情况", "各单位按期推进率排名"} <= titles
    assert zh.notes and "合成" in zh.notes[0]


def test_the_opening_states_the_overall_tables_numbers(zh: Document) -> None:
    opening = zh.paragraphs()[0]
    row = table(zh, "任务总体进展情况").rows[0]
    keys = ["tasks", "completed", "on_track", "behind", "overdue", "suspended", "red", "yellow", "green"]
    assert opening.numbers[:9] == tuple(float(row[k]) for k in keys)
    assert opening.numbers[9] == pytest.approx(100 * row["rate"], abs=0.05)
    for number in opening.numbers[:9]:
        assert f"{int(number)}项" in opening.text
    assert row["tasks"] == row["completed"] + row["on_track"] + row["behind"] + row["overdue"] + row["suspended"]
    assert row["tasks"] == 98 and row["red"] + row["yellow"] + row["green"] == 98


def test_the_red_list_is_the_ledgers_red_tasks(db: Database, zh: Document) -> None:
    red = set(ledger.ledger(db, today=DEMO_TODAY, light="red")["code"])
    listed = [r["code"] for r in table(zh, "红灯任务清单").rows]
    assert set(listed) == red and len(listed) == len(red)
    first = table(zh, "红灯任务清单").rows[0]
    assert "逾期" in first["reason"]  # overdue first, with the days


def test_districts_units_and_notices(zh: Document) -> None:
    districts = {r["district"] for r in table(zh, "各区任务进展情况").rows}
    assert districts == {"香洲区", "斗门区", "金湾区"}
    ranks = [r["rank"] for r in table(zh, "各单位按期推进率排名").rows]
    assert ranks == sorted(ranks) and ranks[0] == 1
    notice = table(zh, "督办事项及回复情况").rows[0]
    assert notice["unit"] == "市教育局" and notice["state"] == "逾期未回复"
    assert any("督办" in p.text and p.numbers == (1.0,) for p in zh.paragraphs())


def test_the_english_headings_have_no_chinese(db: Database) -> None:
    en = bulletin_report(bulletin_inputs(db, period="2017Q3", today=DEMO_TODAY), "en")
    headings = [s.title for s in en.sections] + [s.title for x in en.sections for s in x.subsections]
    labels = [t.title for t in en.tables()] + [c.label for t in en.tables() for c in t.columns]
    assert not [h for h in headings + labels + [en.subtitle, en.issuer, *en.notes] if CJK.search(h)]
    assert "third quarter of 2017" in en.title


def test_a_bad_period_is_refused(db: Database) -> None:
    with pytest.raises(JundengError):
        bulletin_inputs(db, period="2017Q5")
    half = bulletin_inputs(db, period="2017H1")
    assert half.bulletin.period_end == date(2017, 6, 30) and half.today == date(2017, 6, 30)
