"""Access scope: what a principal may see — the programme (city or county) a request is about, indicators,
current values, one revision and its history.

Out of scope reads the same as absent: a revision another district drafted raises :class:`NotFoundError`, and
so does another city's region asked of a user whose scope lies in one city.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from jundeng.domain.observations import ObservationStatus, Revision
from jundeng.domain.principal import Principal
from jundeng.errors import NotFoundError
from jundeng.io.records import records
from jundeng.store import catalog_repo, observations_repo, regions_repo, review_repo, users_repo
from jundeng.store.db import Database

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Programme:
    """The programme a request is about: its top region (None when the database holds none, or several and
    none was chosen) and the programmes the principal may choose among, as (code, name)."""

    code: str | None
    name: str | None
    choices: tuple[tuple[str, str], ...]

    @property
    def undecided(self) -> bool:
        """Return True when the database holds several programmes and none was chosen."""
        return self.code is None and len(self.choices) > 1


def programme(
    db: Database, principal: Principal, *, asked: str | None = None, remembered: str | None = None
) -> Programme:
    """Return the programme of a request: the one above the principal's own region when it has one (a county
    office's own county when that lies in a city set up too; a region ``asked`` outside it reads as absent:
    NotFoundError); else the one above ``asked``, else ``remembered``
    (when still stored), else the database's only one (undecided when it holds several)."""
    with db.session() as session:
        tops = {r.code: r.name for r in regions_repo.tops(session)}
        own = regions_repo.top_of(session, principal.region) if principal.region else None
        if own is not None and principal.region and principal.role != "district" and principal.region != own:
            found = regions_repo.region(session, code=principal.region)  # a county's office inside a city
            if found is not None:
                own, tops[found.code] = found.code, found.name
        above = regions_repo.top_of(session, asked) if asked else None
        kept = regions_repo.top_of(session, remembered) if remembered else None
        outside = bool(asked) and own is not None and asked not in regions_repo.subtree_codes(session, root=own)
    if asked and (above is None or outside):
        raise NotFoundError(f"未知的区划代码 {asked}", f"unknown region code: {asked}")
    if own is not None:
        return Programme(own, tops.get(own), ((own, tops.get(own, own)),))
    choices = tuple(tops.items())
    code = above or kept or (choices[0][0] if len(choices) == 1 else None)
    return Programme(code, tops.get(code) if code else None, choices)


def codes_in(session: Session, principal: Principal) -> set[str]:
    """Return the indicator codes in scope within an open session (see :func:`indicator_codes`)."""
    if principal.role == "public":
        return users_repo.published(session)
    return {code for code, domain in catalog_repo.indicator_domains(session) if principal.sees_domain(domain)}


def indicator_codes(db: Database, principal: Principal) -> set[str]:
    """Return the indicator codes in scope: published ones for the public, own domains for departments."""
    with db.session() as session:
        return codes_in(session, principal)


def observations(
    db: Database,
    user: Principal,
    *,
    indicator: str | None = None,
    period: str | None = None,
    region: str | None = None,
    status: ObservationStatus | None = None,
    under: str | None = None,
) -> pd.DataFrame:
    """Return current values in the principal's scope (approved only for the public and viewers), within the
    subtree ``under`` when given."""
    from jundeng.store.export import observations_frame

    with db.session() as session:
        allowed = codes_in(session, user)
        wanted = [c for c in ([indicator] if indicator else sorted(allowed)) if c in allowed]
        statuses = ["approved"] if user.approved_only else ([status.value] if status else None)
        frame = observations_frame(
            session, with_meta=True, indicators=wanted, periods=[period] if period else None, statuses=statuses
        ).to_pandas()
        keep = regions_repo.subtree_codes(session, root=under) if under else None
    if keep is not None:
        frame = frame[frame["region"].isin(keep)]
    if region:
        frame = frame[frame["region"] == region]
    if user.role == "district":
        frame = frame[frame["region"].map(user.sees_region)]
    return frame


def revision(db: Database, user: Principal, *, obs_id: int) -> Revision:
    """Return a stored revision in scope; raise NotFoundError when absent or out of scope."""
    with db.session() as session:
        row = observations_repo.revision(session, obs_id=obs_id)
        visible = (
            row is not None
            and row.indicator in codes_in(session, user)
            and user.sees_region(row.region)
            and not (user.approved_only and row.status != ObservationStatus.APPROVED)
        )
    if row is None or not visible:
        raise NotFoundError(f"没有编号为 {obs_id} 的数值", f"no value {obs_id}")
    return row


def history(db: Database, user: Principal, *, obs_id: int) -> list[dict[str, Any]]:
    """Return the revisions of the value that revision ``obs_id`` belongs to which the principal may see, by
    the rule of :func:`revision`: the public and viewers get the approved ones only (never a draft's value or
    author), the others each with the reviewer's ``reason`` for its last status change; NotFoundError when
    ``obs_id`` itself is out of scope."""
    row = revision(db, user, obs_id=obs_id)
    statuses = [ObservationStatus.APPROVED.value] if user.approved_only else None
    with db.session() as session:
        frame = observations_repo.observations(
            session, indicators=[row.indicator], periods=[row.period], statuses=statuses, history=True
        )
        frame = frame.filter((frame["region"] == row.region) & (frame["disaggregation"] == row.disaggregation))
        said = {} if user.approved_only else review_repo.reasons(session, frame["id"].to_list())
    return [r | {"reason": said.get(int(r["id"]))} for r in records(frame)]
