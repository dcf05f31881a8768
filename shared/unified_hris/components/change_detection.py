"""Change detection for snapshot APIs: incremental syncs for providers with no updated-since filter.

The stream is read in full (or, for date-windowed endpoints, the windows a look-back says may have
changed). Each normalised record's `record_hash` is compared with a compact fingerprint kept in the
stream state; only new or changed records are emitted, and ids that vanished from a listing that was
read completely are emitted once as tombstones.

State (JSON)::

    {"modified_at": "<start of the last completed sync>",
     "change_detection": {"v": 1, "prefix": "sage_hr:acme:employee:",
                          "scopes": {"<scope>": {"<remote_id>": "<16 hex of record_hash>"}}}}

A *scope* is what one slice lists completely: the partition (e.g. one employee of a fan-out) and,
for windowed streams, the window. Deletions are computed per scope, never across a scope that was not
read to the end, so a failed or interrupted partition cannot produce false deletions. Until a sync
completes, the state keeps every old fingerprint next to the new ones; only the completed sync
replaces them, in the same step that emits the tombstones. An interrupted sync therefore loses
nothing: the next run re-emits what was not checkpointed and still detects the deletions.

A partition router may skip partitions on purpose (a fan-out under a call budget): if it has
``set_last_sync(datetime | None)`` it learns when the last completed sync started before it yields
slices, and if it has ``retained_partitions()`` it reports the partitions it skipped; their scopes
keep their fingerprints (never deleted), whatever `unread_scopes` says for partitions that vanished.

Size: about 27 bytes per record (``"2107":"0123456789abcdef",``), i.e. ~270 KB per 10,000 records.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping, MutableMapping
from datetime import datetime, timedelta
from typing import Any, Literal

import orjson
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateBlob,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStreamState,
    StreamDescriptor,
    Type,
)
from airbyte_cdk.sources.message import MessageRepository
from airbyte_cdk.sources.streams.concurrent.cursor import Cursor, CursorField
from airbyte_cdk.sources.streams.concurrent.partitions.partition import Partition
from airbyte_cdk.sources.types import Record, StreamSlice

from unified_hris.conventions import sync_started_at, tombstone

logger = logging.getLogger("airbyte")

STATE_KEY = "change_detection"
CURSOR_FIELD = "modified_at"
HASH_CHARS = 16
UnreadScopes = Literal["delete", "retain"]
#: Least time between two mid-sync checkpoints of one stream. Every state carries all fingerprints,
#: so a checkpoint per slice would make a per-employee fan-out's output quadratic in its size.
#: The environment variable `CHECKPOINT_ENV` overrides it (tests use 0: a checkpoint per slice).
CHECKPOINT_SECONDS = 60.0
CHECKPOINT_ENV = "UNIFIED_HRIS_CHECKPOINT_SECONDS"


def checkpoint_seconds() -> float:
    """`CHECKPOINT_SECONDS`, or the non-negative number of seconds in the `CHECKPOINT_ENV` variable."""
    try:
        return max(0.0, float(os.environ[CHECKPOINT_ENV]))
    except (KeyError, ValueError):
        return CHECKPOINT_SECONDS


class DateWindows:
    """Date windows for a stream whose requests take a date range.

    With a `step`: a fixed grid from `start`, so window scopes match across syncs; an incremental sync
    re-reads the windows that end after ``last_sync - lookback``. Without a `step` (*since* mode, for
    APIs with an updated-since filter): one window from ``last_sync - lookback`` (or `start`) to `end`;
    such a listing is never complete, so it yields no deletions (the API must report them itself).
    """

    def __init__(
        self,
        start: datetime,
        end: datetime,
        step: timedelta | None,
        granularity: timedelta,
        lookback: timedelta,
        fmt: str,
    ) -> None:
        self.start, self.end, self.step, self.granularity, self.lookback, self.fmt = (
            start,
            end,
            step,
            granularity,
            lookback,
            fmt,
        )

    @property
    def complete_listing(self) -> bool:
        return self.step is not None

    def to_read(self, last_sync: datetime | None) -> list[tuple[datetime, datetime]]:
        floor = None if last_sync is None else last_sync.astimezone(self.start.tzinfo) - self.lookback
        if self.step is None:
            return [(self.start if floor is None else max(self.start, floor), self.end)]
        windows = []
        lo = self.start
        while lo <= self.end:
            hi = min(lo + self.step - self.granularity, self.end)
            if floor is None or hi >= floor:
                windows.append((lo, hi))
            lo = hi + self.granularity
        return windows

    def is_stale(self, window_start: str, now: datetime) -> bool:
        """True when a grid window will never be re-read: it ends before ``now - lookback``."""
        if self.step is None:
            return False
        start = datetime.strptime(window_start, self.fmt).replace(tzinfo=self.start.tzinfo)
        return start + self.step - self.granularity < now - self.lookback

    def slice_of(self, window: tuple[datetime, datetime]) -> dict[str, str]:
        return {"start_time": window[0].strftime(self.fmt), "end_time": window[1].strftime(self.fmt)}


def _scope_key(partition: Mapping[str, Any], window_start: str | None) -> str:
    parts = {k: v for k, v in partition.items() if k != "parent_slice"}
    if window_start is not None:
        parts["@window"] = window_start
    return "" if not parts else orjson.dumps(parts, option=orjson.OPT_SORT_KEYS).decode()


class ChangeDetectionCursor(Cursor):
    """A concurrent `Cursor` that emits only new or changed records and tombstones for vanished ids.

    It is its stream's slicer too: it yields the partition router's slices, times the windows when the
    stream is windowed. Records reach `should_be_synced` after the unified transformation (the CDK's
    client-side filter), which carries `remote_id`, `id` and `record_hash`.
    """

    def __init__(
        self,
        stream_name: str,
        message_repository: MessageRepository,
        stream_state: Mapping[str, Any] | None,
        partition_router: Any | None = None,
        windows: DateWindows | None = None,
        unread_scopes: UnreadScopes = "delete",
    ) -> None:
        self._stream_name = stream_name
        self._message_repository = message_repository
        self._partition_router = partition_router
        self._windows = windows
        self._unread_scopes = unread_scopes
        self._lock = threading.Lock()
        self._started_at = sync_started_at()

        state = dict(stream_state or {})
        body = state.get(STATE_KEY) or {}
        self._last_sync: str | None = state.get(CURSOR_FIELD)
        self._prefix: str | None = body.get("prefix")
        # The state's own maps, never changed in place (memory flat in tenant size: no copies).
        self._old: dict[str, dict[str, str]] = dict(body.get("scopes") or {})
        self._old_by_rid: dict[str, str] = next(iter(self._old.values())) if len(self._old) == 1 else {}
        if len(self._old) > 1:
            for entries in self._old.values():
                self._old_by_rid.update(entries)

        # remote_id -> hash last emitted in this sync ("" when seen but not emitted): de-duplication
        # within the sync, and the ids a complete listing still has (one map: its size is the tenant's)
        self._seen: dict[str, str] = {}
        self._pending: dict[str, dict[str, str]] = {}  # scope -> entries of the slice being read
        self._committed: dict[str, dict[str, str]] = {}  # scopes read completely in this sync
        self._planned_scopes: set[str] = set()
        self._retained_scopes: set[str] = set()  # scopes the router skipped on purpose
        self._planned_windows: set[str] | None = None
        self._slices_generated = 0
        self._slices_closed = 0
        self._generation_done = False
        self._finalized = False
        self._last_checkpoint = float("-inf")
        self._checkpoint_every = checkpoint_seconds()

    # -- Cursor interface -------------------------------------------------------------------
    @property
    def cursor_field(self) -> CursorField:
        return CursorField(CURSOR_FIELD)

    @property
    def state(self) -> MutableMapping[str, Any]:
        with self._lock:
            return self._state_locked()

    def stream_slices(self) -> Iterable[StreamSlice]:
        last = datetime.fromisoformat(self._last_sync.replace("Z", "+00:00")) if self._last_sync else None
        windows = self._windows.to_read(last) if self._windows else [None]
        if self._windows:
            self._planned_windows = {self._windows.slice_of(w)["start_time"] for w in windows if w}
        if hasattr(self._partition_router, "set_last_sync"):
            self._partition_router.set_last_sync(last)
        partitions = (
            self._partition_router.stream_slices()
            if self._partition_router
            else [StreamSlice(partition={}, cursor_slice={})]
        )
        for partition in partitions:
            for window in windows:
                cursor_slice = self._windows.slice_of(window) if self._windows and window else {}
                with self._lock:
                    self._planned_scopes.add(_scope_key(partition.partition, cursor_slice.get("start_time")))
                    self._slices_generated += 1
                yield StreamSlice(
                    partition=partition.partition,
                    cursor_slice=cursor_slice,
                    extra_fields=partition.extra_fields,
                )
        retained = getattr(self._partition_router, "retained_partitions", None)
        starts = [self._windows.slice_of(w)["start_time"] for w in windows if w] if self._windows else [None]
        with self._lock:
            if retained is not None:
                self._retained_scopes = {_scope_key(p, start) for p in retained() for start in starts}
            self._generation_done = True
            self._maybe_finalize_locked()

    def should_be_synced(self, record: Record) -> bool:
        data = record.data
        rid = str(data["remote_id"])
        digest = str(data["record_hash"])[:HASH_CHARS]
        stream_slice = record.associated_slice or StreamSlice(partition={}, cursor_slice={})
        scope = _scope_key(stream_slice.partition, stream_slice.cursor_slice.get("start_time"))
        with self._lock:
            if self._prefix is None or not data["id"].startswith(self._prefix):
                self._adopt_prefix_locked(data["id"][: len(data["id"]) - len(rid)])
            old = self._old_by_rid.get(rid)
            if old == digest:
                digest = old  # keep one string for an unchanged fingerprint, not two
            self._pending.setdefault(scope, {})[rid] = digest
            if self._seen.get(rid) == digest or old == digest:
                self._seen.setdefault(rid, "")
                return False
            self._seen[rid] = digest
            return True

    def observe(self, record: Record) -> None:
        """Nothing to do: the decision and the fingerprint were taken in `should_be_synced`."""

    def close_partition(self, partition: Partition) -> None:
        stream_slice = partition.to_slice() or StreamSlice(partition={}, cursor_slice={})
        scope = _scope_key(
            stream_slice.partition if isinstance(stream_slice, StreamSlice) else stream_slice,
            stream_slice.cursor_slice.get("start_time") if isinstance(stream_slice, StreamSlice) else None,
        )
        with self._lock:
            self._committed[scope] = self._pending.pop(scope, {})
            self._slices_closed += 1
            if not self._maybe_finalize_locked() and (
                time.monotonic() - self._last_checkpoint >= self._checkpoint_every
            ):
                self._emit_state_locked()

    def ensure_at_least_one_state_emitted(self) -> None:
        with self._lock:
            if not self._finalized:
                # Some partition failed or the stream had no slices: keep every old fingerprint.
                if self._slices_generated == 0 and self._generation_done:
                    self._maybe_finalize_locked()
                    return
                self._emit_state_locked()

    # -- internals --------------------------------------------------------------------------
    def _adopt_prefix_locked(self, prefix: str) -> None:
        if self._prefix is not None and self._prefix != prefix:
            logger.info(
                "Stream %s: records now belong to a different source or tenant; previous fingerprints are discarded.",
                self._stream_name,
            )
            self._old, self._old_by_rid = {}, {}
        self._prefix = prefix

    def _maybe_finalize_locked(self) -> bool:
        if self._finalized or not self._generation_done or self._slices_closed < self._slices_generated:
            return False
        self._finalized = True
        deleted = self._deleted_locked()
        for rid in sorted(deleted):
            self._emit_tombstone_locked(rid)
        new_scopes = {
            scope: entries
            for scope, entries in self._committed.items()
            if entries and not self._stale_window(scope)
        }
        for scope, entries in self._old.items():
            if scope in self._planned_scopes or self._window_outside_plan(scope):
                continue
            if self._unread_scopes == "retain" or scope in self._retained_scopes:
                new_scopes[scope] = entries
        self._old = new_scopes
        self._committed = {}
        self._last_sync = self._started_at
        self._emit_state_locked()
        return True

    def _stale_window(self, scope: str) -> bool:
        if self._windows is None or not scope:
            return False
        window = orjson.loads(scope).get("@window")
        started = datetime.fromisoformat(self._started_at.replace("Z", "+00:00"))
        return window is not None and self._windows.is_stale(window, started)

    def _window_outside_plan(self, scope: str) -> bool:
        if self._planned_windows is None or not scope:
            return False
        window = orjson.loads(scope).get("@window")
        return window is not None and window not in self._planned_windows

    def _deleted_locked(self) -> set[str]:
        """Ids of the old state that a completely read scope no longer lists, or whose scope vanished
        (its parent is gone) when unread scopes count as deleted."""
        deleted: set[str] = set()
        if self._windows is not None and not self._windows.complete_listing:
            return deleted
        for scope, entries in self._old.items():
            read_completely = scope in self._committed
            vanished = (
                self._unread_scopes == "delete"
                and scope not in self._planned_scopes
                and scope not in self._retained_scopes
                and not self._window_outside_plan(scope)
            )
            if read_completely or vanished:
                deleted.update(rid for rid in entries if rid not in self._seen)
        return deleted

    def _emit_tombstone_locked(self, rid: str) -> None:
        if self._prefix is None:
            return
        data = tombstone(self._prefix + rid, self._started_at)
        self._message_repository.emit_message(
            AirbyteMessage(
                type=Type.RECORD,
                record=AirbyteRecordMessage(stream=self._stream_name, data=data, emitted_at=_now_ms()),
            )
        )

    def _state_locked(self) -> dict[str, Any]:
        scopes = dict(self._old)
        if not self._finalized:
            for scope, entries in self._committed.items():
                scopes[scope] = {**scopes[scope], **entries} if scope in scopes else entries
        state: dict[str, Any] = {STATE_KEY: {"v": 1, "prefix": self._prefix, "scopes": scopes}}
        if self._last_sync:
            state[CURSOR_FIELD] = self._last_sync
        return state

    def _emit_state_locked(self) -> None:
        self._last_checkpoint = time.monotonic()
        self._message_repository.emit_message(
            AirbyteMessage(
                type=Type.STATE,
                state=AirbyteStateMessage(
                    type=AirbyteStateType.STREAM,
                    stream=AirbyteStreamState(
                        stream_descriptor=StreamDescriptor(name=self._stream_name),
                        stream_state=AirbyteStateBlob(**self._state_locked()),
                    ),
                ),
            )
        )


def _now_ms() -> int:
    return int(datetime.now().timestamp() * 1000)
