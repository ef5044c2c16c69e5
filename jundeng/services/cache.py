"""Results cached per database and data version, computed once however many requests ask at the same time,
with the last value answered while a newer one is computed (see :func:`cached`)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_LATEST: OrderedDict[tuple[Any, ...], Any] = OrderedDict()  # newest value of each family (key less fingerprint)
_RUNNING: dict[tuple[Any, ...], threading.Event] = {}
_LOCK = threading.Lock()
T = TypeVar("T")


_REFRESH = threading.Semaphore(1)  # recomputations of a value whose older version can be answered meanwhile
_LOCAL = threading.local()  # depth: how many values this thread is computing (one within another)


def cached(key: tuple[Any, ...], compute: Callable[[], T], size: int = 256) -> T:
    """Return the value cached under ``key`` = (database, data fingerprint, what…), computing it once.

    A missing value is computed by one request while the others wait for it (never twenty copies of one
    Monte Carlo). Once the data move on, the newest finished value of the same family (the key less its
    fingerprint) is answered at once whenever a newer one is already being computed, or while another
    family is being recomputed: recomputation takes one thread at most, so a stream of approvals cannot
    starve the readers, and a request that finds the server idle gets the newest data. A value computed within
    the computation of another is always the newest (an old part would be cached under the new fingerprint).
    Least recently used values go first.
    """
    family = (key[0], *key[2:])
    nested = getattr(_LOCAL, "depth", 0) > 0
    while True:
        with _LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return cast(T, _CACHE[key])
            stale = family in _LATEST and not nested
            running = _RUNNING.get(family)
            if running is None:
                if stale and not _REFRESH.acquire(blocking=False):
                    return cast(T, _LATEST[family])  # another recomputation is running: answer the last value
                running = _RUNNING[family] = threading.Event()
                break
            if stale:
                return cast(T, _LATEST[family])
        running.wait()
    _LOCAL.depth = getattr(_LOCAL, "depth", 0) + 1
    try:
        value = compute()
    finally:
        _LOCAL.depth -= 1
        with _LOCK:
            del _RUNNING[family]
        if stale:
            _REFRESH.release()
        running.set()
    with _LOCK:
        _CACHE[key] = _LATEST[family] = value
        _LATEST.move_to_end(family)
        for lru in (_CACHE, _LATEST):
            while len(lru) > size:
                lru.popitem(last=False)
    return value
