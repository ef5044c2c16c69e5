"""The shared cache: computed once per key, single flight under concurrency, the last value while busy."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from jundeng.services.cache import cached


def test_cached_computes_once_per_key() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    key = ("test_cache", id(calls))
    assert cached(key, compute) == 1
    assert cached(key, compute) == 1
    assert cached((*key, "other"), compute) == 2


def test_concurrent_requests_compute_a_missing_value_once() -> None:
    calls: list[int] = []
    gate = threading.Barrier(8)

    def compute() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    key = ("test_cache", id(calls), "single-flight")

    def ask() -> int:
        gate.wait()
        return cached(key, compute)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda _: ask(), range(8))) == [42] * 8
    assert len(calls) == 1


def test_the_last_value_is_answered_while_another_recomputation_runs() -> None:
    """After the data move on, a busy server answers the newest finished value instead of piling up work;
    an idle one computes the new value at once."""
    mine, theirs = object(), object()  # two families: the page asking, and another page being recomputed
    assert cached(("test_cache", "fingerprint-1", mine), lambda: "old") == "old"
    assert cached(("test_cache", "fingerprint-1", theirs), lambda: "theirs-old") == "theirs-old"
    release, started = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "theirs-new"

    other = threading.Thread(target=cached, args=(("test_cache", "fingerprint-2", theirs), slow))
    other.start()
    assert started.wait(5)
    new = ("test_cache", "fingerprint-2", mine)
    try:
        assert cached(new, lambda: "new") == "old"  # busy: the last value, at once
    finally:
        release.set()
        other.join()
    assert cached(new, lambda: "new") == "new"  # idle: the newest data


def test_a_value_computed_within_another_is_the_newest() -> None:
    """While a page's figures are recomputed after the data moved on, the parts they are built from are
    recomputed too, never answered from the previous version (which would then be cached as the new one)."""
    part, whole = object(), object()
    assert cached(("test_cache", "v1", part), lambda: "part-1") == "part-1"
    assert cached(("test_cache", "v1", whole), lambda: "whole:" + cached(("test_cache", "v1", part), str)) == (
        "whole:part-1"
    )

    def rebuild() -> str:
        return "whole:" + cached(("test_cache", "v2", part), lambda: "part-2")

    assert cached(("test_cache", "v2", whole), rebuild) == "whole:part-2"
