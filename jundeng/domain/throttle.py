"""Sign-in throttling: failed sign-ins slow down the account tried and the address they come from.

The policy (OWASP's per-account throttling with an exponential delay, plus a generous per-address cap):

- **Per account** (any user name, existing or not, so that the answers tell nothing about which exist): the
  first :attr:`SignInThrottle.FREE_FAILURES` (5) failures cost nothing; the 5th and every later failure
  lock the account for 30 s × 2^(n − 5), at most 15 minutes. While the lock lasts every sign-in to that
  account is refused, the right password too (that is what stops guessing); other accounts are not
  affected. A successful sign-in, or an hour without failures, forgets the account's failures.
- **Per client address**: :attr:`SignInThrottle.ADDRESS_FAILURES` (30) failures within a minute refuse
  every further sign-in from that address until the oldest of them is a minute old. Only failures count, so
  the colleagues behind one proxy never lock each other out by signing in.

An attempt is counted as a failure when it starts and forgiven when it succeeds, so that a burst of
parallel guesses cannot slip through before the first of them has been verified. The counters live in
the memory of one process (see :mod:`jundeng.services.users`); they are bounded by :attr:`MAX_KEYS`.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Account:
    failures: int = 0
    last: float = 0.0


@dataclass(frozen=True)
class Wait:
    """A refused attempt: which limit refused it and how many whole seconds are left (Retry-After)."""

    limit: str  # "account" or "address"
    seconds: int


class SignInThrottle:
    """Failure counters per account and per client address, with the clock injectable for tests."""

    FREE_FAILURES = 5
    FIRST_LOCK = 30.0  # seconds, doubled by each further failure
    LONGEST_LOCK = 15 * 60.0
    ACCOUNT_MEMORY = 60 * 60.0  # failures are forgotten this long after the last one
    ADDRESS_FAILURES = 30
    ADDRESS_WINDOW = 60.0
    MAX_KEYS = 100_000  # accounts and addresses remembered at most (expired ones go first)

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._accounts: dict[str, _Account] = {}
        self._addresses: dict[str, deque[float]] = {}

    def lock_seconds(self, failures: int) -> float:
        """Return how long ``failures`` consecutive failures lock an account (0 below the free ones)."""
        if failures < self.FREE_FAILURES:
            return 0.0
        doublings = min(failures - self.FREE_FAILURES, 32)
        return min(self.FIRST_LOCK * float(2**doublings), self.LONGEST_LOCK)

    def attempt(self, account: str, address: str) -> Wait | None:
        """Start an attempt: return the wait when a limit refuses it, else count it as a failure and None."""
        with self._lock:
            now = self.clock()
            wait = self._wait(account, address, now)
            if wait is not None:
                return wait
            entry = self._accounts.setdefault(account, _Account())
            entry.failures += 1
            entry.last = now
            self._addresses.setdefault(address, deque()).append(now)
            if len(self._accounts) + len(self._addresses) > self.MAX_KEYS:
                self._prune(now)
            return None

    def succeeded(self, account: str, address: str) -> None:
        """Forgive the attempt just started (it signed in) and forget the account's failures."""
        with self._lock:
            self._accounts.pop(account, None)
            self._forgive_address(address)

    def cancel(self, account: str, address: str) -> None:
        """Forgive the attempt just started without judging it (the check itself failed, not the user)."""
        with self._lock:
            entry = self._accounts.get(account)
            if entry is not None:
                entry.failures = max(entry.failures - 1, 0)
            self._forgive_address(address)

    def clear(self) -> None:
        """Forget every counter."""
        with self._lock:
            self._accounts.clear()
            self._addresses.clear()

    def _wait(self, account: str, address: str, now: float) -> Wait | None:
        entry = self._accounts.get(account)
        if entry is not None and now - entry.last > self.ACCOUNT_MEMORY:
            del self._accounts[account]
            entry = None
        if entry is not None:
            left = entry.last + self.lock_seconds(entry.failures) - now
            if left > 0:
                return Wait("account", max(math.ceil(left), 1))
        recent = self._addresses.get(address)
        if recent is not None:
            while recent and now - recent[0] >= self.ADDRESS_WINDOW:
                recent.popleft()
            if not recent:
                del self._addresses[address]
            elif len(recent) >= self.ADDRESS_FAILURES:
                return Wait("address", max(math.ceil(recent[0] + self.ADDRESS_WINDOW - now), 1))
        return None

    def _forgive_address(self, address: str) -> None:
        recent = self._addresses.get(address)
        if recent:
            recent.pop()
            if not recent:
                del self._addresses[address]

    def _prune(self, now: float) -> None:
        """Drop expired counters; when still too many, the least recently failed accounts and addresses."""
        self._accounts = {k: v for k, v in self._accounts.items() if now - v.last <= self.ACCOUNT_MEMORY}
        self._addresses = {k: v for k, v in self._addresses.items() if v and now - v[-1] < self.ADDRESS_WINDOW}
        keep = self.MAX_KEYS * 9 // 10
        if len(self._accounts) > keep // 2:
            newest = sorted(self._accounts.items(), key=lambda kv: kv[1].last)[-(keep // 2) :]
            self._accounts = dict(newest)
        if len(self._addresses) > keep // 2:
            latest = sorted(self._addresses.items(), key=lambda kv: kv[1][-1])[-(keep // 2) :]
            self._addresses = dict(latest)
