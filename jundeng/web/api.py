"""REST API under /api/v1: the same services the pages and the command line use, scoped per principal."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel, Field

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.tasks import Notice, ProgressReport
from jundeng.services import ledger
from jundeng.store import catalog_repo, observations_repo, regions_repo, users_repo
from jundeng.store.importer import import_files
from jundeng.web.app import limiter
from jundeng.web.auth import EVERYONE, OFFICE, SIGNED_IN, WRITERS, Principal, allow
from jundeng.web.deps import DB, User
from jundeng.web.views import (
    frame_page,
    gap_table,
    indicator_codes,
    observation_history,
    observation_or_404,
    scoped_observations,
    scoped_tasks,
)

router = APIRouter(prefix="/api/v1", tags=["api"])
MAX_UPLOAD = 50 * 1024 * 1024


class Page(BaseModel):
    """A page of results."""

    items: list[dict[str, Any]]
    page: int
    size: int
    total: int


class Login(BaseModel):
    """Credentials."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class NewUser(BaseModel):
    """An account to create."""

    username: str = Field(pattern=r"^[A-Za-z0-9_.\-]{2,64}$")
    password: str = Field(min_length=8, max_length=256)
    role: str = Field(pattern="^(admin|office|department|district|viewer|public)$")
    display_name: str | None = None
    region: str | None = None
    unit: str | None = None
    domains: list[str] = Field(default_factory=list)


class Decision(BaseModel):
    """A review decision with an optional comment (required to reject)."""

    comment: str | None = Field(default=None, max_length=2000)


@router.post("/login")
@allow(*EVERYONE)
@limiter.limit("10/minute")
def login(request: Request, credentials: Login, db: DB, _user: User) -> dict[str, Any]:
    """Sign in; sets the session cookie. Rate-limited per address."""
    with db.session() as session:
        row = users_repo.authenticate(session, credentials.username, credentials.password)
        if row is None:
            raise HTTPException(401, {"zh": "用户名或密码错误", "en": "wrong user name or password"})
        request.session.clear()
        request.session["user"] = row.username
        request.session["epoch"] = row.session_epoch or 0
        return {"username": row.username, "role": row.role, "display_name": row.display_name}


@router.post("/logout")
@allow(*EVERYONE)
def logout(request: Request, user: User, db: DB) -> dict[str, bool]:
    """Sign out: ends this session and revokes every other session of the user."""
    if not user.anonymous:
        with db.session() as session:
            users_repo.end_sessions(session, user.username)
    request.session.clear()
    return {"ok": True}


@router.get("/me")
@allow(*EVERYONE)
def me(user: User) -> dict[str, Any]:
    """Return who is signed in (the public principal when nobody is)."""
    return {
        "username": user.username,
        "role": user.role,
        "region": user.region,
        "unit": user.unit,
        "domains": list(user.domains),
    }


@router.get("/indicators")
@allow(*EVERYONE)
def indicators(user: User, db: DB) -> list[dict[str, Any]]:
    """Return the indicators in scope (the public sees the published ones)."""
    with db.session() as session:
        allowed = indicator_codes(session, user)
        return [i.model_dump(mode="json") for i in catalog_repo.indicators(session) if i.code in allowed]


@router.get("/indicators/{code}")
@allow(*EVERYONE)
def indicator(code: str, user: User, db: DB) -> dict[str, Any]:
    """Return one indicator with its targets."""
    with db.session() as session:
        if code not in indicator_codes(session, user):
            raise HTTPException(404)
        ind = next(i for i in catalog_repo.indicators(session) if i.code == code)
        targets = [t.model_dump(mode="json") for t in catalog_repo.targets(session) if t.indicator == code]
    return ind.model_dump(mode="json") | {"targets": targets}


@router.get("/regions")
@allow(*EVERYONE)
def regions(db: DB, _user: User, level: str | None = None, under: str | None = None) -> list[dict[str, Any]]:
    """Return regions (optionally of one level and within a subtree)."""
    with db.session() as session:
        return [r.model_dump(mode="json") for r in regions_repo.regions(session, level=level, under=under)]


@router.get("/geo/districts")
@allow(*EVERYONE)
def district_boundaries(_user: User) -> dict[str, Any]:
    """Return the demo city's district boundaries (GeoJSON, WGS84) for the choropleth maps."""
    import json

    from jundeng.catalogs import ZHUHAI_GEOJSON

    data: dict[str, Any] = json.loads(ZHUHAI_GEOJSON.read_text(encoding="utf-8"))
    return data


@router.get("/observations", response_model=Page)
@allow(*EVERYONE)
def observations(
    user: User,
    db: DB,
    indicator: str | None = None,
    period: str | None = None,
    region: str | None = None,
    status: ObservationStatus | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Return current values in scope, filtered and paginated (public and viewers: approved only)."""
    frame = scoped_observations(db, user, indicator=indicator, period=period, region=region, status=status)
    return frame_page(frame, page, size)


@router.get("/observations/{obs_id}")
@allow(*SIGNED_IN)
def observation(obs_id: int, user: User, db: DB) -> dict[str, Any]:
    """Return one stored revision (404 when out of scope, as if it did not exist)."""
    return observation_or_404(db, user, obs_id)


@router.get("/observations/{obs_id}/history")
@allow(*SIGNED_IN)
def history(obs_id: int, user: User, db: DB) -> list[dict[str, Any]]:
    """Return every revision of the value that revision ``obs_id`` belongs to."""
    return observation_history(obs_id, user, db)


@router.post("/observations/import")
@allow(*WRITERS)
async def import_observations(
    user: User,
    db: DB,
    file: Annotated[UploadFile, File(description="CSV / XLSX / XLS")],
    dry_run: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Import a file of observations (all-or-nothing); errors come back located, nothing is written."""
    content = await file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise HTTPException(413)
    name = Path(file.filename or "upload.csv").name
    with db.session() as session:
        allowed = indicator_codes(session, user)

    def permitted(indicator: str, region: str) -> bool:
        return indicator in allowed and user.sees_region(region)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        report = import_files(db, [path], user=user.username, dry_run=dry_run, permitted=permitted)
    return {
        "accepted": report.accepted,
        "written": report.written,
        "unchanged": report.unchanged,
        "errors": [str(p) for p in report.errors],
        "warnings": [str(p) for p in report.warnings],
    }


@router.post("/catalog")
@allow(*OFFICE)
async def load_catalog_file(
    user: User,
    db: DB,
    file: Annotated[UploadFile, File(description="catalogue YAML")],
    dry_run: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Load a catalogue YAML file (domains, items, indicators, targets, units): all-or-nothing, audited."""
    from jundeng.errors import InputError
    from jundeng.io.yaml_files import parse_catalog

    content = await file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise HTTPException(413)
    name = Path(file.filename or "catalog.yaml").name
    try:
        text = content.decode("utf-8")
        with db.session() as session:
            catalog = parse_catalog(text, name, **catalog_repo.known_codes(session))
            if dry_run:
                return {"accepted": True, "written": 0, "unchanged": 0, "errors": [], "warnings": []}
            summary = catalog_repo.load_catalog(session, catalog, user=user.username)
    except UnicodeDecodeError:
        return {
            "accepted": False,
            "written": 0,
            "unchanged": 0,
            "warnings": [],
            "errors": [f"{name}:1:1: 文件须为 UTF-8 编码 / the file must be UTF-8"],
        }
    except InputError as exc:
        return {
            "accepted": False,
            "written": 0,
            "unchanged": 0,
            "warnings": [],
            "errors": [str(p) for p in exc.problems],
        }
    written = sum(summary.inserted.values()) + sum(summary.updated.values())
    return {
        "accepted": True,
        "written": written,
        "unchanged": sum(summary.unchanged.values()),
        "errors": [],
        "warnings": [],
    }


def _decide(db: DB, user: Principal, obs_id: int, status: ObservationStatus, comment: str | None) -> dict[str, Any]:
    observation_or_404(db, user, obs_id)
    with db.session() as session:
        changed = observations_repo.set_status(
            session, ids=[obs_id], status=status, user=user.username, comment=comment
        )
    if not changed:
        raise HTTPException(409, {"zh": "该值不在待审核状态", "en": "the value is not awaiting review"})
    return {"id": obs_id, "status": status.value}


@router.post("/observations/{obs_id}/approve")
@allow(*OFFICE)
def approve(obs_id: int, user: User, db: DB, decision: Decision | None = None) -> dict[str, Any]:
    """Approve a submitted value (audited)."""
    return _decide(db, user, obs_id, ObservationStatus.APPROVED, decision.comment if decision else None)


@router.post("/observations/{obs_id}/reject")
@allow(*OFFICE)
def reject(obs_id: int, user: User, db: DB, decision: Decision) -> dict[str, Any]:
    """Return a submitted value to its reporter with a reason (audited)."""
    if not decision.comment:
        raise HTTPException(422, {"zh": "退回须说明原因", "en": "a reason is required"})
    return _decide(db, user, obs_id, ObservationStatus.REJECTED, decision.comment)


@router.get("/gaps")
@allow(*EVERYONE)
def gaps(
    user: User,
    db: DB,
    indicator: str,
    period: str,
    by: Annotated[list[str], Query()] = ["district"],  # noqa: B006
) -> dict[str, Any]:
    """Return the gap table of an indicator in a period (approved values, population-weighted)."""
    return gap_table(db, user, indicator, period, by)


@router.get("/tasks", response_model=Page)
@allow(*SIGNED_IN)
def tasks(
    user: User,
    db: DB,
    today: date | None = None,
    light: str | None = None,
    status: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Return the ledger in scope with status and traffic light, as of ``today``."""
    frame = scoped_tasks(db, user, today or date.today())
    if light:
        frame = frame[frame["light"] == light]
    if status:
        frame = frame[frame["status"] == status]
    return frame_page(frame, page, size)


class NewReport(BaseModel):
    """A progress report."""

    value: float | None = Field(default=None, ge=0)
    percent: float | None = Field(default=None, ge=0, le=100)
    note: str | None = Field(default=None, max_length=5000)
    region: str | None = None
    as_of: date | None = None


@router.post("/tasks/{code}/reports")
@allow(*WRITERS)
def report_progress(code: str, body: NewReport, user: User, db: DB) -> dict[str, Any]:
    """Report progress on a task in scope."""
    in_scope = scoped_tasks(db, user, date.today())
    if code not in set(in_scope["code"]):
        raise HTTPException(404)
    if body.region and not user.sees_region(body.region):
        raise HTTPException(403)
    try:
        entry = ProgressReport(
            task=code,
            reporter=user.unit or user.username,
            region=body.region,
            as_of=body.as_of or date.today(),
            value=body.value,
            percent=body.percent,
            narrative=body.note,
        )
    except ValueError as exc:
        raise HTTPException(422, {"zh": "进度报告无效", "en": str(exc)}) from exc
    return {"id": ledger.add_progress(db, entry, user=user.username)}


@router.post("/reports/{report_id}/accept")
@allow(*OFFICE)
def accept_report(report_id: int, user: User, db: DB) -> dict[str, Any]:
    """Accept a submitted progress report."""
    if not ledger.review_report(db, report_id, accept=True, user=user.username, comment=None):
        raise HTTPException(409, {"zh": "报告不存在或已审核", "en": "unknown or already reviewed"})
    return {"id": report_id, "review": "accepted"}


@router.post("/reports/{report_id}/return")
@allow(*OFFICE)
def return_report(report_id: int, decision: Decision, user: User, db: DB) -> dict[str, Any]:
    """Return a submitted progress report with a comment (it no longer counts)."""
    if not decision.comment:
        raise HTTPException(422, {"zh": "退回须说明原因", "en": "a reason is required"})
    if not ledger.review_report(db, report_id, accept=False, user=user.username, comment=decision.comment):
        raise HTTPException(409, {"zh": "报告不存在或已审核", "en": "unknown or already reviewed"})
    return {"id": report_id, "review": "returned"}


class NewNotice(BaseModel):
    """A supervision notice to a unit."""

    unit: str = Field(min_length=1, max_length=200)
    request: str = Field(min_length=1, max_length=5000)
    due: date | None = None


@router.post("/tasks/{code}/notices", status_code=201)
@allow(*OFFICE)
def issue_notice(code: str, body: NewNotice, user: User, db: DB) -> dict[str, Any]:
    """Issue a supervision notice (督办) about a task."""
    try:
        notice_id = ledger.issue_notice(
            db, Notice(task=code, unit=body.unit, request=body.request, issued_by=user.username, due=body.due)
        )
    except KeyError as exc:
        raise HTTPException(404) from exc
    return {"id": notice_id}


@router.get("/users")
@allow("admin")
def list_users(db: DB, _user: User) -> list[dict[str, Any]]:
    """Return the accounts (without password hashes)."""
    with db.session() as session:
        return [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "region": u.region,
                "unit": u.unit,
                "domains": u.domains,
                "active": u.active,
            }
            for u in users_repo.users(session)
        ]


@router.post("/users", status_code=201)
@allow("admin")
def create_user(body: NewUser, user: User, db: DB) -> dict[str, str]:
    """Create an account (audited)."""
    try:
        with db.session() as session:
            users_repo.create_user(session, **body.model_dump(), by=user.username)
    except ValueError as exc:
        raise HTTPException(409, {"zh": str(exc).split(" / ")[0], "en": str(exc).split(" / ")[-1]}) from exc
    return {"username": body.username}


@router.post("/publications/{code}")
@allow(*OFFICE)
def publish(code: str, user: User, db: DB, on: bool = True) -> dict[str, Any]:
    """Publish an indicator on the public pages, or withdraw it with ``on=false``."""
    with db.session() as session:
        if code not in {i.code for i in catalog_repo.indicators(session)}:
            raise HTTPException(404)
        users_repo.publish(session, code, by=user.username, on=on)
    return {"indicator": code, "published": on}
