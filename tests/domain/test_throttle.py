"""The sign-in throttle's policy, on a hand-moved clock: locks per account, a cap per address, bounded memory."""

from __future__ import annotations

from jundeng.domain.throttle import SignInThrottle, Wait


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: SignInThrottle, account: str = "alice", address: str = "192.0.2.1") -> Wait | None:
    """Try once and fail (when let through); return the wait when refused."""
    return throttle.attempt(account, address)


def test_locks_double_from_the_fifth_failure_up_to_fifteen_minutes() -> None:
    throttle = SignInThrottle()
    assert [throttle.lock_seconds(n) for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 900, 900]
    assert throttle.lock_seconds(10**6) == 900


def test_an_account_is_locked_then_forgiven() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    assert [fail(throttle) for _ in range(5)] == [None] * 5
    assert fail(throttle) == Wait("account", 30)
    assert fail(throttle, account="bob") is None, "another account is not locked"
    clock.now += 29.5
    assert fail(throttle) == Wait("account", 1)
    clock.now += 0.5
    assert fail(throttle) is None  # let through: this time the password is right
    throttle.succeeded("alice", "192.0.2.1")
    assert [fail(throttle) for _ in range(5)] == [None] * 5, "a success forgets the failures"
    clock.now += 3601
    assert [fail(throttle) for _ in range(5)] == [None] * 5, "an hour without failures forgets them"


def test_an_address_is_capped_at_thirty_failures_a_minute() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    for i in range(30):
        assert fail(throttle, account=f"user{i}") is None
        clock.now += 1
    assert fail(throttle, account="new") == Wait("address", 30)
    assert fail(throttle, account="new", address="192.0.2.2") is None
    clock.now += 30
    assert fail(throttle, account="new") is None, "the oldest failures have left the window"


def test_a_success_or_a_cancelled_attempt_is_not_a_failure() -> None:
    throttle = SignInThrottle(Clock())
    for i in range(40):
        assert throttle.attempt(f"user{i}", "192.0.2.1") is None
        throttle.succeeded(f"user{i}", "192.0.2.1")
    for _ in range(10):
        assert throttle.attempt("alice", "192.0.2.1") is None
        throttle.cancel("alice", "192.0.2.1")
    assert fail(throttle) is None


def test_memory_stays_bounded() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    throttle.MAX_KEYS = 100
    for i in range(1000):
        throttle.attempt(f"user{i}", f"10.0.{i // 250}.{i % 250}")
        clock.now += 0.001
    assert len(throttle._accounts) + len(throttle._addresses) <= 100
    assert "user999" in throttle._accounts, "the newest counters are kept"
