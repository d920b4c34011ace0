"""Remember which Slack events were handled, so Slack's retries are not answered twice."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

# Slack retries a delivery three times over about five minutes; an hour is ample.
DEFAULT_TTL_SECONDS = 3600


class SeenEvents(Protocol):
    """A record of handled keys (Slack event ids)."""

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is seen within the TTL, False after that."""
        ...


class MemorySeenEvents:
    """In-process record with a TTL and a size cap; enough for a single instance."""

    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._max_keys = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is seen within the TTL, False after that."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            if key in self._seen:
                return False
            self._seen[key] = now + self._ttl
            return True

    def _expire(self, now: float) -> None:
        # Keys are inserted in time order, so expired ones are at the front.
        while self._seen:
            key, expires = next(iter(self._seen.items()))
            if expires > now and len(self._seen) < self._max_keys:
                break
            del self._seen[key]


class RedisSeenEvents:
    """Shared record in Redis (SET NX with a TTL), for several instances behind one URL."""

    def __init__(self, url: str, ttl: int = DEFAULT_TTL_SECONDS,
                 prefix: str = "evidence-bot:event:", client: Any = None) -> None:
        if client is None:
            import redis  # imported lazily: only needed when REDIS_URL is set

            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._redis = client
        self._ttl = ttl
        self._prefix = prefix

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is seen within the TTL; True too if Redis is down."""
        try:
            return bool(self._redis.set(self._prefix + key, b"1", nx=True, ex=self._ttl))
        except Exception as err:  # noqa: BLE001 - answering twice beats not answering
            log.warning("Redis unavailable for event de-duplication (%s)", type(err).__name__)
            return True

    def close(self) -> None:
        """Close the connection pool."""
        self._redis.close()


def seen_events_for(redis_url: str | None) -> SeenEvents:
    """Redis-backed when a URL is configured, in memory otherwise."""
    return RedisSeenEvents(redis_url) if redis_url else MemorySeenEvents()
