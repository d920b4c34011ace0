"""The per-user sliding-window rate limit, with an injected clock (no sleeping)."""

from __future__ import annotations

import threading

import pytest

from bot.ratelimit import RateLimiter


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_allows_that_many_a_minute_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)
    for _ in range(3):
        assert limiter.wait_time("alice") == 0
        clock.now += 10
    assert limiter.wait_time("alice") == pytest.approx(30)  # the first expires at 1060


def test_window_slides_one_request_at_a_time() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    assert limiter.wait_time("alice") == 0          # t=1000
    clock.now += 30
    assert limiter.wait_time("alice") == 0          # t=1030
    clock.now += 29.5
    assert limiter.wait_time("alice") == pytest.approx(0.5)
    clock.now += 0.5                                # the first one left the window
    assert limiter.wait_time("alice") == 0
    assert limiter.wait_time("alice") == pytest.approx(30)


def test_refused_requests_do_not_extend_the_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(1, clock=clock)
    assert limiter.wait_time("alice") == 0
    for _ in range(50):
        clock.now += 1
        limiter.wait_time("alice")
    clock.now = 1060
    assert limiter.wait_time("alice") == 0


def test_users_are_limited_separately() -> None:
    limiter = RateLimiter(1, clock=Clock())
    assert limiter.wait_time("alice") == 0
    assert limiter.wait_time("alice") > 0
    assert limiter.wait_time("bob") == 0


def test_zero_disables_the_limit() -> None:
    limiter = RateLimiter(0, clock=Clock())
    assert all(limiter.wait_time("alice") == 0 for _ in range(1000))


def test_idle_users_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(5, clock=clock)
    for n in range(100):
        limiter.wait_time(f"user{n}")
    clock.now += 61
    limiter.wait_time("latecomer")
    assert len(limiter) == 1


def test_concurrent_requests_never_exceed_the_limit() -> None:
    limiter = RateLimiter(20, clock=Clock())
    allowed: list[bool] = []
    lock = threading.Lock()

    def ask() -> None:
        for _ in range(10):
            ok = limiter.wait_time("alice") == 0
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 80 and sum(allowed) == 20
