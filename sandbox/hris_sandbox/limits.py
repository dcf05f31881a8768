"""A sliding-window request limiter, for providers that cap calls per client or per company."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class SlidingWindowLimiter:
    """At most `limit` requests per `window` seconds per key; `hit` says whether a request may pass
    and, when not, how many seconds until it would."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._calls: dict[str, deque[float]] = defaultdict(deque)

    def hit(self, key: str) -> tuple[bool, float]:
        now = time.monotonic()
        with self._lock:
            calls = self._calls[key]
            while calls and now - calls[0] >= self.window:
                calls.popleft()
            if len(calls) >= self.limit:
                return False, self.window - (now - calls[0])
            calls.append(now)
            return True, 0.0
