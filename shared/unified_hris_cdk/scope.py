"""What one sync fetches once and shares between its streams: the `SyncScope`.

The component factory holds one scope per build of a source's streams (`factory.UnifiedComponentFactory
.scope`, renewed by `new_build`; the factories the CDK creates for parent streams get the same one) and
hands it to every custom component that declares a ``scope`` field. A component asks it for a value with
`SyncScope.once`: the first caller computes it, callers asking for the same key meanwhile wait for that
result, later ones read it. Partitions run on several threads; each key has a lock of its own, so a slow
fetch only holds up the callers that need the same value. The list cache (`list_cache.ListCache`), the
tenant a connector reads from the API, an employee directory, each employee's contract periods: one
key each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

T = TypeVar("T")


class _Closeable(Protocol):
    def close(self) -> None: ...


class SyncScope:
    """Values computed at most once per build of a source's streams, by key."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        #: key -> (value, None) or (None, the error its computation raised)
        self._outcomes: dict[str, tuple[Any, Exception | None]] = {}
        self._pending: dict[str, threading.Lock] = {}

    def once(self, key: str, compute: Callable[[], T], *, remember_error: bool = False) -> T:
        """The value of `key`, computed by `compute` the first time it is asked for. A failed
        computation raises to its caller; with `remember_error` its error is kept and raised to every
        later caller too (a failed fetch is not repeated), else the next caller computes again."""
        with self._guard:
            outcome = self._outcomes.get(key)
            lock = None if outcome is not None else self._pending.setdefault(key, threading.Lock())
        if lock is not None:
            with lock:
                with self._guard:
                    outcome = self._outcomes.get(key)
                if outcome is None:
                    outcome = self._compute(key, compute, remember_error)
        value, error = outcome
        if error is not None:
            raise error
        return cast(T, value)

    def _compute(self, key: str, compute: Callable[[], Any], remember_error: bool) -> tuple[Any, None]:
        try:
            outcome: tuple[Any, Any] = (compute(), None)
        except Exception as error:
            if remember_error:
                with self._guard:
                    self._outcomes[key] = (None, error)
                    self._pending.pop(key, None)
            raise
        with self._guard:
            self._outcomes[key] = outcome
            self._pending.pop(key, None)
        return outcome

    def close(self) -> None:
        """Close every value that can be closed (the list cache removes its folder); the scope is empty
        afterwards."""
        with self._guard:
            values = [value for value, _ in self._outcomes.values()]
            self._outcomes.clear()
        for value in values:
            if hasattr(value, "close"):
                cast(_Closeable, value).close()
