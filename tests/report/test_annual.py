"""The annual report of the demo city: its sections, the narrative's figures tied to the tables', the notes of
the title page and the English variant."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date

import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.report.annual import annual_report
from jundeng.report.annual_inputs import AnnualInputs
from jundeng.report.document import Chart, Document, Map, Paragraph, Section, Table
from jundeng.services.report_annual import annual_inputs
from tests.conftest import Templates, fresh_database

CJK = re.compile(r"[\u3400-\u9fff]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def inputs(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnnualInputs]:
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("annual"))
    yield annual_inputs(db, year=2017, today=DEMO_TODAY)
    drop()


@pytest.fixture(scope="module")
def zh(inputs: AnnualInputs) -> Document:
    return annual_report(inputs, "zh")


@pytest.fixture(scope="module")
def en(inputs: AnnualInputs) -> Document:
    return annual_report(inputs, "en")


def _sections(doc: Document) -> list[Section]:
    found: list[Section] = []

    def walk(s: Section) -> None:
        found.append(s)
        for sub in s.subsections:
            walk(sub)

    for s in doc.sections:
        walk(s)
    return found


def _cells(doc: Document) -> list[float]:
    """Every figure the tables show, as shown (shares as percentages), with its magnitude."""
    cells: list[float] = []
    for table in doc.tables():
        for column in table.columns:
            if column.kind == "text":
                continue
            for row in table.rows:
                value = row.get(column.key)
                if isinstance(value, (int, float)) and math.isfinite(value):
                    shown = value * 100 if column.kind == "pct" else float(value)
                    cells += [shown, abs(shown)]
    return cells


def _inputs_figures(inputs: AnnualInputs) -> set[float]:
    """The inputs' own figures a sentence may state besides the tables': years and the ledger day."""
    day = inputs.ledger_day
    years = {inputs.year, inputs.year - 1, day.year, day.month, day.day}
    years |= {y for k in inputs.key_indicators for y in k.values} | {y for g in inputs.gaps for y in g.values}
    return {float(y) for y in years}


def _written(paragraph: Paragraph, number: float) -> int:
    """Return the decimals ``number`` is written with in the paragraph's text (fails when it is not written)."""
    for token in NUMBER.findall(paragraph.text):
        if abs(float(token) - number) < 1e-9:
            return len(token.split(".")[1]) if "." in token else 0
    raise AssertionError(f"{number} is not written in: {paragraph.text}")


def test_the_report_has_the_summary_one_section_per_domain_problems_priorities_and_annex(
    zh: Document, inputs: AnnualInputs
) -> None:
    titles = [s.title for s in zh.sections]
    assert titles[0] == "一、总体情况"
    assert [t.split("、", 1)[1] for t in titles[1:-3]] == [d.name for d in inputs.domains]
    assert {"education", "social_security", "health"} <= {d.code for d in inputs.domains}
    assert titles[-3].endswith("存在的问题") and titles[-2].endswith("2018年工作重点") and titles[-1].endswith("附表")
    education = next(s for s in zh.sections if s.title.endswith("公共教育"))
    assert [s.title for s in education.subsections] == ["目标完成情况", "主要指标", "城乡和地区差距", "重点任务"]
    annex = zh.sections[-1].blocks
    assert isinstance(annex[0], Table) and len(annex[0].rows) == len(inputs.attainment) == 50
    assert isinstance(annex[1], Table) and [r["name"] for r in annex[1].rows] == ["香洲区", "金湾区", "斗门区"]
    assert all(t.sheet == "" or not t.sheet.isascii() for t in zh.tables())
    assert zh.paragraphs()[0].text.startswith("2017年，全市50项目标中")


def test_every_figure_in_the_text_is_a_figure_of_the_tables_or_the_inputs(
    zh: Document, en: Document, inputs: AnnualInputs
) -> None:
    own = _inputs_figures(inputs)
    for doc in (zh, en):
        cells = _cells(doc)
        checked = 0
        for paragraph in doc.paragraphs():
            for number in paragraph.numbers:
                decimals = _written(paragraph, number)
                tied = any(abs(round(c, decimals) - number) < 1e-9 for c in cells)
                assert tied or (decimals == 0 and number in own), (number, paragraph.text)
                checked += 1
        assert checked > 200


def test_the_check_catches_a_figure_the_tables_lack(zh: Document) -> None:
    cells = _cells(zh)
    ratio = next(p for p in zh.paragraphs() if "城乡比" in p.text)
    stated = ratio.numbers[-1]
    assert any(abs(round(c, 2) - stated) < 1e-9 for c in cells)
    assert not any(abs(round(c, 2) - (stated + 0.01)) < 1e-9 for c in cells if c > 1)  # one hundredth off fails


def test_the_title_page_says_synthetic_data_and_the_charts_and_map_are_there(
    zh: Document, inputs: AnnualInputs
) -> None:
    assert inputs.synthetic and any("合成数据" in n for n in zh.notes)
    assert zh.title == "珠海市2017年基本公共服务均等化工作总结" and zh.meta["kind"] == "annual"
    charts = [b for b in zh.blocks() if isinstance(b, Chart)]
    assert any(c.kind == "barh" for c in charts)
    trends = [c for c in charts if c.kind == "line" and any(s.dashed for s in c.series)]
    assert trends and all(len(s.values) == len(c.categories) for c in trends for s in c.series)
    assert any("基尼系数" in c.title for c in charts)
    maps = [b for b in zh.blocks() if isinstance(b, Map)]
    assert len(maps) == 1 and set(maps[0].values) == {"香洲区", "金湾区", "斗门区"}
    assert all(v is not None for v in maps[0].values.values())


def test_the_english_report_has_no_chinese_in_its_headings(en: Document) -> None:
    assert any("synthetic" in n for n in en.notes)
    headings = [s.title for s in _sections(en)]
    headings += [t.title for t in en.tables()] + [c.label for t in en.tables() for c in t.columns]
    headings += [t.sheet for t in en.tables()] + [b.title for b in en.blocks() if isinstance(b, (Chart, Map))]
    assert headings and not [h for h in headings if CJK.search(h)]
    assert en.sections[0].title == "1. Summary of the year"


def test_the_ledger_is_assessed_on_the_day_asked_at_most_the_years_end(inputs: AnnualInputs) -> None:
    assert inputs.ledger_day == date(2017, 9, 30)
    assert int((inputs.ledger["light"] == "red").sum()) > 0 and inputs.ledger["domain_code"].notna().all()
