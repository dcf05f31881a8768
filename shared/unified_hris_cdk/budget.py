"""The API budget's moving window, remembering each call as a timestamp only.

The CDK's `MovingWindowCallRatePolicy` hands the request object itself to pyrate_limiter, which keeps
it for the whole window (about 850 bytes a call): memory grows with the calls of the last minute,
i.e. with the tenant when the limit is high (every call of a benchmark sync, limit lifted).
`CallCountingPolicy` gives pyrate_limiter a constant name instead: same limits, same waits.
"""

from __future__ import annotations

from typing import Any

from airbyte_cdk.sources.streams.call_rate import MovingWindowCallRatePolicy

#: What the window remembers of each call (the policies of the suite match every request).
_CALL = "call"


class CallCountingPolicy(MovingWindowCallRatePolicy):
    """`MovingWindowCallRatePolicy` for a policy without matchers (it applies to every request)."""

    def try_acquire(self, request: Any, weight: int) -> None:
        super().try_acquire(_CALL, weight)

    def __str__(self) -> str:
        """The rates only: the CDK formats the policy into a debug message before every call, even
        with debug logging off, and its text counts the window's calls each time."""
        rates = ", ".join(f"{rate.limit} per {rate.interval} ms" for rate in self._bucket.rates)
        return f"CallCountingPolicy(rates=[{rates}])"
