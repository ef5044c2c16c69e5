"""The annual report of the demo city: its sections, the narrative's figures tied to the tables', the notes of
the title page and the English variant."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Iterator
from datetime import date

import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.report.annual import annual_report
from jundeng.report.annual_inputs import AnnualInputs
from jundeng.report.document import Chart, Document, Map, Paragraph, Section, Table
from jundeng.services.report_annual import annual_inputs
from jundeng.store.db import Database
from tests.conftest import Templates, fresh_database

CJK = re.compile(r"[\u3400-\u9fff]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def database(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("annual"))
    yield db
    drop()


@pytest.fixture(scope="module")
def inputs(database: Database) -> AnnualInputs:
    return annual_inputs(database, year=2017, today=DEMO_TODAY)


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
    return _table_cells(doc.tables())


def _table_cells(tables: Iterable[Table]) -> list[float]:
    """Every figure ``tables`` show, as shown (shares as percentages), with its magnitude."""
    cells: list[float] = []
    for table in tables:
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
    assert [t.split("、", 1)[1] for t in titles[1:-5]] == [d.name for d in inputs.domains]
    assert titles[-5].endswith("基本公共服务财政保障") and titles[-4].endswith("设施覆盖与可达性")
    assert {"education", "social_security", "health"} <= {d.code for d in inputs.domains}
    assert titles[-3].endswith("存在的问题") and titles[-2].endswith("2018年工作重点") and titles[-1].endswith("附表")
    education = next(s for s in zh.sections if s.title.endswith("公共教育"))
    assert [s.title for s in education.subsections] == ["目标完成情况", "主要指标", "城乡和地区差距", "重点任务"]
    annex = zh.sections[-1].blocks
    assert isinstance(annex[0], Table) and len(annex[0].rows) == len(inputs.attainment) == 51
    assert isinstance(annex[1], Table) and [r["name"] for r in annex[1].rows] == ["香洲区", "金湾区", "斗门区"]
    assert all(t.sheet == "" or not t.sheet.isascii() for t in zh.tables())
    assert zh.paragraphs()[0].text.startswith("2017年，全市51项目标中")


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


def _fiscal(doc: Document) -> Section | None:
    return next((s for s in doc.sections if s.title.endswith(("基本公共服务财政保障", "Fiscal equalization"))), None)


def _numbered(doc: Document) -> list[str]:
    return [s.title.split("、" if doc.lang == "zh" else ". ", 1)[0] for s in doc.sections]


def test_the_fiscal_section_comes_before_the_problems_and_the_sections_are_numbered_in_order(
    zh: Document, en: Document
) -> None:
    titles = [s.title for s in zh.sections]
    assert titles[-5:-2] == ["十五、基本公共服务财政保障", "十六、设施覆盖与可达性", "十七、存在的问题"]
    assert _numbered(zh)[:12] == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    assert _numbered(zh)[-5:] == ["十五", "十六", "十七", "十八", "十九"]
    assert _numbered(en) == [str(n) for n in range(1, len(en.sections) + 1)]
    assert [s.title for s in en.sections[-5:-3]] == ["15. Fiscal equalization", "16. Access to facilities"]


def test_the_fiscal_section_says_need_capacity_gap_and_growth_with_figures_of_its_own_tables(
    zh: Document, en: Document, inputs: AnnualInputs
) -> None:
    assert inputs.fiscal is not None and set(inputs.fiscal.needs["region"]) == {"440402", "440403", "440404"}
    for doc in (zh, en):
        section = _fiscal(doc)
        assert section is not None and len(section.subsections) == 2
        blocks = [b for sub in section.subsections for b in sub.blocks]
        tables = [b for b in blocks if isinstance(b, Table)]
        cells = _table_cells(tables)
        paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
        assert len(paragraphs) == 2 and len(tables) == 3
        for paragraph in paragraphs:
            for number in paragraph.numbers:
                decimals = _written(paragraph, number)
                tied = any(abs(round(c, decimals) - number) < 1e-9 for c in cells)
                assert tied or number == inputs.year, (number, paragraph.text)
        assert len(paragraphs[0].numbers) >= 10
    need = _fiscal(zh)
    assert need is not None
    text = need.subsections[0].blocks[0]
    assert isinstance(text, Paragraph) and "斗门区缺口" in text.text and "基尼系数" in text.text
    regions = need.subsections[0].blocks[1]
    assert isinstance(regions, Table) and [r["name"] for r in regions.rows][-1] == "合计"
    total = regions.rows[-1]
    assert total["gap"] == pytest.approx(sum(r["gap"] for r in regions.rows[:-1]))
    assert "基本公共服务支出增长高于财政经常性收入增长" in need.subsections[1].blocks[0].text  # type: ignore[union-attr]


def test_a_region_failing_the_growth_check_is_named_with_the_years_failed(inputs: AnnualInputs) -> None:
    assert inputs.fiscal is not None
    growth = inputs.fiscal.growth.copy()
    growth["years_failed"] = [[2015, 2017] if r == "440403" else [] for r in growth["region"]]
    failing = dataclasses.replace(inputs, fiscal=dataclasses.replace(inputs.fiscal, growth=growth))
    section = _fiscal(annual_report(failing, "zh"))
    assert section is not None
    paragraph, table = section.subsections[1].blocks
    assert isinstance(paragraph, Paragraph) and isinstance(table, Table)
    assert "斗门区2014—2017年检查4年，2年未达到" in paragraph.text and "其余区县各年均达到要求" in paragraph.text
    assert next(r for r in table.rows if r["name"] == "斗门区")["years"] == "2015、2017"


def test_a_programme_without_fiscal_data_for_the_year_has_no_fiscal_section(
    database: Database, inputs: AnnualInputs
) -> None:
    without = annual_inputs(database, year=2012, today=DEMO_TODAY)
    assert without.fiscal is None
    zh_doc, en_doc = annual_report(without, "zh"), annual_report(without, "en")
    assert _fiscal(zh_doc) is None and _fiscal(en_doc) is None
    assert not any("财政" in t.title for t in zh_doc.tables())
    assert _numbered(en_doc) == [str(n) for n in range(1, len(en_doc.sections) + 1)]
    doc = annual_report(dataclasses.replace(inputs, fiscal=None), "zh")
    assert _fiscal(doc) is None and doc.sections[-3].title == "十六、存在的问题"
