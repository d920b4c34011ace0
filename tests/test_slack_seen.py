"""Slack's retries of an event already handled are recognised (memory and Redis)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack_seen import MemorySeenEvents, RedisSeenEvents, seen_events_for


def test_event_is_new_only_the_first_time() -> None:
    seen = MemorySeenEvents()
    assert seen.first_time("Ev1") is True
    assert seen.first_time("Ev1") is False
    assert seen.first_time("Ev2") is True


def test_event_is_forgotten_after_the_ttl() -> None:
    now = [1000.0]
    seen = MemorySeenEvents(ttl=60, clock=lambda: now[0])
    assert seen.first_time("Ev1")
    now[0] += 59
    assert not seen.first_time("Ev1")
    now[0] += 2
    assert seen.first_time("Ev1")


def test_memory_record_is_capped() -> None:
    seen = MemorySeenEvents(max_keys=3)
    for key in ("a", "b", "c", "d"):
        assert seen.first_time(key)
    assert seen.first_time("a")  # the oldest was dropped to make room
    assert not seen.first_time("d")


def test_memory_is_used_without_a_redis_url() -> None:
    assert isinstance(seen_events_for(None), MemorySeenEvents)


def test_unreachable_redis_answers_rather_than_drops(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seen = RedisSeenEvents(f"redis://127.0.0.1:{port}/0")
    try:
        assert seen.first_time("Ev1") is True
    finally:
        seen.close()
    assert "Redis unavailable" in caplog.text


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server on 127.0.0.1, if one is installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed; the Redis record is untested here")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.slow
def test_redis_record_is_shared_between_instances_and_expires(redis_url: str) -> None:
    first, second = RedisSeenEvents(redis_url, ttl=1), RedisSeenEvents(redis_url, ttl=1)
    try:
        assert first.first_time("EvR") is True
        assert second.first_time("EvR") is False  # another instance saw it
        deadline = time.monotonic() + 10
        while not second.first_time("EvR"):  # the key expires after its TTL
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        first.close()
        second.close()
