"""Administration pages: the catalogue (indicators with their publication switch, targets, service items)
for the equalization office, and the accounts for administrators."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jundeng.services import catalog as catalog_service
from jundeng.services import regions as regions_service
from jundeng.services import users as users_service
from jundeng.web.auth import OFFICE, ROLES, allow
from jundeng.web.deps import DB, User
from jundeng.web.i18n import language
from jundeng.web.pages_base import INDICATOR, INDICATOR_COLUMNS, N_, Column, Table, choose, indicator_row, render

router = APIRouter(include_in_schema=False)


@router.get("/admin/catalog", dependencies=[allow(*OFFICE)])
def catalog_page(request: Request, user: User, db: DB) -> Response:
    """Indicators (with publish / withdraw), targets, service items and domains."""
    lang = language(request)
    catalog = catalog_service.read(db)
    published = catalog_service.published(db)
    names = regions_service.names(db)
    domains = {d.code: choose(lang, d.name, d.name_en) for d in catalog.domains}
    indicators = []
    for i in catalog.indicators:
        on = i.code in published
        action = {
            "label": N_("撤回公开") if on else N_("公开"),
            "url": f"/api/v1/publications/{i.code}?on={str(not on).lower()}",
        }
        indicators.append(
            indicator_row(i, domains.get(i.domain, i.domain), lang)
            | {
                "definition": i.definition,
                "source": i.source.document if i.source else None,
                "published": on,
                "action": action,
            }
        )
    targets = [
        t.model_dump(mode="json", exclude={"source"})
        | {"region_name": names.get(t.region, t.region), "clause": t.source.clause if t.source else None}
        for t in catalog.targets
    ]
    items = [
        i.model_dump(mode="json", exclude={"source", "amount"}) | {"domain": domains.get(i.domain, i.domain)}
        for i in catalog.items
    ]
    tables = [
        Table(
            "indicators",
            N_("指标"),
            [
                *INDICATOR_COLUMNS,
                Column("definition", N_("定义")),
                Column("source", N_("来源文件")),
                Column("published", N_("已公开")),
                Column("action", N_("公开设置"), "action"),
            ],
            indicators,
        ),
        Table(
            "targets",
            N_("目标"),
            [
                INDICATOR,
                Column("region_name", N_("区划")),
                Column("year", N_("目标年份")),
                Column("comparator", N_("比较")),
                Column("value", N_("目标值"), "num"),
                Column("baseline_year", N_("基期年份")),
                Column("baseline_value", N_("基期值"), "num"),
                Column("clause", N_("依据条款")),
            ],
            targets,
        ),
        Table(
            "items",
            N_("服务项目"),
            [
                Column("code", N_("项目代码")),
                Column("name", N_("服务项目")),
                Column("domain", N_("领域")),
                Column("target_group", N_("服务对象")),
                Column("standard", N_("服务标准")),
                Column("lead_unit", N_("牵头单位")),
            ],
            items,
        ),
    ]
    return render(request, user, "catalog.html", title=N_("目录管理"), tables=tables)


@router.get("/admin/users", dependencies=[allow("admin")])
def users_page(request: Request, user: User, db: DB) -> Response:
    """The accounts, and the form creating one."""
    lang = language(request)
    fields = ("username", "display_name", "role", "region", "unit", "domains", "active")
    rows = [u.model_dump(include=set(fields)) for u in users_service.users(db)]
    regions = [(r.code, r.name) for r in regions_service.regions(db) if r.level.value in ("city", "district")]
    domains = [(d.code, choose(lang, d.name, d.name_en)) for d in catalog_service.read(db).domains]
    table = Table(
        "users",
        N_("用户"),
        [
            Column("username", N_("用户名")),
            Column("display_name", N_("姓名")),
            Column("role", N_("角色"), "enum"),
            Column("region", N_("区划代码")),
            Column("unit", N_("单位")),
            Column("domains", N_("领域"), "list"),
            Column("active", N_("启用")),
        ],
        rows,
    )
    return render(
        request, user, "users.html", title=N_("用户管理"), tables=[table], roles=ROLES, regions=regions, domains=domains
    )
