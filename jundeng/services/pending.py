"""Values awaiting review: how many, in a principal's scope, so that every analysis page can say that its
figures are the approved ones and that N more wait (issue 13: pending data never changes the official picture)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from jundeng.domain.principal import Principal
from jundeng.store import observations_repo, regions_repo
from jundeng.store.db import Database

REVIEWERS = ("admin", "office", "district")  # who is told: those who review, and a district about its own
_CACHE: OrderedDict[tuple[object, ...], dict[str, int]] = OrderedDict()
_LOCK = threading.Lock()


def by_region(db: Database) -> dict[str, int]:
    """Return the number of values awaiting review per region, read once per data version."""
    with db.session() as session:
        key = (db.url, observations_repo.data_version(session))
        with _LOCK:
            found = _CACHE.get(key)
        if found is None:
            found = observations_repo.pending_by_region(session)
            with _LOCK:
                _CACHE[key] = found
                while len(_CACHE) > 16:
                    _CACHE.popitem(last=False)
    return found


def awaiting_review(db: Database, principal: Principal, *, under: str | None = None) -> int:
    """Return how many values in ``principal``'s scope (within the programme ``under``) await review; 0 for
    those who neither review nor report them."""
    if principal.role not in REVIEWERS:
        return 0
    counts = by_region(db)
    if not counts:
        return 0
    with db.session() as session:
        keep = regions_repo.subtree_codes(session, root=under) if under else None
    return sum(
        n
        for region, n in counts.items()
        if (keep is None or region in keep) and (principal.role != "district" or principal.sees_region(region))
    )
