"""Demo accounts (one per role) and the indicators published on the demo's public page."""

from __future__ import annotations

from typing import Any

from jundeng.store import users_repo
from jundeng.store.db import Database

DEMO_PASSWORD = "jundeng-demo"  # demo databases only; printed by `jundeng demo`
ACCOUNTS: list[dict[str, Any]] = [
    {"username": "admin", "role": "admin", "display_name": "系统管理员"},
    {"username": "office", "role": "office", "display_name": "市均等化办", "unit": "市财政局"},
    {"username": "edu", "role": "department", "display_name": "市教育局", "unit": "市教育局", "domains": ["education"]},
    {"username": "xiangzhou", "role": "district", "display_name": "香洲区", "region": "440402", "unit": "香洲区政府"},
    {"username": "doumen", "role": "district", "display_name": "斗门区", "region": "440403", "unit": "斗门区政府"},
    {"username": "viewer", "role": "viewer", "display_name": "第三方评估"},
]
PUBLISHED = ["SOC_DIBAO_STANDARD", "EDU_DISABLED_CHILD_ENROLMENT", "EMP_URBAN_REG_UNEMPLOYMENT"]


def create_demo_accounts(db: Database, *, by: str) -> list[dict[str, str]]:
    """Create the demo accounts that do not exist yet and publish a few indicators; return the accounts."""
    with db.session(write=True) as session:
        for account in ACCOUNTS:
            if users_repo.get_user(session, username=str(account["username"])) is None:
                users_repo.create_user(session, password=DEMO_PASSWORD, by=by, **account)
        for code in PUBLISHED:
            users_repo.publish(session, indicator=code, by=by)
    return [{"username": str(a["username"]), "role": str(a["role"])} for a in ACCOUNTS]
