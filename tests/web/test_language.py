"""Language: the key pages in Chinese show no English words, and in English no Chinese but proper names and data
(places, organisations, task titles, what people wrote) and text marked as a Chinese original; units, method
names and chart legends included."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from jundeng.catalogs import builtin_catalog
from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.io.yaml_files import read_catalog
from jundeng.store.db import Database
from jundeng.terms import unit_in
from jundeng.web.app import create_app
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import signed_in

PAGES = (
    "/",
    "/indicators",
    "/indicators/SOC_DIBAO_STANDARD",
    "/regions/440402",
    "/appraisal",
    "/appraisal/compare?year_a=2016&year_b=2017",
    "/gaps",
    "/ledger",
    "/ledger/2017-003",
    "/data",
    "/review",
    "/reports",
    "/extract",
    "/fiscal",
    "/access",
)
ADMIN_PAGES = ("/admin/methods",)
# abbreviations and formats that Chinese pages use as they are
LATIN = {"Gini", "CV", "Theil", "CSV", "XLSX", "XLS", "Excel", "API", "ID", "YAML", "UTF", "GBK", "CRITIC", "TOPSIS"}
LATIN |= {"Word", "DOCX", "PDF", "HTML", "TXT"}  # the formats of reports and policy documents
# the demo banners are bilingual on purpose (whoever reads the page must not take the figures for real ones)
BILINGUAL = ("合成演示数据 / synthetic demo data", "含汇总推算值 / includes derived values")
CODE = re.compile(r"\b[A-Za-z0-9]+(?:[_.-][A-Za-z0-9]+)+\b|\b[0-9a-f]{12}\b")  # codes, file names, versions
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The app on a module-wide copy of the demo site (SQLite)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("language"))
    yield create_app(db.url, secret_key="language-test", ledger_day=DEMO_TODAY), db
    drop()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.fixture(scope="module")
def data(site: tuple[object, Database]) -> list[str]:
    """The proper names and texts that come from the data (longest first): places, organisations, people,
    task titles and deadlines as written, what reporters wrote, source file names."""
    found: set[str] = set()
    queries = (
        "SELECT name FROM regions",
        "SELECT name FROM units",
        "SELECT username FROM users UNION SELECT display_name FROM users UNION SELECT unit FROM users",
        "SELECT created_by FROM progress_reports UNION SELECT created_by FROM tasks",
        "SELECT reporter FROM progress_reports UNION SELECT narrative FROM progress_reports",
        "SELECT review_comment FROM progress_reports UNION SELECT source FROM progress_reports",
        "SELECT unit FROM notices UNION SELECT request FROM notices UNION SELECT response FROM notices",
        "SELECT title FROM plans UNION SELECT issuer FROM plans UNION SELECT source_document FROM indicators",
    )
    keys = ("title", "lead_units", "responsible_units", "deadline_text", "description", "tags", "source_document")
    with site[1].session() as session:
        for query in queries:
            found.update(v for (v,) in session.execute(text(query)) if v)
        for (task,) in session.execute(text("SELECT data FROM tasks")):
            task = json.loads(task) if isinstance(task, str) else task
            found.update(s for key in keys for s in _strings(task.get(key)))
    return sorted((s for s in found if s.strip()), key=len, reverse=True)


def visible(html: str, lang: str) -> list[str]:
    """Return the lines of text a reader sees (no scripts, styles, comments or attribute values), leaving out
    elements marked as in the other language (the language switch, Chinese originals on English pages)."""
    other = "en" if lang == "zh" else "zh-CN"
    html = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", html, flags=re.S | re.I)
    html = re.sub(rf'<(\w+)\b[^>]*\slang="{other}"[^>]*>.*?</\1>', " ", html, flags=re.S)
    lines = [line.strip() for line in unescape(re.sub(r"<[^>]+>", "\n", html)).splitlines()]
    return [line for line in lines if line] + chart_texts(html)


def chart_texts(html: str) -> list[str]:
    """Return the names, legends and labels in the page's charts (series, axes, mark lines)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("name", "text", "formatter") and isinstance(value, str):
                    found.append(value)
                elif key != "data" or isinstance(value, list):
                    walk(value)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for option in re.findall(r"data-chart='([^']*)'", html):
        walk(json.loads(unescape(option)))
    return found


def _without(line: str, data: list[str]) -> str:
    for name in (*BILINGUAL, *data):
        if name in line:
            line = line.replace(name, " ")
    return line


def english_words(lines: list[str], data: list[str]) -> list[str]:
    """Return the lines of a Chinese page with English words that are neither data nor allowed abbreviations."""
    bad = []
    for line in lines:
        rest = CODE.sub(" ", _without(line, data))
        if [w for w in re.findall(r"[A-Za-z]{3,}", rest) if w not in LATIN]:
            bad.append(line)
    return bad


def chinese_text(lines: list[str], data: list[str]) -> list[str]:
    """Return the lines of an English page with Chinese that is not data."""
    return [line for line in lines if CJK.search(_without(line, data))]


def _pages(site: tuple[object, Database]) -> Iterator[tuple[TestClient, str]]:
    office, admin = signed_in(site[0], "office"), signed_in(site[0], "admin")
    yield from ((office, path) for path in PAGES)
    yield from ((admin, path) for path in ADMIN_PAGES)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_show_only_their_language_but_names(site: tuple[object, Database], data: list[str], lang: str) -> None:
    """Chinese pages show no English words; English pages no Chinese but the names and texts taken from the data."""
    foreign = english_words if lang == "zh" else chinese_text
    found = {}
    for client, path in _pages(site):
        response = client.get(path, params={"lang": lang})
        assert response.status_code == 200, path
        bad = foreign(visible(response.text, lang), data)
        if bad:
            found[path] = bad
    assert found == {}


def test_the_inequality_legend_is_in_the_page_language(site: tuple[object, Database]) -> None:
    office = signed_in(site[0], "office")
    zh = chart_texts(office.get("/indicators/SOC_DIBAO_STANDARD", params={"lang": "zh"}).text)
    en = chart_texts(office.get("/indicators/SOC_DIBAO_STANDARD", params={"lang": "en"}).text)
    assert "泰尔指数（组间）" in zh and "Theil (between)" not in zh
    assert "Theil (between)" in en and "泰尔指数（组间）" not in en
    assert "yuan/person/month" in en  # the trend's axis is in the page's units


def test_definitions_are_marked_as_chinese_originals_in_english(site: tuple[object, Database]) -> None:
    office = signed_in(site[0], "office")
    en = office.get("/indicators/SOC_DIBAO_STANDARD", params={"lang": "en"}).text
    assert re.search(r'<span lang="zh-CN">城乡居民最低生活保障标准[^<]*</span> <small[^>]*>\(Chinese original\)', en)
    assert "<dd>yuan/person/month</dd>" in en
    zh = office.get("/indicators/SOC_DIBAO_STANDARD", params={"lang": "zh"}).text
    assert "<dd>元/人/月</dd>" in zh and "Chinese original" not in zh


def test_the_method_name_is_in_the_page_language(site: tuple[object, Database]) -> None:
    office = signed_in(site[0], "office")
    en = office.get("/appraisal", params={"lang": "en"}).text
    assert "Zhuhai appraisal of equal access to basic public services (demo method)" in en
    assert "珠海市基本公共服务均等化绩效考评（演示方法）" in office.get("/appraisal", params={"lang": "zh"}).text


@pytest.mark.parametrize(
    ("unit", "english"),
    [
        ("元/人/月", "yuan/person/month"),
        ("元/人·年", "yuan/person·year"),
        ("张/千人", "beds/1,000 persons"),
        ("1/10万", "per 100,000"),
        ("%", "%"),
        ("万人次", "10,000 person-times"),
        ("所", "institutions"),
    ],
)
def test_units_are_translated_piece_by_piece(unit: str, english: str) -> None:
    assert unit_in("en", unit) == english
    assert unit_in("zh", unit) == unit


def test_every_unit_of_the_shipped_catalogues_has_english() -> None:
    units = {i.unit for name in ("national-13th-fyp", "zhuhai") for i in read_catalog(builtin_catalog(name)).indicators}
    assert len(units) > 15
    assert sorted(u for u in units if CJK.search(unit_in("en", u))) == []
