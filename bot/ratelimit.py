"""A per-user sliding-window rate limit (in process, thread-safe)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most ``limit`` requests per key in any ``window`` seconds; a limit of 0 disables it."""

    def __init__(self, limit: int, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def wait_time(self, key: str) -> float:
        """0 and count the request if ``key`` may go ahead, else the seconds until it may."""
        if self.limit <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            self._sweep(now)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                # Refusals are not counted, so waiting the time given always works.
                return max(hits[0] + self.window - now, 0.001)
            hits.append(now)
            return 0.0

    def __len__(self) -> int:
        """How many users the limiter is tracking."""
        with self._lock:
            return len(self._hits)

    def _sweep(self, now: float) -> None:
        # Forget users idle for a whole window, so memory stays bounded by recent users.
        if now - self._last_sweep < self.window:
            return
        self._last_sweep = now
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[key]
