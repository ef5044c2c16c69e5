"""Heavy use cases in a worker process, so that the web server's own process stays quick and small.

An import of a large or hostile file parses, validates and writes in a child process forked from a
forkserver that has Jundeng preloaded (a fork costs milliseconds, not an interpreter start): the server's
interpreter lock stays free for the other requests, the memory the file needed goes back to the system when
the child ends, and a parser that aborts takes only the child down (the request is refused, the server goes
on). The child opens the database by its URL; what it returns or raises travels back pickled (a
:class:`~jundeng.errors.JundengError` keeps its status and both languages).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import Principal
from jundeng.errors import JundengError
from jundeng.services.observations import ImportReport
from jundeng.store.db import Database

P = ParamSpec("P")
T = TypeVar("T")
PRELOAD = ["jundeng.services.observations", "jundeng.services.workers"]
_CONTEXT_LOCK = threading.Lock()
_context: Any = None


def _forkserver() -> Any:
    """Return the multiprocessing context whose children are forked from a preloaded server process."""
    global _context
    with _CONTEXT_LOCK:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def in_worker(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Return ``function(*args, **kwargs)`` computed in a fresh worker process (its refusals re-raised here)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=_forkserver()) as pool:
        try:
            return pool.submit(function, *args, **kwargs).result()
        except BrokenProcessPool as exc:
            raise JundengError(
                "处理该文件的进程意外终止（文件可能已损坏或超出处理能力），数据库未作任何修改",
                "the process handling this file stopped unexpectedly (the file may be damaged or too large to "
                "handle); nothing was changed",
            ) from exc


def _import_files(url: str, paths: list[Path], options: dict[str, Any]) -> ImportReport:
    """Run :func:`jundeng.services.observations.import_files` on the database at ``url`` (in the child)."""
    from jundeng.services.observations import import_files

    db = Database(url)
    try:
        return import_files(db, paths, **options)
    finally:
        db.dispose()


def import_files(
    db: Database,
    paths: list[Path],
    *,
    user: str,
    dry_run: bool = False,
    status: ObservationStatus = ObservationStatus.SUBMITTED,
    principal: Principal | None = None,
) -> ImportReport:
    """Import observation files like :func:`jundeng.services.observations.import_files`, in a worker process."""
    options = {"user": user, "dry_run": dry_run, "status": status, "principal": principal}
    return in_worker(_import_files, db.url, paths, options)
