"""The administrator's accounts page as a browser without JavaScript uses it: roles, regions and domains in
words, a new user a viewer by default, edit, disable and enable, reset a password; every change audited."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services import audit, users
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.store.db import Database
from jundeng.web.app import create_app
from tests.conftest import Templates, fresh_database
from tests.web.test_admin import browser, hidden_token

NEW_PASSWORD = "Lotus-bridge-4417"


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The app on a module-wide copy of the demo site (SQLite)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("users-admin"))
    yield create_app(db.url, secret_key="users-admin", ledger_day=DEMO_TODAY), db
    drop()


def post(client: TestClient, path: str, data: dict[str, object]) -> object:
    """Post a form the way a browser without JavaScript does: the token in the hidden field, no header."""
    token = hidden_token(client.get("/admin/users").text)
    return client.post(path, data={"csrftoken": token, **data}, follow_redirects=False)


def test_the_list_shows_roles_regions_and_domains_in_words(site: tuple[object, Database]) -> None:
    app, _db = site
    html = browser(app, "admin").get("/admin/users").text
    assert "均等化办" in html and "系统管理员" in html
    assert "香洲区（440402）" in html
    row = re.search(r"<tr>\s*<td class=\"text\"><a href=\"/admin/users/edu\">.*?</tr>", html, re.S)
    assert row and "education" not in row.group(0) and "教育" in row.group(0)
    form = html[html.index('id="user-form"') :]
    selected = re.search(r'<select name="role">(.*?)</select>', form, re.S)
    assert selected and re.search(r'value="viewer" selected', selected.group(1)), "a new user is a viewer"
    assert not re.search(r'value="admin" selected', selected.group(1))


def test_create_with_the_form_defaults_to_the_least_privilege(site: tuple[object, Database]) -> None:
    app, db = site
    client = browser(app, "admin")
    weak = post(client, "/admin/users", {"username": "newbie", "password": "password123"})
    assert weak.status_code == 422 and "过于常见" in weak.text  # type: ignore[attr-defined]
    assert 'value="newbie"' in weak.text, "the form comes back filled"  # type: ignore[attr-defined]
    assert users.get(db, username="newbie") is None
    slash = post(client, "/admin/users", {"username": "a/b", "password": NEW_PASSWORD})
    assert slash.status_code == 422 and users.get(db, username="a/b") is None  # type: ignore[attr-defined]
    made = post(client, "/admin/users", {"username": "newbie", "password": NEW_PASSWORD, "display_name": "新人"})
    assert made.status_code == 303  # type: ignore[attr-defined]
    account = users.get(db, username="newbie")
    assert account is not None and account.role == "viewer" and account.display_name == "新人"


def test_edit_disable_enable_and_reset_a_password(site: tuple[object, Database]) -> None:
    app, db = site
    admin = browser(app, "admin")
    edu = browser(app, "edu")
    assert edu.get("/ledger", follow_redirects=False).status_code == 200
    page = admin.get("/admin/users/edu")
    assert page.status_code == 200 and 'id="edit-form"' in page.text and 'id="disable-form"' in page.text
    edited = post(
        admin, "/admin/users/edu", {"role": "department", "display_name": "教育局", "domains": ["education", "health"]}
    )
    assert edited.status_code == 303  # type: ignore[attr-defined]
    account = users.get(db, username="edu")
    assert account is not None and account.domains == ["education", "health"] and account.display_name == "教育局"
    refused = post(admin, "/admin/users/edu", {"role": "department", "domains": []})
    assert refused.status_code == 422 and "领域" in refused.text  # type: ignore[attr-defined]

    assert post(admin, "/admin/users/edu/disable", {}).status_code == 303  # type: ignore[attr-defined]
    assert edu.get("/ledger", follow_redirects=False).status_code == 303, "the disabled user's session ended"
    assert post(admin, "/admin/users/edu/enable", {}).status_code == 303  # type: ignore[attr-defined]

    mismatch = post(admin, "/admin/users/edu/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 422  # type: ignore[attr-defined]
    weak = post(admin, "/admin/users/edu/password", {"password": "qwerty123456", "confirm": "qwerty123456"})
    assert weak.status_code == 422 and users.authenticate(db, username="edu", password=DEMO_PASSWORD)  # type: ignore[attr-defined]
    edu = browser(app, "edu")
    reset = post(admin, "/admin/users/edu/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert reset.status_code == 303  # type: ignore[attr-defined]
    assert edu.get("/ledger", follow_redirects=False).status_code == 303, "earlier sessions are revoked"
    assert users.authenticate(db, username="edu", password=NEW_PASSWORD) is not None

    entries = audit.page(db, entity="users").entries
    assert [e.action for e in entries if e.key == "edu"][:4] == ["reset-password", "enable", "disable", "update"]
    log = admin.get("/audit", params={"entity": "users"}).text
    assert "domains: education, health" in log and NEW_PASSWORD not in log and "argon2" not in log


def test_an_admin_cannot_disable_themselves(site: tuple[object, Database]) -> None:
    app, db = site
    admin = browser(app, "admin")
    assert 'id="disable-form"' not in admin.get("/admin/users/admin").text
    refused = post(admin, "/admin/users/admin/disable", {})
    assert refused.status_code == 409  # type: ignore[attr-defined]
    demoted = post(admin, "/admin/users/admin", {"role": "viewer"})
    assert demoted.status_code == 409  # type: ignore[attr-defined]
    account = users.get(db, username="admin")
    assert account is not None and account.active and account.role == "admin"
    assert post(admin, "/admin/users/nobody/disable", {}).status_code == 404  # type: ignore[attr-defined]


def test_only_the_administrator_manages_users(site: tuple[object, Database]) -> None:
    app, _db = site
    office = browser(app, "office")
    assert office.get("/admin/users/edu").status_code == 403
    token = hidden_token(office.get("/admin/catalog").text)
    assert office.post("/admin/users/edu/disable", data={"csrftoken": token}).status_code == 403
