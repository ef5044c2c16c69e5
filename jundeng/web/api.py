"""REST API under /api/v1: the same services the pages and the command line use, scoped per principal.

Each route declares its policy (``dependencies=[allow(...)]``) and its response model (:mod:`.schemas`);
a refusal a service raises (:class:`~jundeng.errors.JundengError`) answers through the app's one handler.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile

from jundeng.domain.catalog import Indicator
from jundeng.domain.observations import ObservationStatus, Revision
from jundeng.domain.regions import Region
from jundeng.domain.tasks import Notice, ProgressReport
from jundeng.errors import ForbiddenError, InputError, JundengError, NotFoundError
from jundeng.io.records import records
from jundeng.services import analysis, catalog, ledger, scope, users, workers
from jundeng.services import observations as observations_service
from jundeng.services import regions as regions_service
from jundeng.web import auth
from jundeng.web.auth import EVERYONE, OFFICE, SIGNED_IN, WRITERS, allow
from jundeng.web.deps import DB, Programme, RowId, User, ValueId
from jundeng.web.schemas import (
    Account,
    Created,
    Decided,
    Decision,
    ErrorBody,
    GapTable,
    ImportResult,
    IndicatorDetail,
    Login,
    Me,
    NewNotice,
    NewReport,
    NewUser,
    Ok,
    Page,
    Publication,
    ReportReview,
    SignedIn,
    Username,
)
from jundeng.web.uploads import read

router = APIRouter(prefix="/api/v1", tags=["api"])


@router.post(
    "/login", dependencies=[allow(*EVERYONE)], responses={401: {"model": ErrorBody}, 429: {"model": ErrorBody}}
)
def login(request: Request, credentials: Login, db: DB) -> SignedIn:
    """Sign in; sets the session cookie. Failures are throttled per account and per client address (429)."""
    user = auth.sign_in(request, db, username=credentials.username, password=credentials.password)
    return SignedIn(username=user.username, role=user.role, display_name=user.display_name)


@router.post("/logout", dependencies=[allow(*EVERYONE)])
def logout(request: Request, user: User, db: DB) -> Ok:
    """Sign out: ends this session and revokes every other session of the user."""
    if not user.anonymous:
        users.end_sessions(db, username=user.username)
    request.session.clear()
    return Ok(ok=True)


@router.get("/me", dependencies=[allow(*EVERYONE)])
def me(user: User) -> Me:
    """Return who is signed in (the public principal when nobody is)."""
    return Me(username=user.username, role=user.role, region=user.region, unit=user.unit, domains=list(user.domains))


@router.get("/indicators", dependencies=[allow(*EVERYONE)])
def indicators(user: User, db: DB) -> list[Indicator]:
    """Return the indicators in scope (the public sees the published ones)."""
    return catalog.indicators(db, principal=user)


@router.get("/indicators/{code}", dependencies=[allow(*EVERYONE)])
def indicator(code: str, user: User, db: DB, programme: Programme) -> IndicatorDetail:
    """Return one indicator with its targets (those of the user's programme, once there is one)."""
    found, targets = catalog.indicator(db, code=code, principal=user)
    if programme.code is not None:
        keep = regions_service.subtree(db, root=programme.code)
        targets = [t for t in targets if t.region in keep]
    return IndicatorDetail(**found.model_dump(), targets=targets)


@router.get("/regions", dependencies=[allow(*EVERYONE)])
def regions(db: DB, programme: Programme, level: str | None = None, under: str | None = None) -> list[Region]:
    """Return regions (optionally of one level) within the subtree ``under``, else the user's programme (a
    user of one programme never lists another's; every programme when several are stored and none chosen)."""
    return regions_service.regions(db, level=level, under=under or programme.code)


@router.get("/geo/districts", dependencies=[allow(*EVERYONE)], responses={404: {"model": ErrorBody}})
def district_boundaries(user: User, db: DB, programme: Programme, city: str | None = None) -> dict[str, Any]:
    """Return a city's county-level boundaries (GeoJSON, WGS84) for the choropleth maps: ``city``, else the
    user's programme's (404 when none ship, or when ``city`` lies outside the user's programme)."""
    if city is not None:
        scope.programme(db, user, asked=city)  # another programme's city reads as absent to its users
    return regions_service.boundaries(db, city=city or programme.code, region=user.region)


@router.get("/geo/towns", dependencies=[allow(*EVERYONE)], responses={404: {"model": ErrorBody}})
def town_boundaries(
    user: User, db: DB, programme: Programme, city: str | None = None, district: str | None = None
) -> dict[str, Any]:
    """Return a city's town-level boundaries (GeoJSON), those of ``district`` when given, for the map's
    drill-down: 404 with 本市暂无乡镇边界 / no town boundaries for this city where none ship (none do yet)."""
    for code in (city, district):
        if code is not None:
            scope.programme(db, user, asked=code)  # another programme's region reads as absent to its users
    chosen = city or (scope.programme(db, user, asked=district).code if district else programme.code)
    if chosen is None:
        raise NotFoundError("请指明城市（city=代码）", "name the city (city=CODE)")
    return regions_service.town_boundaries(city=chosen, district=district)


@router.get("/observations", dependencies=[allow(*EVERYONE)], response_model=Page[dict[str, Any]])
def observations(
    user: User,
    db: DB,
    programme: Programme,
    indicator: str | None = None,
    period: str | None = None,
    region: str | None = None,
    status: ObservationStatus | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Return current values in scope (the user's programme), filtered and paginated (public and viewers:
    approved only)."""
    frame = scope.observations(
        db, user, indicator=indicator, period=period, region=region, status=status, under=programme.code
    )
    return _page(frame, page, size)


@router.get("/observations/{obs_id}", dependencies=[allow(*SIGNED_IN)])
def observation(obs_id: ValueId, user: User, db: DB) -> Revision:
    """Return one stored revision (404 when out of scope, as if it did not exist)."""
    return scope.revision(db, user, obs_id=obs_id)


@router.get("/observations/{obs_id}/history", dependencies=[allow(*SIGNED_IN)], response_model=list[dict[str, Any]])
def history(obs_id: ValueId, user: User, db: DB) -> list[dict[str, Any]]:
    """Return every revision of the value that revision ``obs_id`` belongs to."""
    return scope.history(db, user, obs_id=obs_id)


# Imports are plain (not async) routes: FastAPI runs them in its thread pool, so that a long import never
# holds up the event loop (their size is bounded by web.uploads.BodyLimit); an observation file is parsed and
# written in a worker process (services.workers), so it never holds up the other requests either.
@router.post("/observations/import", dependencies=[allow(*WRITERS)])
def import_observations(
    user: User,
    db: DB,
    file: Annotated[UploadFile, File(description="CSV / XLSX / XLS")],
    dry_run: Annotated[bool, Form()] = False,
) -> ImportResult:
    """Import a file of observations (all-or-nothing); errors come back located (the first 1000), nothing is
    written."""
    content, name = read(file, "upload.csv")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        report = workers.import_files(db, [path], user=user.username, dry_run=dry_run, principal=user)
    return ImportResult.of(
        accepted=report.accepted,
        written=report.written,
        unchanged=report.unchanged,
        errors=report.errors,
        warnings=report.warnings,
        rows_valid=report.rows_valid,
    )


@router.post("/catalog", dependencies=[allow(*OFFICE)])
def load_catalog_file(
    user: User,
    db: DB,
    file: Annotated[UploadFile, File(description="catalogue YAML")],
    dry_run: Annotated[bool, Form()] = False,
) -> ImportResult:
    """Load a catalogue YAML file (domains, items, indicators, targets, units): all-or-nothing, audited."""
    content, name = read(file, "catalog.yaml")
    try:
        summary = catalog.load_text(db, content=content, name=name, user=user.username, dry_run=dry_run)
    except InputError as exc:  # located problems are the answer here, not a failure of the request
        return ImportResult.of(accepted=False, written=0, unchanged=0, errors=exc.problems, warnings=[])
    written = sum(summary.inserted.values()) + sum(summary.updated.values())
    return ImportResult.of(
        accepted=True, written=written, unchanged=sum(summary.unchanged.values()), errors=[], warnings=[]
    )


@router.post("/observations/{obs_id}/approve", dependencies=[allow(*OFFICE)])
def approve(obs_id: ValueId, user: User, db: DB, decision: Decision | None = None) -> Decided:
    """Approve a submitted value (audited)."""
    status = ObservationStatus.APPROVED
    observations_service.review(db, user, obs_id=obs_id, status=status, comment=decision.comment if decision else None)
    return Decided(id=obs_id, status=status.value)


@router.post("/observations/{obs_id}/reject", dependencies=[allow(*OFFICE)])
def reject(obs_id: ValueId, user: User, db: DB, decision: Decision) -> Decided:
    """Return a submitted value to its reporter with a reason (audited)."""
    status = ObservationStatus.REJECTED
    observations_service.review(db, user, obs_id=obs_id, status=status, comment=decision.comment)
    return Decided(id=obs_id, status=status.value)


@router.get("/gaps", dependencies=[allow(*EVERYONE)], response_model=GapTable)
def gaps(
    user: User,
    db: DB,
    programme: Programme,
    indicator: str,
    period: str,
    by: Annotated[list[str], Query()] = ["district"],  # noqa: B006
    under: str | None = None,
) -> dict[str, Any]:
    """Return the gap table of an indicator in a period (approved values, population-weighted), within the
    subtree ``under``, else the user's programme (needed when the database holds several; a region outside the
    user's own programme reads as absent)."""
    chosen = under or programme.code
    table = analysis.gap_table(db, indicator=indicator, period=period, by=by, principal=user, under=chosen)
    return {
        "indicator": indicator,
        "period": period,
        "level": table.level,
        "units": table.report.units,
        "rows": records(table.report.to_frame()),
        "values": records(table.values[["region", "name", "value", "population"]]),
        "notes": table.report.notes,
    }


@router.get("/tasks", dependencies=[allow(*SIGNED_IN)], response_model=Page[dict[str, Any]])
def tasks(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    today: date | None = None,
    as_of: date | None = None,
    light: str | None = None,
    status: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Return the ledger of the user's programme in scope with status and traffic light, as of ``as_of`` (or
    ``today``), else the app's ledger day, else today."""
    day = ledger.ledger_day(as_of or today, setting=request.app.state.ledger_day)
    frame = ledger.ledger(db, today=day, principal=user, light=light, status=status, under=programme.code)
    return _page(frame, page, size)


def _page(frame: Any, page: int, size: int) -> dict[str, Any]:
    """Return one page of a frame as JSON-ready records."""
    return {
        "items": records(frame.iloc[(page - 1) * size : page * size]),
        "page": page,
        "size": size,
        "total": len(frame),
    }


@router.post("/tasks/{code}/reports", dependencies=[allow(*WRITERS)], response_model=Created)
def report_progress(code: str, body: NewReport, user: User, db: DB, programme: Programme) -> dict[str, Any]:
    """Report progress on a task in scope (of the user's programme)."""
    if code not in set(ledger.ledger(db, today=date.today(), principal=user, under=programme.code)["code"]):
        raise NotFoundError(f"未知的任务代码 {code}", f"unknown task code: {code}")
    if body.region and not user.sees_region(body.region):
        raise ForbiddenError("无权为该区划报送", "the region is out of your scope")
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
        raise JundengError("进度报告无效", str(exc)) from exc
    return {"id": ledger.add_progress(db, entry, user=user.username)}


@router.post("/reports/{report_id}/accept", dependencies=[allow(*OFFICE)], response_model=ReportReview)
def accept_report(report_id: RowId, user: User, db: DB) -> dict[str, Any]:
    """Accept a submitted progress report."""
    return {
        "id": report_id,
        "review": ledger.review_report(db, report_id, accept=True, user=user.username, comment=None),
    }


@router.post("/reports/{report_id}/return", dependencies=[allow(*OFFICE)], response_model=ReportReview)
def return_report(report_id: RowId, decision: Decision, user: User, db: DB) -> dict[str, Any]:
    """Return a submitted progress report with a comment (it no longer counts)."""
    review = ledger.review_report(db, report_id, accept=False, user=user.username, comment=decision.comment)
    return {"id": report_id, "review": review}


@router.post("/tasks/{code}/notices", status_code=201, dependencies=[allow(*OFFICE)], response_model=Created)
def issue_notice(code: str, body: NewNotice, user: User, db: DB) -> dict[str, Any]:
    """Issue a supervision notice (督办) about a task."""
    notice = Notice(task=code, unit=body.unit, request=body.request, issued_by=user.username, due=body.due)
    return {"id": ledger.issue_notice(db, notice)}


@router.get("/users", dependencies=[allow("admin")])
def list_users(db: DB) -> list[Account]:
    """Return the accounts (without password hashes)."""
    return [Account.model_validate(u.model_dump()) for u in users.users(db)]


@router.post("/users", status_code=201, dependencies=[allow("admin")])
def create_user(body: NewUser, user: User, db: DB) -> Username:
    """Create an account (audited); 409 when the name is taken."""
    users.create(db, **body.model_dump(), by=user.username)
    return Username(username=body.username)


@router.post("/publications/{code}", dependencies=[allow(*OFFICE)])
def publish(code: str, user: User, db: DB, on: bool = True) -> Publication:
    """Publish an indicator on the public pages, or withdraw it with ``on=false``."""
    catalog.publish(db, code=code, by=user.username, on=on)
    return Publication(indicator=code, published=on)
