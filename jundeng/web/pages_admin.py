"""Administration pages: the catalogue (indicators with their publication switch, targets, service items)
for the equalization office, and for the administrator retiring, restoring and editing its entries; each
programme's appraisal methods (the accounts: :mod:`jundeng.web.pages_users`).

The administrator's forms post without JavaScript (the CSRF token in a hidden field, see
:mod:`jundeng.web.forms`) and answer with a redirect to the page, which says what was done."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from jundeng.errors import InputError, JundengError, NotFoundError
from jundeng.services import catalog as catalog_service
from jundeng.services import methods as methods_service
from jundeng.services import regions as regions_service
from jundeng.web import uploads
from jundeng.web.auth import OFFICE, allow
from jundeng.web.deps import DB, Programme, RowId, User
from jundeng.web.forms import csrf_token
from jundeng.web.i18n import language
from jundeng.web.pages_base import (
    INDICATOR,
    INDICATOR_COLUMNS,
    N_,
    Column,
    Table,
    choose,
    choose_programme,
    indicator_row,
    render,
)

router = APIRouter(include_in_schema=False)


DONE = {
    "retired": N_("已停用；可在下方“已停用的条目”中恢复"),
    "restored": N_("已恢复"),
    "edited": N_("目标已修改，修改前后的取值已记入审计日志"),
    "unchanged": N_("目标未变"),
    "uploaded": N_("考评方法已保存"),
    "chosen": N_("考评方法已选用"),
}
KIND_LABELS = {"target": N_("目标"), "indicator": N_("指标"), "item": N_("服务项目")}
COMPARATORS = (">=", "<=", ">", "<", "=", "range")
TARGET_KINDS = {"value": N_("当年值"), "cumulative": N_("期间累计"), "average": N_("期间平均")}
NUMBERS = {"value", "low", "high", "baseline_value"}
YEARS = {"year", "baseline_year", "start_year"}


def _retire(kind: str, key: str, csrf: str) -> dict[str, Any]:
    """Return the cell of the retire button (a form asking the reason; it works without JavaScript)."""
    fields = {"kind": kind, "key": key}
    return {
        "form": True,
        "url": "/admin/catalog/retire",
        "csrf": csrf,
        "fields": fields,
        "label": N_("停用"),
        "reason": N_("停用原因"),
    }


def _done(request: Request) -> str | None:
    return DONE.get(request.query_params.get("done", ""))


@router.get("/admin/catalog", dependencies=[allow(*OFFICE)])
def catalog_page(request: Request, user: User, db: DB) -> Response:
    """Indicators (with publish / withdraw), targets, service items and domains; for the administrator, a retire
    button on each entry, an edit form for each target and the retired entries with a restore button."""
    lang = language(request)
    admin = user.role == "admin"
    csrf = csrf_token(request)
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
                "retire": _retire("indicator", i.code, csrf),
            }
        )
    targets = []
    for t in catalog.targets:
        key = f"{t.indicator}:{t.region}:{t.year}"
        edit = {
            "form": True,
            "method": "get",
            "url": "/admin/catalog/target",
            "fields": {"key": key},
            "label": N_("修改"),
        }
        targets.append(
            t.model_dump(mode="json", exclude={"source"})
            | {"region_name": names.get(t.region, t.region), "clause": t.source.clause if t.source else None}
            | {"edit": edit, "retire": _retire("target", key, csrf)}
        )
    items = [
        i.model_dump(mode="json", exclude={"source", "amount"})
        | {"domain": domains.get(i.domain, i.domain), "retire": _retire("item", i.code, csrf)}
        for i in catalog.items
    ]
    retire_column = [Column("retire", N_("停用"), "action")] if admin else []
    edit_column = [Column("edit", N_("修改"), "action")] if admin else []
    tables = [
        Table(
            "indicators",
            N_("指标"),
            [
                *INDICATOR_COLUMNS,
                Column("definition", N_("定义"), "original"),
                Column("source", N_("来源文件")),
                Column("published", N_("已公开")),
                Column("action", N_("公开设置"), "action"),
                *retire_column,
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
                *edit_column,
                *retire_column,
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
                *retire_column,
            ],
            items,
        ),
    ]
    if admin:
        tables.append(_retired_table(db, csrf))
    return render(request, user, "catalog.html", title=N_("目录管理"), tables=tables, done=_done(request))


def _retired_table(db: DB, csrf: str) -> Table:
    """Return the retired entries with who retired them, when and why, and a restore button."""
    rows: list[dict[str, Any]] = []
    for kind in ("indicator", "target", "item"):
        for key, found in catalog_service.retirements(db, kind=kind).items():
            restore = {"form": True, "url": "/admin/catalog/restore", "csrf": csrf, "label": N_("恢复")}
            restore["fields"] = {"kind": kind, "key": key}
            at = f"{found.at:%Y-%m-%d %H:%M}"
            rows.append(
                {
                    "kind": KIND_LABELS[kind],
                    "key": key,
                    "at": at,
                    "by": found.by,
                    "reason": found.reason,
                    "restore": restore,
                }
            )
    columns = [
        Column("kind", N_("类型"), "enum"),
        Column("key", N_("代码")),
        Column("at", N_("停用时间")),
        Column("by", N_("停用人")),
        Column("reason", N_("停用原因")),
        Column("restore", N_("恢复"), "action"),
    ]
    return Table("retired", N_("已停用的条目"), columns, rows, empty=N_("没有已停用的条目"))


@router.post("/admin/catalog/retire", dependencies=[allow("admin")])
def retire(
    user: User, db: DB, kind: Annotated[str, Form()], key: Annotated[str, Form()], reason: Annotated[str, Form()]
) -> Response:
    """Retire a target, an indicator or a service item (audited; it can be restored)."""
    catalog_service.retire(db, kind=kind, key=key, reason=reason, user=user.username)
    return RedirectResponse("/admin/catalog?done=retired#table-retired", status_code=303)


@router.post("/admin/catalog/restore", dependencies=[allow("admin")])
def restore(user: User, db: DB, kind: Annotated[str, Form()], key: Annotated[str, Form()]) -> Response:
    """Put a retired entry back in force (audited)."""
    catalog_service.restore(db, kind=kind, key=key, user=user.username)
    return RedirectResponse("/admin/catalog?done=restored", status_code=303)


def _target_form(request: Request, user: User, db: DB, key: str, values: dict[str, Any], error: str | None) -> Response:
    target = catalog_service.target(db, key=key)
    shown = target.model_dump(mode="json", exclude={"source"}) | values
    response = render(
        request,
        user,
        "catalog_target.html",
        title=N_("修改目标"),
        key=key,
        target={k: "" if v is None else v for k, v in shown.items()},
        comparators=COMPARATORS,
        kinds=TARGET_KINDS,
        csrf=csrf_token(request),
        error=error,
    )
    if error:
        response.status_code = 422
    return response


@router.get("/admin/catalog/target", dependencies=[allow("admin")])
def target_page(request: Request, user: User, db: DB, key: str) -> Response:
    """The form editing one target (its key: INDICATOR:REGION:YEAR)."""
    return _target_form(request, user, db, key, {}, None)


@router.post("/admin/catalog/target", dependencies=[allow("admin")])
def edit_target(
    request: Request,
    user: User,
    db: DB,
    key: Annotated[str, Form()],
    year: Annotated[str | None, Form()] = None,
    comparator: Annotated[str | None, Form()] = None,
    value: Annotated[str | None, Form()] = None,
    low: Annotated[str | None, Form()] = None,
    high: Annotated[str | None, Form()] = None,
    baseline_year: Annotated[str | None, Form()] = None,
    baseline_value: Annotated[str | None, Form()] = None,
    kind: Annotated[str | None, Form()] = None,
    start_year: Annotated[str | None, Form()] = None,
) -> Response:
    """Save a target's form: every field posted (an empty one clears it); the audit keeps before and after."""
    fields = {"year": year, "comparator": comparator, "value": value, "low": low, "high": high}
    fields |= {"baseline_year": baseline_year, "baseline_value": baseline_value, "kind": kind, "start_year": start_year}
    posted = {f: text.strip() for f, text in fields.items() if text is not None}
    try:
        changes = {f: _parse(f, text) for f, text in posted.items()}
        changed = catalog_service.edit_target(db, key=key, changes=changes, user=user.username)
    except NotFoundError:
        raise
    except JundengError as exc:
        message = exc.en if language(request) == "en" else exc.zh
        return _target_form(request, user, db, key, posted, message)
    return RedirectResponse(f"/admin/catalog?done={'edited' if changed else 'unchanged'}", status_code=303)


def _parse(field: str, text: str) -> Any:
    """Return a posted target field as its value (None when empty); JundengError naming the field otherwise."""
    if not text:
        return None
    if field not in NUMBERS | YEARS:
        return text
    try:
        return int(text) if field in YEARS else float(text)
    except ValueError:
        kind = ("整数", "a whole number") if field in YEARS else ("数值", "a number")
        raise JundengError(f"字段 {field} 须为{kind[0]}：{text}", f"field {field} must be {kind[1]}: {text}") from None


@router.get("/admin/methods", dependencies=[allow(*OFFICE)])
def methods_page(request: Request, user: User, db: DB, programme: Programme) -> Response:
    """The appraisal methods of the programme: which one is chosen, and (for the administrator) upload and choose."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    return _methods(request, user, db, programme.code, [])


def _methods(request: Request, user: User, db: DB, under: str | None, problems: list[str]) -> Response:
    csrf = csrf_token(request)
    admin = user.role == "admin"
    lang = language(request)
    rows = []
    for m in methods_service.methods(db, under=under) if under else []:
        chosen = {"form": True, "url": f"/admin/methods/{m.id}/choose", "csrf": csrf, "label": N_("选用")}
        name = choose(lang, m.name, methods_service.english_name(m) if lang == "en" else None)
        rows.append(
            {"id": m.id, "name": name, "version": m.version, "chosen": m.chosen, "created_by": m.created_by}
            | {
                "created_at": f"{m.created_at:%Y-%m-%d %H:%M}",
                "choose": None if m.chosen else chosen | {"fields": {"under": under}},
            }
        )
    columns = [
        Column("id", N_("编号")),
        Column("name", N_("方法名称")),
        Column("version", N_("版本")),
        Column("chosen", N_("已选用")),
        Column("created_by", N_("上传人")),
        Column("created_at", N_("上传时间")),
        *([Column("choose", N_("选用"), "action")] if admin else []),
    ]
    table = Table("methods", N_("考评方法"), columns, rows, empty=N_("尚未保存考评方法：考评使用内置的默认方法"))
    response = render(
        request,
        user,
        "methods.html",
        title=N_("考评方法"),
        tables=[table],
        under=under,
        admin=admin,
        csrf=csrf,
        problems=problems,
        done=_done(request),
    )
    if problems:
        response.status_code = 422
    return response


@router.post("/admin/methods", dependencies=[allow("admin")])
def upload_method(
    request: Request,
    user: User,
    db: DB,
    file: Annotated[UploadFile, File()],
    under: Annotated[str | None, Form()] = None,
    choose_it: Annotated[bool, Form(alias="choose")] = False,
) -> Response:
    """Validate and store an uploaded method for the programme; its located errors are shown and nothing is stored."""
    content, name = uploads.read(file, "method.yaml")
    try:
        stored = methods_service.upload(
            db, content=content, name=name, user=user.username, under=under or None, choose=choose_it
        )
    except InputError as exc:
        return _methods(request, user, db, under or None, [str(p) for p in exc.problems])
    return RedirectResponse(f"/admin/methods?under={stored.programme}&done=uploaded", status_code=303)


@router.post("/admin/methods/{method_id}/choose", dependencies=[allow("admin")])
def choose_method(user: User, db: DB, method_id: RowId, under: Annotated[str | None, Form()] = None) -> Response:
    """Make a stored method its programme's chosen one (audited)."""
    stored = methods_service.choose(db, method_id=method_id, user=user.username, under=under or None)
    return RedirectResponse(f"/admin/methods?under={stored.programme}&done=chosen", status_code=303)
