"""The administrator's catalogue and method forms, posted as a browser without JavaScript posts them: the CSRF
token in a hidden field, a redirect back to the page; retire, restore, edit a target; upload and choose a method."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services import catalog, methods
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, fresh_database

TARGET = "SOC_DIBAO_STANDARD"


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The app on a module-wide copy of the demo site (SQLite)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("admin"))
    yield create_app(db.url, secret_key="admin-test", ledger_day=DEMO_TODAY), db
    drop()


def browser(app: object, username: str) -> TestClient:
    """Return a client signed in as ``username`` that, like a browser without JavaScript, sends no CSRF header."""
    limiter.reset()
    client = TestClient(app)  # type: ignore[arg-type]
    client.get("/login")
    login = client.post("/api/v1/login", json={"username": username, "password": DEMO_PASSWORD})
    assert login.status_code == 200, login.text
    return client


def hidden_token(html: str) -> str:
    """Return the CSRF token a page put in its forms."""
    match = re.search(r'name="csrftoken" value="([^"]+)"', html)
    assert match, "no csrftoken field"
    return unescape(match.group(1))


def a_target(db: Database) -> str:
    t = catalog.targets(db)[0]
    return f"{t.indicator}:{t.region}:{t.year}"


def test_retire_and_restore_from_the_catalogue_page_without_javascript(site: tuple[object, Database]) -> None:
    app, db = site
    client = browser(app, "admin")
    html = client.get("/admin/catalog").text
    token = hidden_token(html)
    key = a_target(db)
    assert f'<input type="hidden" name="key" value="{key}">' in html
    assert 'action="/admin/catalog/retire"' in html and 'name="reason" required' in html
    form = {"kind": "target", "key": key, "reason": "目标已调整"}
    refused = client.post("/admin/catalog/retire", data=form, follow_redirects=False)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert key in {f"{t.indicator}:{t.region}:{t.year}" for t in catalog.targets(db)}
    done = client.post("/admin/catalog/retire", data=form | {"csrftoken": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/admin/catalog?done=retired")
    assert key not in {f"{t.indicator}:{t.region}:{t.year}" for t in catalog.targets(db)}
    page = client.get(done.headers["location"]).text
    assert 'id="done"' in page and "目标已调整" in page and 'action="/admin/catalog/restore"' in page
    english = client.get("/admin/catalog", params={"lang": "en", "done": "retired"}).text
    assert "Retired" in english and "Retired entries" in english
    back = client.post("/admin/catalog/restore", data={"kind": "target", "key": key, "csrftoken": token})
    assert back.status_code == 200 and key in {f"{t.indicator}:{t.region}:{t.year}" for t in catalog.targets(db)}
    again = client.post("/admin/catalog/restore", data={"kind": "target", "key": key, "csrftoken": token})
    assert again.status_code == 409 and "is not retired" in again.text


def test_edit_a_target_with_its_form(site: tuple[object, Database]) -> None:
    app, db = site
    client = browser(app, "admin")
    key = a_target(db)
    html = client.get("/admin/catalog/target", params={"key": key}).text
    assert 'id="target-form"' in html and 'method="post" action="/admin/catalog/target"' in html
    before = catalog.target(db, key=key)
    fields = {k: ("" if v is None else str(v)) for k, v in before.model_dump(mode="json", exclude={"source"}).items()}
    form = fields | {"key": key, "csrftoken": hidden_token(html), "value": "12345"}
    bad = client.post("/admin/catalog/target", data=form | {"value": "很多"})
    assert bad.status_code == 422 and "须为数值" in bad.text and 'value="很多"' in bad.text
    invalid = client.post("/admin/catalog/target", data=form | {"kind": "cumulative", "start_year": ""})
    assert invalid.status_code == 422 and "start_year" in invalid.text
    assert catalog.target(db, key=key) == before
    done = client.post("/admin/catalog/target", data=form, follow_redirects=False)
    assert done.status_code == 303 and "done=edited" in done.headers["location"]
    assert catalog.target(db, key=key).value == 12345
    [*_, last] = catalog.history(db, kind="target", key=key)
    assert (last["user"], last["after"]) == ("admin", {"value": 12345.0})
    assert last["before"] == {"value": before.value}


def test_the_office_sees_the_catalogue_but_may_not_retire(site: tuple[object, Database]) -> None:
    app, db = site
    client = browser(app, "office")
    html = client.get("/admin/catalog").text
    assert 'action="/admin/catalog/retire"' not in html and "publications" in html
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    form = {"kind": "indicator", "key": TARGET, "reason": "x"}
    assert client.post("/admin/catalog/retire", data=form).status_code == 403
    assert client.get("/admin/catalog/target", params={"key": a_target(db)}).status_code == 403
    assert client.get("/admin/methods").status_code == 200


METHOD = "name: 网页方法\nindicators:\n  - {code: SOC_DIBAO_STANDARD}\n  - {code: HOU_START_RATE}\n"


def test_upload_a_method_with_located_errors_then_choose_it(site: tuple[object, Database]) -> None:
    app, db = site
    client = browser(app, "admin")
    html = client.get("/admin/methods").text
    assert 'id="method-form"' in html and 'enctype="multipart/form-data"' in html
    data = {"csrftoken": hidden_token(html), "under": "440400"}
    bad = METHOD.replace("HOU_START_RATE", "NOPE").encode()
    refused = client.post("/admin/methods", data=data, files={"file": ("bad.yaml", bad, "application/x-yaml")})
    assert refused.status_code == 422 and "bad.yaml:4:12: " in refused.text and "NOPE" in refused.text
    assert methods.methods(db) == []
    good = {"file": ("web.yaml", METHOD.encode(), "application/x-yaml")}
    done = client.post("/admin/methods", data=data, files=good, follow_redirects=False)
    assert done.status_code == 303 and "done=uploaded" in done.headers["location"]
    [stored] = methods.methods(db)
    assert (stored.name, stored.chosen, stored.created_by) == ("网页方法", False, "admin")
    page = client.get(done.headers["location"]).text
    assert "网页方法" in page and f'action="/admin/methods/{stored.id}/choose"' in page
    chosen = client.post(f"/admin/methods/{stored.id}/choose", data=data, follow_redirects=False)
    assert chosen.status_code == 303 and "done=chosen" in chosen.headers["location"]
    found = methods.chosen(db)
    assert found is not None and found.name == "网页方法"
    assert f'action="/admin/methods/{stored.id}/choose"' not in client.get("/admin/methods").text
