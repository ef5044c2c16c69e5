"""The appraisal pages: the year picker, the method in words in both languages, the date of the data, saving a
named run (office only, without JavaScript) and comparing two years or two runs side by side."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services import appraisal
from jundeng.store.db import Database
from jundeng.web.app import create_app
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import signed_in


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The app on a module-wide copy of the demo site (SQLite)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("appraisal"))
    yield create_app(db.url, secret_key="appraisal-test", ledger_day=DEMO_TODAY), db
    drop()


def years_offered(html: str) -> list[str]:
    """Return the years of the year picker."""
    picker = re.search(r'<form[^>]*id="year-picker".*?</form>', html, re.S)
    assert picker, "no year picker"
    return re.findall(r'<option value="(\d{4})"', picker.group(0))


def test_the_year_picker_lists_the_years_with_approved_data(site: tuple[object, Database]) -> None:
    office = signed_in(site[0], "office")
    html = office.get("/appraisal").text
    years = years_offered(html)
    assert len(years) >= 2 and years == sorted(years, reverse=True)
    assert f'<option value="{years[0]}" selected>' in html  # the latest by default
    earlier = office.get("/appraisal", params={"year": years[1]}).text
    assert f'<option value="{years[1]}" selected>' in earlier and f"<dd>{years[1]}</dd>" in earlier
    bad = office.get("/appraisal", params={"year": "abc"}, headers={"accept": "text/html"})
    assert bad.status_code == 422 and "<html" in bad.text and "输入无效" in bad.text


def test_the_method_is_shown_in_words_in_both_languages(site: tuple[object, Database]) -> None:
    office = signed_in(site[0], "office")
    zh = office.get("/appraisal").text
    method = re.search(r'<dl class="facts" id="method">.*?</dl>', zh, re.S)
    assert method
    assert "最小-最大标准化" in method.group(0) and "加权算术平均" in method.group(0)
    assert ">minmax<" not in zh and ">arithmetic<" not in zh
    stamp = re.search(r'<dd id="data-time">([^<]*)</dd>', zh)
    assert stamp and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", stamp.group(1))  # a date, not an observation id
    en = office.get("/appraisal", params={"lang": "en"}).text
    assert "Min–max normalization" in en and "Weighted arithmetic mean" in en
    assert "最小-最大标准化" not in en


def test_the_office_saves_a_named_run_and_a_viewer_may_not(site: tuple[object, Database]) -> None:
    app, db = site
    office = signed_in(app, "office")
    page = office.get("/appraisal").text
    assert 'id="save-run"' in page and 'name="csrftoken"' in page
    year = years_offered(page)[0]
    token = office.cookies["csrftoken"]
    del office.headers["x-csrftoken"]  # as a browser without JavaScript: the token in the hidden field
    before = len(appraisal.runs(db))
    response = office.post(
        "/appraisal/runs", data={"csrftoken": token, "year": year, "label": "年度正式考评"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"].startswith(f"/appraisal?year={year}")
    runs = appraisal.runs(db)
    assert len(runs) == before + 1 and runs[0].results["label"] == "年度正式考评" and runs[0].created_by == "office"
    shown = office.get(response.headers["location"]).text
    assert "已保存考评“年度正式考评”" in shown and '<td class="text">年度正式考评</td>' in shown
    viewer = signed_in(app, "viewer")
    assert 'id="save-run"' not in viewer.get("/appraisal").text
    refused = viewer.post("/appraisal/runs", data={"year": year, "label": "x"}, follow_redirects=False)
    assert refused.status_code == 403 and len(appraisal.runs(db)) == before + 1


def comparison_rows(html: str) -> dict[str, list[str]]:
    """Return the comparison table's cells by region code."""
    table = re.search(r'<table data-table="comparison">.*?</table>', html, re.S)
    assert table, "no comparison table"
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[cells[0]] = cells
    return rows


def test_two_years_are_compared_side_by_side(site: tuple[object, Database]) -> None:
    office = signed_in(site[0], "office")
    years = years_offered(office.get("/appraisal").text)
    html = office.get("/appraisal/compare", params={"year_a": years[1], "year_b": years[0]}).text
    rows = comparison_rows(html)
    assert len(rows) >= 3
    for cells in rows.values():  # region, name, score A, rank A, score B, rank B, score change, rank change
        score_a, rank_a, score_b, rank_b, change, moved = cells[2:8]
        assert rank_a.isdigit() and rank_b.isdigit()
        assert abs(float(score_b) - float(score_a) - float(change)) < 0.02
        assert int(moved) == int(rank_a) - int(rank_b)
    assert "最小-最大标准化" in html and f"<td>{years[0]}</td>" in html


def test_two_stored_runs_are_compared_and_another_programme_run_is_absent(site: tuple[object, Database]) -> None:
    app, db = site
    office = signed_in(app, "office")
    year = years_offered(office.get("/appraisal").text)[0]
    for label in ("甲稿", "乙稿"):
        office.post("/appraisal/runs", data={"year": year, "label": label})
    newest = [r.id for r in appraisal.runs(db)[:2]]
    html = office.get("/appraisal/compare", params={"a": newest[1], "b": newest[0]}).text
    rows = comparison_rows(html)
    assert rows and all(cells[6] in ("0", "0.00", "-0.00") and cells[7] == "0" for cells in rows.values())
    assert "甲稿" in html and "乙稿" in html
    assert office.get("/appraisal/compare", params={"a": 999999, "b": newest[0]}).status_code == 404


def test_the_form_compares_a_saved_run_with_a_year(site: tuple[object, Database]) -> None:
    """Each side of the form is a saved run or a year (``run:ID`` / ``year:YYYY``); the run saved for the latest
    year matches that year's appraisal, and the old URLs (``a=ID``, ``year_b=YYYY``) still work."""
    app, db = site
    office = signed_in(app, "office")
    years = years_offered(office.get("/appraisal").text)
    office.post("/appraisal/runs", data={"year": years[0], "label": "对年度稿"})
    run = next(r.id for r in appraisal.runs(db) if r.results.get("label") == "对年度稿")
    form = re.search(r'<form[^>]*id="compare-runs".*?</form>', office.get("/appraisal/compare").text, re.S)
    assert form, "no form comparing runs and years"
    for side in ("a", "b"):
        select = re.search(rf'<select name="{side}">(.*?)</select>', form.group(0), re.S)
        assert select and f'value="run:{run}"' in select.group(1)
        assert all(f'value="year:{y}"' in select.group(1) for y in years)

    html = office.get("/appraisal/compare", params={"a": f"run:{run}", "b": f"year:{years[0]}"}).text
    rows = comparison_rows(html)
    assert rows and all(cells[7] == "0" and float(cells[6]) == 0 for cells in rows.values())
    assert "对年度稿" in html and f'<option value="run:{run}" selected>' in html
    assert f'<option value="year:{years[0]}" selected>' in html

    earlier = office.get("/appraisal/compare", params={"a": run, "year_b": years[1]}).text
    assert comparison_rows(earlier) and f'<option value="year:{years[1]}" selected>' in earlier
    assert f"<td>{years[1]}</td>" in earlier and "对年度稿" in earlier
    refused = office.get("/appraisal/compare", params={"a": "month:3", "b": f"year:{years[0]}"})
    assert refused.status_code in (400, 422)
