"""``jundeng users edit|disable|enable|reset-password``: the password comes from standard input, never an
argument; refusals print 中文 / English and change nothing."""

from __future__ import annotations

from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.services import users
from jundeng.store.db import Database

runner = CliRunner()
PASSWORD = "correct-horse"


def run(db: Database, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db.url, "--user", "cli-user", *args], input=stdin)
    return result.exit_code, result.output


def test_edit_disable_enable_and_reset_a_password(db: Database) -> None:
    users.create(db, username="xz", password=PASSWORD, role="district", region="440402", by="admin")
    code, out = run(db, "users", "edit", "xz", "--name", "香洲区", "--unit", "香洲区统计局", "--region", "440403")
    assert code == 0, out
    account = users.get(db, username="xz")
    assert account is not None and (account.display_name, account.unit, account.region) == (
        "香洲区",
        "香洲区统计局",
        "440403",
    )
    code, out = run(db, "users", "edit", "xz", "--role", "department")
    assert code != 0 and "domain" in out
    assert run(db, "users", "disable", "xz")[0] == 0
    assert users.authenticate(db, username="xz", password=PASSWORD) is None
    assert run(db, "users", "enable", "xz")[0] == 0
    code, out = run(db, "users", "reset-password", "xz", stdin="123456789\n")
    assert code != 0 and users.authenticate(db, username="xz", password=PASSWORD) is not None
    code, out = run(db, "users", "reset-password", "xz", stdin="Pearl-river-delta-9\n")
    assert code == 0, out
    assert users.authenticate(db, username="xz", password="Pearl-river-delta-9") is not None
    assert "Pearl" not in out
    code, out = run(db, "users", "reset-password", "xz", "--password", "Another-pass-77")
    assert code != 0, "a password is never an argument"
