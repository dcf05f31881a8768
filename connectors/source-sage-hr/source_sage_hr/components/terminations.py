"""Termination reasons without one call per leaver per sync.

``/terminated-employees`` lists leavers without the reason; only ``/terminated-employees/{id}`` has
it. `TerminationMemo` keeps, per leaver, a digest of their list entry with the reason and its type in
the ``employees`` stream state, so a sync calls the detail endpoint only for new leavers and leavers
whose list entry changed (about 50 bytes of state per leaver). `EmployeesCursor` is the shared
change-detection cursor plus that memo in its state.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, MutableMapping
from typing import Any

from unified_hris_cdk import ChangeDetectionCursor

STATE_KEY = "terminations"


class TerminationMemo:
    """``{employee id: [list-entry digest, reason, reason type]}`` carried from one sync to the next."""

    def __init__(self, saved: Any = None) -> None:
        entries = saved if isinstance(saved, Mapping) else {}
        self._saved = {
            str(k): list(v) for k, v in entries.items() if isinstance(v, list | tuple) and len(v) == 3
        }
        self._current: dict[str, list[Any]] = {}
        self._lock = threading.Lock()

    def get(self, employee_id: str, entry_digest: str) -> tuple[str | None, str | None] | None:
        """(reason, type) remembered for this exact list entry, or None when it must be fetched."""
        with self._lock:
            entry = self._current.get(employee_id) or self._saved.get(employee_id)
            if entry is None or entry[0] != entry_digest:
                return None
            self._current[employee_id] = entry
            return entry[1], entry[2]

    def put(self, employee_id: str, entry_digest: str, reason: str | None, kind: str | None) -> None:
        with self._lock:
            self._current[employee_id] = [entry_digest, reason, kind]

    def dump(self, complete: bool) -> dict[str, list[Any]]:
        """After a completed sync, the leavers it saw; before, the previous entries too (resumable)."""
        with self._lock:
            return dict(self._current) if complete else {**self._saved, **self._current}


class EmployeesCursor(ChangeDetectionCursor):
    """The change-detection cursor of ``employees`` (the manifest names it), whose state also carries the
    `TerminationMemo` the connector's factory hands it."""

    def __init__(self, *, memo: TerminationMemo, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.memo = memo

    def _state_locked(self) -> MutableMapping[str, Any]:
        state: MutableMapping[str, Any] = super()._state_locked()
        state[STATE_KEY] = self.memo.dump(complete=self._finalized)
        return state
