"""Per-response latency: a fixed delay plus seeded jitter, the same sequence of delays for a seed."""

from __future__ import annotations

import random
import threading
from typing import Any

#: The options every provider sandbox accepts for latency (milliseconds; the seed of the jitter).
OPTIONS = ("latency_ms", "jitter_ms", "latency_seed")


class Latency:
    """The n-th response served waits ``fixed + jitter * u_n`` seconds, where ``u_n`` is the n-th draw
    of ``random.Random(seed)`` in [0, 1): the delays are the same sequence for a seed whatever the
    requests are (concurrent requests take the next delay in the order they are answered)."""

    def __init__(self, fixed: float, jitter: float = 0.0, seed: int = 0) -> None:
        if fixed < 0 or jitter < 0:
            raise ValueError("latency_ms and jitter_ms must be at least 0")
        self.fixed = fixed
        self.jitter = jitter
        self.seed = seed
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def next_delay(self) -> float:
        with self._lock:
            return self.fixed + self.jitter * self._random.random()

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Latency | None:
        """Pop the latency options from a provider's `options`; None when there is no latency."""
        fixed = float(options.pop("latency_ms", 0) or 0) / 1000
        jitter = float(options.pop("jitter_ms", 0) or 0) / 1000
        seed = int(options.pop("latency_seed", 0) or 0)
        return cls(fixed, jitter, seed) if fixed or jitter else None
