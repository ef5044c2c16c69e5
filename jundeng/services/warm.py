"""Warm-up: when a server process starts, compute in the background what the first pages of each programme need
(the approved values in the office's scope, the gap ranking, target attainment and the appraisal of the latest
year), so that no user waits the seconds a million values take to read and rank, in any worker."""

from __future__ import annotations

import logging
import threading
import time

from jundeng.domain.principal import Principal
from jundeng.errors import JundengError
from jundeng.measure import MeasureError
from jundeng.services import analysis
from jundeng.services import facts as facts_
from jundeng.store import regions_repo
from jundeng.store.db import Database

log = logging.getLogger(__name__)
WARMER = Principal(username="warm-up", display_name="warm-up", role="office")  # the office's scope: every indicator


def warm(db: Database) -> list[str]:
    """Compute the shared figures of each programme's latest year (cached per data version); return the
    programmes warmed."""
    with db.session() as session:
        tops = [r.code for r in regions_repo.tops(session)]
    done = []
    for code in tops:
        facts = facts_.load(db, WARMER, under=code)
        year = facts_.latest_year(facts)
        if year is None:
            continue
        analysis.gaps(facts, year, analysis.group_of(WARMER))
        facts_.attained(facts, year, None)
        facts_.appraisal(db, facts, year=year, with_uncertainty=True)
        done.append(code)
    return done


def start_warming(db: Database) -> threading.Thread:
    """Warm in a daemon thread (requests are answered meanwhile; one that needs a figure being computed waits
    for it rather than computing it again); a failure is logged, never raised."""

    def run() -> None:
        start = time.perf_counter()
        try:
            done = warm(db)
        except (JundengError, MeasureError, OSError) as exc:  # e.g. an empty or unmigrated database
            log.warning("warm-up stopped: %s", exc)
            return
        log.info("warm-up: %d programme(s) in %.1f s", len(done), time.perf_counter() - start)

    thread = threading.Thread(target=run, name="jundeng-warm-up", daemon=True)
    thread.start()
    return thread
