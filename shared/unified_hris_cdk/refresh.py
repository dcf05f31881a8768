"""The refresh budget: how many employees an incremental sync re-checks per stream when the API cannot
say whose per-employee data changed.

A per-employee call (an employee's compensations, custom fields, balances...) is needed when the
employee is new, when their list record changed, or to catch a change the list record does not show.
`RefreshPlan` re-checks at most ``budget`` employees (keys) per sync: first new and changed ones (their
list record's digest differs from the one the state remembers), then the least recently checked
ones. The others are not called: their records keep their fingerprints (never re-sent, never reported
deleted). The state remembers, per key, when it was last checked and the digest it had, so with N keys
every key is re-checked at least once every ⌈N / budget⌉ unchanged syncs: the staleness bound the
connector READMEs state.

The plan is off (every key is read) on a full refresh, on a sync the change-detection cursor reads in
full (no usable state), and when the budget is 0. Saved state: ``{key: "<epoch seconds>:<digest>"}``.
"""

from __future__ import annotations

import enum
import hashlib
import heapq
import threading
from collections.abc import Mapping
from typing import Any

import orjson
from unified_hris.conventions import run_started_at

#: The key of a partition's ``extra_fields`` with the digest of the parent record it was made from.
PARENT_DIGEST = "parent_digest"
#: The key of a partition's ``extra_fields`` naming its parent, when a parent has several partitions
#: (the budget then counts parents: one employee's areas are re-checked together).
REFRESH_KEY = "refresh_key"


def digest(record: Mapping[str, Any]) -> str:
    """16 hex characters of the sha256 of a record's canonical JSON."""
    return hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


class Due(enum.Enum):
    NOW = "new or changed, or the plan is off"
    UNCHANGED = "unchanged: read only if among the least recently checked, while the budget lasts"


def _checked_at(entry: str) -> int:
    head, _, _ = entry.partition(":")
    return int(head) if head.isdigit() else 0


class RefreshPlan:
    """Which keys one sync re-checks, and when each key was last checked (see the module doc)."""

    def __init__(self, saved: Any = None, now: int | None = None) -> None:
        entries = saved if isinstance(saved, Mapping) else {}
        self._saved = {str(k): v for k, v in entries.items() if isinstance(v, str) and ":" in v}
        self._current: dict[str, str] = {}
        self._lock = threading.Lock()
        self._now = int(run_started_at().timestamp()) if now is None else now
        self.budget = 0
        self._active = False
        self._oldest: frozenset[str] = frozenset()
        self._spent = 0

    def start(self, incremental: bool, budget: int) -> None:
        """Called by the stream's cursor before its first slice: whether the plan limits this sync."""
        with self._lock:
            self.budget = max(0, int(budget))
            self._active = incremental and self.budget > 0
            self._spent = 0
            ranked = ((_checked_at(v), k) for k, v in self._saved.items())
            self._oldest = (
                frozenset(key for _, key in heapq.nsmallest(self.budget, ranked)) if self._active else frozenset()
            )

    def due(self, key: str, record_digest: str) -> Due:
        if not self._active:
            return Due.NOW
        saved = self._saved.get(key)
        if saved is None or saved.partition(":")[2] != record_digest:
            return Due.NOW
        return Due.UNCHANGED

    def rank(self, key: str) -> tuple[int, str]:
        """Sort key of an unchanged key: least recently checked first (then by key)."""
        return _checked_at(self._saved.get(key, "0:")), key

    def spend(self) -> bool:
        """Take one call from the budget: False when it is spent (always True when the plan is off)."""
        with self._lock:
            if not self._active:
                return True
            if self._spent >= self.budget:
                return False
            self._spent += 1
            return True

    def wants(self, key: str, record_digest: str) -> bool:
        """Whether to make the call for `key` now, taking it from the budget, for callers that decide one
        key at a time as they read a list: new and changed keys, and the `budget` least recently checked
        keys of the state, in list order. A key not wanted keeps its last check (`kept`)."""
        due = self.due(key, record_digest)
        if (due is Due.NOW or key in self._oldest) and self.spend():
            return True
        self.kept(key)
        return False

    def checked(self, key: str, record_digest: str) -> None:
        """`key` was read whole this sync, with this digest."""
        with self._lock:
            self._current[key] = f"{self._now}:{record_digest}"

    def kept(self, key: str) -> None:
        """`key` was not read this sync: it keeps its last check (a key never checked stays unknown)."""
        with self._lock:
            if key in self._saved and key not in self._current:
                self._current[key] = self._saved[key]

    def dump(self, complete: bool) -> dict[str, str]:
        """After a completed sync, the keys it saw; before, the previous ones too (resumable)."""
        with self._lock:
            return dict(self._current) if complete else {**self._saved, **self._current}
