"""Review of staged candidates: edit their fields, accept or reject many in one transaction, and offer matches.

Each acceptance adds to the catalogue without destroying what was there: a target onto an indicator that already
has one for the same region and year becomes an audited revision of it (the audit log keeps the fields before),
its baseline carried over unless the candidate gives one; a baseline attaches to the target of its indicator and
region; a standard attaches to the existing service item the reviewer matched. Matching by name is offered as a
list of scored suggestions, never applied silently. Every edit and decision is audited with its user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from jundeng.domain.catalog import (
    Catalog,
    Comparator,
    Direction,
    Indicator,
    ServiceItem,
    SourceRef,
    StandardAmount,
    Target,
)
from jundeng.errors import JundengError
from jundeng.services.extraction import Decision, import_task
from jundeng.services.extraction import ReviewError as ReviewError
from jundeng.store import candidates_repo, catalog_repo, regions_repo
from jundeng.store.db import Database

COMPARATORS = (">=", "<=", ">", "<", "=")
KINDS = ("target", "baseline", "standard", "task")
BINDING = {"binding": "binding", "约束性": "binding", "expected": "expected", "预期性": "expected"}
TEXT_FIELDS = ("indicator", "code", "item", "unit", "region", "domain", "kind", "comparator", "binding")
NUMBER_FIELDS = ("value", "low", "high", "baseline_value")
YEAR_FIELDS = ("year", "baseline_year")
EDITABLE = (*TEXT_FIELDS, *NUMBER_FIELDS, *YEAR_FIELDS)
ORDER = {"target": 0, "standard": 1, "task": 2, "baseline": 3}  # a baseline attaches to a target accepted first


class CandidateError(ReviewError):
    """A refusal about one candidate (``candidate`` says which), in Chinese and English."""

    def __init__(self, candidate: int, zh: str, en: str) -> None:
        super().__init__(f"候选 {candidate}：{zh}", f"candidate {candidate}: {en}")
        self.candidate = candidate


@dataclass(frozen=True)
class Suggestion:
    """An existing indicator or service item whose name resembles a candidate's, with a score in [0, 1]."""

    code: str
    name: str
    score: float


def parse_ids(text: str) -> list[int]:
    """Return the ids of a list such as ``3,5,9-14`` (in order, each once); ReviewError when malformed."""
    found: list[int] = []
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        match = re.fullmatch(r"(\d+)(?:\s*[-–~]\s*(\d+))?", part)
        if not match or (match.group(2) and int(match.group(2)) < int(match.group(1))):
            raise ReviewError(f"编号列表有误：{part!r}（例：3,5,9-14）", f"bad id list item {part!r} (e.g. 3,5,9-14)")
        low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        if high - low > 100_000:
            raise ReviewError(f"编号范围过大：{part}", f"id range too large: {part}")
        found.extend(i for i in range(low, high + 1) if i not in found)
    return found


def clean(changes: dict[str, Any]) -> dict[str, Any]:
    """Return edits as stored (numbers as numbers, empty as None); ReviewError naming the first bad field."""
    cleaned: dict[str, Any] = {}
    for name, raw in changes.items():
        if name not in EDITABLE:
            raise ReviewError(f"候选没有字段 {name!r}", f"a candidate has no field {name!r}")
        value = raw.strip() if isinstance(raw, str) else raw
        if value in ("", None):
            cleaned[name] = None
        elif name in NUMBER_FIELDS:
            try:
                number = float(str(value).replace(",", ""))
            except ValueError:
                raise ReviewError(f"{name} 须为数值：{value!r}", f"{name} must be a number: {value!r}") from None
            cleaned[name] = int(number) if number == int(number) and abs(number) < 2**53 else number
        elif name in YEAR_FIELDS:
            if not re.fullmatch(r"\d{4}", str(value)) or not 1949 <= int(value) <= 2100:
                raise ReviewError(f"{name} 须为年份：{value!r}", f"{name} must be a year: {value!r}")
            cleaned[name] = int(value)
        elif name == "comparator" and value not in COMPARATORS:
            listed = " ".join(COMPARATORS)
            raise ReviewError(f"比较符须为 {listed}", f"the comparator is one of {listed}")
        elif name == "kind" and value not in KINDS:
            raise ReviewError(f"类型须为 {'、'.join(KINDS)}", f"the kind is one of {', '.join(KINDS)}")
        elif name == "binding":
            if value not in BINDING:
                raise ReviewError("约束性须为 binding（约束性）或 expected（预期性）", "binding is binding or expected")
            cleaned[name] = BINDING[value]
        else:
            cleaned[name] = str(value)
    return cleaned


def _open(session: Session, candidate: int) -> dict[str, Any]:
    row = candidates_repo.get(session, candidate=candidate)
    if row is None:
        raise CandidateError(candidate, "没有此候选", "no such candidate")
    if row["status"] != "staged":
        raise CandidateError(candidate, f"已处理（{row['status']}）", f"was already {row['status']}")
    return row


def _edit(session: Session, candidate: int, changes: dict[str, Any], user: str) -> dict[str, Any]:
    _open(session, candidate)
    try:
        cleaned = clean(changes)
    except ReviewError as exc:
        raise CandidateError(candidate, exc.zh, exc.en) from None
    return candidates_repo.edit(session, candidate=candidate, changes=cleaned, user=user)


def edit(db: Database, candidate: int, changes: dict[str, Any], *, user: str) -> dict[str, Any]:
    """Change fields of a staged candidate (audited); return the fields changed."""
    with db.session(write=True) as session:
        return _edit(session, candidate, changes, user)


def decide(
    db: Database,
    *,
    user: str,
    accept: list[int] | tuple[int, ...] = (),
    reject: list[int] | tuple[int, ...] = (),
    edits: dict[int, dict[str, Any]] | None = None,
    code: str | None = None,
    domain: str | None = None,
    region: str | None = None,
) -> list[Decision]:
    """Apply edits, then accept and reject candidates, all in one transaction (nothing is written when one
    fails); ``code``/``domain``/``region`` apply to a single acceptance or fill what candidates lack."""
    both = sorted(set(accept) & set(reject))
    if both:
        raise ReviewError(f"同一候选不能既接受又拒绝：{both}", f"candidates both accepted and rejected: {both}")
    if code and len(accept) > 1:
        raise ReviewError("一次接受多条候选时，代码须逐条填写", "give the code per candidate when accepting several")
    decisions: list[Decision] = []
    with db.session(write=True) as session:
        for cid, changes in (edits or {}).items():
            _edit(session, cid, changes, user)
        rows = sorted((_open(session, cid) for cid in accept), key=lambda r: ORDER.get(r["payload"]["kind"], 9))
        for row in rows:
            try:
                result = accept_row(session, row, user=user, code=code, domain=domain, region=region)
            except CandidateError:
                raise
            except JundengError as exc:
                raise CandidateError(row["id"], exc.zh, exc.en) from None
            candidates_repo.decide(session, candidate=row["id"], status="accepted", result=result, user=user)
            decisions.append(Decision(row["id"], "accepted", result))
        for cid in reject:
            _open(session, cid)
            candidates_repo.decide(session, candidate=cid, status="rejected", result=None, user=user)
            decisions.append(Decision(cid, "rejected", None))
    return decisions


def accept_row(
    session: Session, row: dict[str, Any], *, user: str, code: str | None, domain: str | None, region: str | None
) -> str:
    """Import one staged candidate (``candidates_repo.get`` form) and return what it became."""
    data = row["payload"]
    source = SourceRef(document=row["document"], clause=row["sentence"])
    kind = str(data["kind"])
    code = code or data.get("code") or None
    if kind == "task":
        return import_task(session, data, code or f"X-{row['id']:04d}", source, user)
    if kind == "standard":
        return _standard(session, data, code, _domain(session, domain or data.get("domain")), source, user)
    if not code:
        raise ReviewError(
            "须选定指标（匹配已有指标，或填写新指标的代码）",
            "choose the indicator (a match, or a new indicator's code)",
        )
    scope = _scope(session, region or data.get("region"))
    if kind == "baseline":
        return _baseline(session, data, code, scope, row["document"], user)
    return _target(session, data, code, _domain(session, domain or data.get("domain")), scope, source, user)


def _domain(session: Session, value: Any) -> str | None:
    """Return the domain code of a code or a domain's name (None when neither is known)."""
    names = candidates_repo.domain_names(session)
    if value in names:
        return str(value)
    return next((code for code, name in names.items() if value and name == value), None)


def _scope(session: Session, region: str | None) -> str:
    tops = [r.code for r in regions_repo.regions(session) if r.parent is None]  # one per programme
    if region:
        return region
    if len(tops) > 1:
        raise ReviewError(
            f"本库有 {len(tops)} 个城市或区县（{'、'.join(tops)}）：请指明目标适用的区划",
            f"this database holds {len(tops)} programmes ({', '.join(tops)}): say which region it is for",
        )
    if not tops:
        raise ReviewError("须给出目标适用的区划", "the target needs a region")
    return tops[0]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _target(
    session: Session,
    data: dict[str, Any],
    code: str,
    domain: str | None,
    region: str,
    source: SourceRef,
    user: str,
) -> str:
    comparator = str(data.get("comparator") or ">=")
    indicators: list[Indicator] = []
    if code not in catalog_repo.known_codes(session)["known_indicators"]:
        if domain is None:
            raise ReviewError("新指标须给出领域", "a new indicator needs a domain")
        direction = Direction.LOWER if comparator in ("<=", "<") else Direction.HIGHER
        name = str(data.get("indicator") or code)
        unit = str(data.get("unit") or "")
        indicators.append(Indicator(code=code, name=name, domain=domain, unit=unit, direction=direction, source=source))
    is_range = data.get("low") is not None and data.get("high") is not None and data["low"] != data["high"]
    year = int(data.get("year") or date.today().year)
    fields: dict[str, Any] = {
        "comparator": Comparator.RANGE.value if is_range else comparator,
        "value": None if is_range else _number(data.get("value")),
        "low": _number(data.get("low")) if is_range else None,
        "high": _number(data.get("high")) if is_range else None,
    }
    if data.get("baseline_year") is not None and data.get("baseline_value") is not None:
        fields |= {"baseline_year": int(data["baseline_year"]), "baseline_value": float(data["baseline_value"])}
    existing = [t for t in catalog_repo.targets(session, indicator=code, retired=True) if t.region == region]
    if any(t.year == year for t in existing):  # a revision: the audit keeps what it was; the baseline stays
        catalog_repo.edit_target(session, key=f"{code}:{region}:{year}", changes=fields, user=user)
        return f"target:{code}"
    try:
        target = Target(indicator=code, region=region, year=year, source=source, **fields)
    except ValidationError as exc:
        cause = exc.errors()[0].get("ctx", {}).get("error")
        if isinstance(cause, JundengError):
            raise ReviewError(cause.zh, cause.en) from None
        raise ReviewError("目标取值无效", f"invalid target: {exc.errors()[0]['msg']}") from None
    catalog_repo.load_catalog(session, catalog=Catalog(indicators=indicators, targets=[target]), user=user)
    return f"target:{code}"


def _baseline(session: Session, data: dict[str, Any], code: str, region: str, document: str, user: str) -> str:
    year = data.get("baseline_year") or data.get("year")
    value = data.get("baseline_value") if data.get("baseline_value") is not None else data.get("value")
    if year is None or value is None:
        raise ReviewError("基期须给出年份和数值", "a baseline needs a year and a value")
    later = [t for t in catalog_repo.targets(session, indicator=code) if t.region == region and t.year >= int(year)]
    if not later:
        raise ReviewError(
            f"指标 {code} 在 {region} 没有可附基期的目标：请先接受其目标",
            f"indicator {code} has no target in {region} to attach the baseline to: accept its target first",
        )
    same = [t for t in later if t.source is not None and t.source.document == document]
    goal = min(same or later, key=lambda t: t.year)
    key = f"{code}:{region}:{goal.year}"
    changes = {"baseline_year": int(year), "baseline_value": float(value)}
    catalog_repo.edit_target(session, key=key, changes=changes, user=user)
    return f"baseline:{key}"


def _standard(
    session: Session, data: dict[str, Any], code: str | None, domain: str | None, source: SourceRef, user: str
) -> str:
    parts = str(data.get("unit") or "").split("/")
    amount = StandardAmount(amount=float(data["value"]), unit=parts[0] or "元", per=parts[1:])
    if data.get("item"):
        items = {i.code: i for i in catalog_repo.items(session)}
        if data["item"] not in items:
            raise ReviewError(f"没有服务项目 {data['item']}", f"no service item {data['item']}")
        item = items[data["item"]].model_copy(update={"standard": data["sentence"], "amount": amount, "source": source})
        catalog_repo.load_catalog(session, catalog=Catalog(items=[item]), user=user)  # audited: before and after
        return f"standard:{item.code}"
    if not code or not domain:
        raise ReviewError(
            "须选定服务项目，或给出新项目的代码和领域", "choose the service item, or give a new item's code and domain"
        )
    new = ServiceItem(
        code=code, domain=domain, name=str(data["indicator"]), standard=data["sentence"], amount=amount, source=source
    )
    catalog_repo.load_catalog(session, catalog=Catalog(items=[new]), user=user)
    return f"standard:{code}"


def score(name: str, text: str) -> float:
    """Return how much ``text`` (a candidate's words) resembles the catalogue name ``name``, in [0, 1]."""
    if not name or not text:
        return 0.0
    ratio = SequenceMatcher(None, name, text).ratio()
    short, long_ = sorted((name, text), key=len)
    if short in long_:
        ratio = max(ratio, 0.6 + 0.4 * len(short) / len(long_))
    return round(ratio, 2)


def rank(choices: list[tuple[str, str]], text: str, *, limit: int = 5, floor: float = 0.3) -> list[Suggestion]:
    """Return the best-scoring (code, name) choices for ``text``, best first."""
    scored = [Suggestion(code, name, score(name, text)) for code, name in choices]
    return sorted((s for s in scored if s.score >= floor), key=lambda s: (-s.score, s.code))[:limit]


def choices(db: Database, kind: str) -> list[tuple[str, str]]:
    """Return (code, name) of the indicators in force (or the service items for ``kind`` standard)."""
    with db.session() as session:
        found = catalog_repo.items(session) if kind == "standard" else catalog_repo.indicators(session)
        return [(x.code, x.name) for x in found]


def suggestions(db: Database, candidates: list[dict[str, Any]]) -> dict[int, list[Suggestion]]:
    """Return the suggested matches of each candidate by id: indicators, or service items for standards."""
    pools = {kind: choices(db, kind) for kind in ("target", "standard")}
    return {
        c["id"]: rank(pools["standard" if c["kind"] == "standard" else "target"], str(c.get("indicator") or ""))
        for c in candidates
        if c["kind"] != "task"
    }


def search(db: Database, query: str, kind: str, *, limit: int = 20) -> list[Suggestion]:
    """Return the indicators (or service items) whose code or name contains ``query``, then similar names."""
    query = query.strip()
    if not query:
        return []
    pool = choices(db, kind)
    hits = [Suggestion(c, n, 1.0) for c, n in pool if query.lower() in c.lower() or query in n]
    seen = {s.code for s in hits}
    return (hits + [s for s in rank(pool, query, limit=limit) if s.code not in seen])[:limit]
