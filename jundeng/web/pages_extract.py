"""The review desk of extracted policy candidates (office): upload a plan, then review its candidates beside its text.

Each candidate's clause is highlighted in the text (``<mark>``); its fields are edited in a form of its own (the
indicator or service item chosen among scored suggestions, or found with the search box), and checkboxes accept
or reject many at once. The forms post without JavaScript (the CSRF token in the hidden ``csrftoken`` field) and
answer with a redirect back to the desk, which says what was done.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from jundeng.errors import JundengError
from jundeng.services import extraction, extraction_review
from jundeng.web.auth import OFFICE, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.forms import csrf_token
from jundeng.web.pages_base import N_, render
from jundeng.web.pages_tasks import back, take_flash
from jundeng.web.uploads import read

router = APIRouter(include_in_schema=False)
CANDIDATE_KINDS = {"target": N_("目标"), "baseline": N_("基期值"), "standard": N_("标准"), "task": N_("任务")}

FIELDS = ("kind", "indicator", "comparator", "value", "unit", "year", "baseline_year", "baseline_value")
MORE = ("binding", "region", "domain", "item")
BINDINGS = (("", N_("未标明")), ("binding", N_("约束性")), ("expected", N_("预期性")))


def segments(text: str, candidates: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """Return the text cut into (piece, mark id or None): each candidate's clause marked once, overlaps merged."""
    spans: list[list[int]] = []
    for start, end in sorted((int(c["start"]), int(c["end"])) for c in candidates):
        if not 0 <= start < end <= len(text):
            continue
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for start, end in spans:
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], f"clause-{start}"))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


def clause_of(candidate: dict[str, Any], pieces: list[tuple[str, str | None]]) -> str | None:
    """Return the id of the mark holding a candidate's clause."""
    at = 0
    for piece, mark in pieces:
        if mark and at <= int(candidate["start"]) < at + len(piece):
            return mark
        at += len(piece)
    return None


@router.get("/extract", dependencies=[allow(*OFFICE)])
def desk_index(request: Request, user: User, db: DB) -> Response:
    """The staged documents, with the form to upload a plan."""
    return render(
        request,
        user,
        "extract.html",
        title=N_("政策文件审核"),
        documents=extraction.documents(db),
        doc=None,
        flash=take_flash(request),
        csrf=csrf_token(request),
    )


@router.post("/extract/upload", dependencies=[allow(*OFFICE)])
def upload(request: Request, user: User, db: DB, file: Annotated[UploadFile, File()]) -> Response:
    """Stage the candidates of an uploaded plan (.txt .html .docx .pdf) and open its desk."""
    data, name = read(file, "plan.txt")
    try:
        document, count, new, digest = extraction.stage_upload(db, data, name, user=user.username)
    except JundengError as exc:
        return back(request, "/extract", exc)
    state = ("已暂存", "staged") if new else ("此前已暂存", "was staged before")
    done = (f"{document}：{count} 条候选{state[0]}", f"{document}: {count} candidates {state[1]}")
    return back(request, f"/extract/{digest}", done)


@router.get("/extract/{digest}", dependencies=[allow(*OFFICE)])
def desk(
    request: Request, user: User, db: DB, programme: Programme, digest: str, q: str = "", into: int = 0
) -> Response:
    """A document's candidates beside its text, each with its form; ``q`` searches matches for candidate ``into``."""
    doc = extraction.document(db, digest)
    rows = doc["candidates"]
    pieces = segments(doc["text"] or "", rows)
    offered = extraction_review.suggestions(db, [r for r in rows if r["status"] == "staged"])
    for row in rows:
        for name in (*FIELDS, *MORE, "code", "decided_by", "result"):
            row.setdefault(name, None)
        row["clause"] = clause_of(row, pieces)
        found = offered.get(row["id"], [])
        if q and row["id"] == into:
            found = extraction_review.search(db, q[:100], row["kind"]) + found
        chosen = row.get("item") if row["kind"] == "standard" else row.get("code")
        if chosen and all(s.code != chosen for s in found):
            found = [extraction_review.Suggestion(str(chosen), "", 1.0), *found]
        row["offered"] = list({s.code: s for s in found}.values())
    return render(
        request,
        user,
        "extract.html",
        title=N_("政策文件审核"),
        doc=doc,
        pieces=pieces,
        rows=rows,
        staged=sum(r["status"] == "staged" for r in rows),
        domains=extraction.domains(db),
        comparators=extraction_review.COMPARATORS,
        kinds=[(k, CANDIDATE_KINDS[k]) for k in extraction_review.KINDS],
        kind_labels=CANDIDATE_KINDS,
        bindings=BINDINGS,
        region=getattr(programme, "code", None) or "",
        q=q,
        into=into,
        flash=take_flash(request),
        csrf=csrf_token(request),
    )


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


@router.post("/extract/{digest}/candidates/{candidate}", dependencies=[allow(*OFFICE)])
async def edit(request: Request, user: User, db: DB, programme: Programme, digest: str, candidate: int) -> Response:
    """Save a candidate's fields (``do`` = save) or save and accept it (``do`` = accept)."""
    form = await _fields(request)
    target = f"/extract/{quote(digest)}#candidate-{candidate}"
    changes = {k: form[k] for k in (*FIELDS, *MORE) if k in form}
    code = (form.get("code_new") or "").strip() or form.get("code")
    if code is not None:
        changes["code"] = code
    try:
        if form.get("do") == "accept":
            region = form.get("region") or getattr(programme, "code", None)
            extraction_review.decide(
                db, user=user.username, accept=[candidate], edits={candidate: changes}, region=region
            )
            return back(request, target, (f"已接受候选 {candidate}", f"candidate {candidate} accepted"))
        extraction_review.edit(db, candidate, changes, user=user.username)
    except JundengError as exc:
        return back(request, target, exc)
    return back(request, target, (f"已保存候选 {candidate}", f"candidate {candidate} saved"))


@router.post("/extract/{digest}/decide", dependencies=[allow(*OFFICE)])
def decide(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    digest: str,
    do: Annotated[str, Form()],
    ids: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Accept (``do`` = accept) or reject (``do`` = reject) the checked candidates in one transaction."""
    target = f"/extract/{quote(digest)}"
    chosen = list(ids or [])
    if not chosen or do not in ("accept", "reject"):
        return back(request, target, JundengError("请选择候选", "choose the candidates"))
    region = getattr(programme, "code", None)
    try:
        if do == "accept":
            extraction_review.decide(db, user=user.username, accept=chosen, region=region)
        else:
            extraction_review.decide(db, user=user.username, reject=chosen)
    except JundengError as exc:
        return back(request, target, exc)
    if do == "accept":
        return back(request, target, (f"已接受 {len(chosen)} 条候选", f"{len(chosen)} candidates accepted"))
    return back(request, target, (f"已拒绝 {len(chosen)} 条候选", f"{len(chosen)} candidates rejected"))
