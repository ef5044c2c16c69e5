"""Which programme a ledger question is about: the tasks of a subtree, and where an import's tasks go.

A task belongs to the programme it was imported into (stored with it), and to the regions of its shares and of
its units (a catalogue unit's region). A task addressed to every county government (各县、市、区人民政府 …) is
decomposed, on import, to the counties of its programme: its regions of level district that are not functional
zones.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from jundeng.domain.principal import Principal
from jundeng.domain.tasks import Task
from jundeng.io.task_fields import is_county_governments
from jundeng.store import regions_repo, tasks_repo


def import_scope(session: Session, *, under: str | None) -> tuple[str | None, list[str]]:
    """Return (the programme an import goes to, its counties): ``under``, else the database's single top (None
    when it holds no region), and the regions of level district below it that are not functional zones;
    ScopeError when the database holds several programmes and none is chosen."""
    regions_repo.programme_codes(session, under=under)
    programme = under or next(iter(_tops(session)), None)
    counties = regions_repo.regions(session, level="district", under=programme)
    return programme, [r.code for r in counties if not r.functional_zone and r.code != programme]


def to_counties(task: Task) -> bool:
    """Return whether a task is addressed to every county government (a lead or responsible unit says so)."""
    return any(is_county_governments(u) for u in (*task.lead_units, *task.responsible_units))


def _tops(session: Session) -> list[str]:
    """Return the codes of the programmes' tops (regions without a parent) of the levels a programme has."""
    levels = ("province", "city", "district")
    return [r.code for level in levels for r in regions_repo.regions(session, level=level) if r.parent is None]


def _task_regions(task: Task, programme: str | None, units: dict[str, str], tops: list[str]) -> set[str]:
    """Return the regions a task belongs to: its programme, its shares' and its units' regions; a task with
    none of them (city departments only, stored before programmes were) belongs to the single top, if one."""
    names = (*task.lead_units, *task.responsible_units)
    found = {s.region for s in task.shares} | {units[u] for u in names if u in units}
    if programme:
        found.add(programme)
    if not found and len(tops) == 1:
        found.add(tops[0])
    return found


def programme_tasks(session: Session, *, under: str | None) -> list[Task]:
    """Return the current tasks of the programme ``under`` (every task when the database holds one programme
    and none is chosen); ScopeError when it holds several and none is chosen, NotFoundError for an unknown code."""
    keep = regions_repo.programme_codes(session, under=under)
    tasks = tasks_repo.current_tasks(session)
    if under is None:
        return tasks
    stored = tasks_repo.task_programmes(session)
    units = tasks_repo.unit_regions(session)
    tops = _tops(session)
    return [t for t in tasks if _task_regions(t, stored.get(t.code), units, tops) & keep]


def under_of(session: Session, under: str | None, principal: Principal | None) -> str | None:
    """Return the programme asked for: ``under``, else a district principal's own region when the database holds
    several programmes (with one, the principal's filter alone narrows the ledger, as before)."""
    if under is None and principal is not None and principal.role == "district" and len(_tops(session)) > 1:
        return principal.region
    return under
