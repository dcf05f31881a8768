"""Change detection for snapshot APIs: incremental syncs for providers with no updated-since filter.

The stream is read in full (or, for date-windowed endpoints, the windows a look-back says may have
changed). Each normalised record's `record_hash` is compared with a compact fingerprint kept in the
stream state; only new or changed records are emitted, and ids that vanished from a listing that was
read completely are emitted once as tombstones.

The state's format is in `state_codec`.

A *scope* is what one slice lists completely: the partition (e.g. one employee of a fan-out) and,
for windowed streams, the window. Deletions are computed per scope, never across a scope that was not
read to the end, so a failed or interrupted partition cannot produce false deletions. Until a sync
completes, the state keeps every old fingerprint next to the new ones; only the completed sync
replaces them, in the same step that emits the tombstones. An interrupted sync therefore loses
nothing: the next run re-emits what was not checkpointed and still detects the deletions.

What the cursor refuses to take as the truth:

- *skipped reads* (`unified_hris_cdk.skips`): a partition whose listing could not be read
  keeps its fingerprints and yields no deletions; a record that could not be completed keeps its
  last fingerprint;
- *mass deletions* (`unified_hris_cdk.deletion_guard`): a completed sync whose tombstones
  exceed the guard's limit fails the stream instead, with no tombstone and the state unchanged;
- *a state from elsewhere*: the state records its origin (source and tenant) and the config facts
  that scope the reads (the start date). Another origin, other facts, or a cursor after this run's
  start make the stream read in full (not from the cursor), with a log line saying why; another
  origin's fingerprints are dropped (its records are neither re-sent nor reported deleted).

A partition router may skip partitions on purpose (a fan-out under a call budget): if it has
``set_last_sync(datetime | None)`` it learns when the last completed sync started before it yields
slices, if it has ``set_known_partitions(callable)`` it can ask whether the state holds a partition
(a partition it has no fingerprints for must be read, whatever the reason it was never stored), and
if it has ``retained_partitions()`` it reports the partitions it skipped; their scopes keep their
fingerprints (never deleted), whatever `unread_scopes` says for partitions that vanished.

A refresh budget (`unified_hris_cdk.refresh`) limits the parents whose partitions an incremental sync
reads: a partition whose ``extra_fields`` carry the digest of its parent record (``parent_digest``: an
employee's list record; ``refresh_key`` names the parent when it has several partitions) is read when
its parent is new or changed, or among the least recently checked, while the budget lasts; the others
keep their fingerprints as retained partitions.
Custom components of the same stream may spend the same plan (per-employee calls inside an
extractor); the state carries it as ``checked``.

Memory: the previous state's packed strings, one 64-bit hash per old fingerprint, and one entry per
id seen in this sync (hashes, not strings).
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from datetime import datetime
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
from unified_hris.conventions import (
    format_timestamp,
    parse_timestamp,
    run_started_at,
    sync_started_at,
    tombstone,
)

from unified_hris_cdk import environment
from unified_hris_cdk.deletion_guard import DeletionGuard
from unified_hris_cdk.fingerprint_sets import PendingScope, SortedHashes
from unified_hris_cdk.refresh import PARENT_DIGEST, REFRESH_KEY, Due, RefreshPlan
from unified_hris_cdk.skips import MARKER, PREFIX
from unified_hris_cdk.state_codec import (
    CURSOR_FIELD,
    HASH_CHARS,
    SEP,
    STATE_KEY,
    STATE_VERSION,
    entry_id,
    escape_id,
    iter_entries,
    merged,
    origin_of_prefix,
    packed_scopes,
    unescape_id,
)
from unified_hris_cdk.windows import DateWindows

logger = logging.getLogger("airbyte")

_UNSEEN = -1  # hash() never returns -1
UnreadScopes = Literal["delete", "retain"]
#: Least time from the start of a sync to its first mid-sync checkpoint, and between two of them.
#: Every state carries all fingerprints, so a checkpoint per slice would make a per-employee
#: fan-out's output quadratic in its size.
#: The environment variable `CHECKPOINT_ENV` overrides it (tests use 0: a checkpoint per slice).
CHECKPOINT_SECONDS = 60.0
CHECKPOINT_ENV = "UNIFIED_HRIS_CHECKPOINT_SECONDS"


def checkpoint_seconds() -> float:
    """`CHECKPOINT_SECONDS`, or the non-negative number of seconds in the `CHECKPOINT_ENV` variable."""
    return environment.seconds(CHECKPOINT_ENV, CHECKPOINT_SECONDS)


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

    `origin` says which source and tenant this sync reads (``sage_hr:acme``; asked once, before the
    first slice, as it may cost a call), `facts` the config values that scope the reads; `guard`
    limits the deletions one sync may report; `keep_empty_scopes` stores scopes read empty too (a
    fan-out that skips known partitions then does not read an empty one again); `refresh_plan` and
    `refresh_budget` limit the partitions (and per-employee calls) of an incremental sync.
    """

    def __init__(
        self,
        stream_name: str,
        message_repository: MessageRepository,
        stream_state: Mapping[str, Any] | None,
        partition_router: Any | None = None,
        windows: DateWindows | None = None,
        unread_scopes: UnreadScopes = "delete",
        origin: Callable[[], str] | None = None,
        facts: Mapping[str, Any] | None = None,
        guard: DeletionGuard | None = None,
        keep_empty_scopes: bool = False,
        refresh_plan: RefreshPlan | None = None,
        refresh_budget: int = 0,
    ) -> None:
        self._stream_name = stream_name
        self._message_repository = message_repository
        self._partition_router = partition_router
        self._windows = windows
        self._unread_scopes = unread_scopes
        self._origin_of = origin
        self._facts = dict(facts or {})
        self._guard = guard
        self._keep_empty = keep_empty_scopes
        self._refresh_budget = refresh_budget
        self._lock = threading.Lock()
        self._run_start = format_timestamp(run_started_at())

        state = dict(stream_state or {})
        body = state.get(STATE_KEY) or {}
        self._last_sync: str | None = state.get(CURSOR_FIELD)
        self._prefix: str | None = body.get("prefix")
        self._state_origin: str | None = body.get("origin") or origin_of_prefix(self._prefix)
        self._state_facts: Mapping[str, Any] | None = body.get("facts")
        self._origin: str | None = None
        # scope -> packed entries of the previous sync, and the hash of every old ``erid:digest``
        self._old: dict[str, str] = packed_scopes(body.get("scopes") or {})
        self._old_hashes = SortedHashes(hash(e) for packed in self._old.values() for e in iter_entries(packed))
        self.refresh_plan = refresh_plan or RefreshPlan(body.get("checked"))
        # scope -> (refresh key, parent digest) of a budgeted partition being read
        self._digests: dict[str, tuple[str, str]] = {}

        # hash(erid) -> hash of the entry last emitted in this sync (None when seen but not emitted):
        # de-duplication within the sync, and the ids a complete listing still has
        self._seen: dict[int, int | None] = {}
        # hash of each entry whose record `should_be_synced` passed and the CDK has not queued yet
        # (`observe`): a checkpoint leaves them out, or a kill between the two would lose the record
        self._in_flight: dict[int, int] = {}
        self._pending: dict[str, PendingScope] = {}  # scope -> entries of the slice being read
        self._committed: dict[str, str] = {}  # scope -> packed entries of the scopes read (see _partial)
        self._partial: set[str] = set()  # committed scopes whose listing was skipped: no deletions
        self._skipped: set[str] = set()  # scopes a skip marker reached while they were read
        self._planned_scopes: set[str] = set()
        self._retained_scopes: set[str] = set()  # scopes the router skipped on purpose
        self._planned_windows: set[str] | None = None
        self._slices_generated = 0
        self._slices_closed = 0
        self._generation_done = False
        self._finalized = False
        self._blocked = False  # the deletion guard refused this sync's tombstones
        self._last_checkpoint = time.monotonic()  # the first checkpoint after a minute, too
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
        origin = self._origin_of() if self._origin_of else None
        with self._lock:
            self._bind_origin_locked(origin)
        last = parse_timestamp(self._last_sync) if self._last_sync else None
        windows = self._windows.to_read(last) if self._windows else [None]
        if self._windows:
            self._planned_windows = {self._windows.slice_of(w)["start_time"] for w in windows if w}
        if hasattr(self._partition_router, "set_last_sync"):
            self._partition_router.set_last_sync(last)
        if hasattr(self._partition_router, "set_known_partitions"):
            known = frozenset(self._old)
            self._partition_router.set_known_partitions(
                lambda partition: _scope_key(partition, None) in known
            )
        partitions = (
            self._partition_router.stream_slices()
            if self._partition_router
            else [StreamSlice(partition={}, cursor_slice={})]
        )
        self.refresh_plan.start(self._last_sync is not None, self._refresh_budget)
        not_read: list[Mapping[str, Any]] = []
        for partition in self._refreshed(partitions, not_read):
            yield from self._planned_slices(partition, windows)
        if not_read:
            logger.info(
                "Stream %s: %d partition(s) not re-checked this sync (refresh budget %d spent); their records "
                "are kept as they were.",
                self._stream_name,
                len(not_read),
                self.refresh_plan.budget,
            )
        retained = getattr(self._partition_router, "retained_partitions", None)
        starts = [self._windows.slice_of(w)["start_time"] for w in windows if w] if self._windows else [None]
        with self._lock:
            kept = [*(retained() if retained is not None else []), *not_read]
            self._retained_scopes = {_scope_key(p, start) for p in kept for start in starts}
            self._generation_done = True
            self._maybe_finalize_locked()

    def _refreshed(self, partitions: Iterable[StreamSlice], not_read: list[Mapping[str, Any]]) -> Iterable[StreamSlice]:
        """The partitions the refresh budget lets through (all of them when it is off); the others go to
        `not_read`. A partition with a ``parent_digest`` is decided by its parent's ``refresh_key`` (all
        partitions of one employee together; its scope when there is none): new and changed parents as
        they come, then, after the listing, the least recently checked of the unchanged ones (kept in a
        heap of at most the budget's size), while the budget lasts."""
        plan = self.refresh_plan
        decided: dict[str, bool] = {}
        waiting: dict[str, list[tuple[str, StreamSlice]]] = {}  # unchanged parents that may be read
        heap: list[tuple[int, _Descending]] = []  # the most recently checked of them on top
        for partition in partitions:
            extra = partition.extra_fields or {}
            parent_digest = extra.get(PARENT_DIGEST) if self._windows is None else None
            if parent_digest is None:
                yield partition
                continue
            key = str(extra.get(REFRESH_KEY) or _scope_key(partition.partition, None))
            if key in waiting:
                waiting[key].append((parent_digest, partition))
                continue
            if key not in decided:
                if plan.due(key, parent_digest) is Due.UNCHANGED:
                    at, _ = plan.rank(key)
                    heapq.heappush(heap, (-at, _Descending(key)))
                    waiting[key] = [(parent_digest, partition)]
                    if len(heap) > plan.budget:  # checked more recently than the budget reaches
                        dropped = str(heapq.heappop(heap)[1])
                        decided[dropped] = False
                        plan.kept(dropped)
                        yield from self._take(False, dropped, waiting.pop(dropped), not_read)
                    continue
                decided[key] = plan.spend()
                if not decided[key]:
                    plan.kept(key)
            yield from self._take(decided[key], key, [(parent_digest, partition)], not_read)
        for key in sorted(waiting, key=plan.rank):
            read = plan.spend()
            if not read:
                plan.kept(key)
            yield from self._take(read, key, waiting[key], not_read)

    def _take(
        self,
        read: bool,
        key: str,
        partitions: list[tuple[str, StreamSlice]],
        not_read: list[Mapping[str, Any]],
    ) -> Iterable[StreamSlice]:
        for parent_digest, partition in partitions:
            if not read:
                not_read.append(partition.partition)
                continue
            with self._lock:
                self._digests[_scope_key(partition.partition, None)] = (key, parent_digest)
            yield partition

    def _planned_slices(self, partition: StreamSlice, windows: list[Any]) -> Iterable[StreamSlice]:
        """The slices of one partition (times the windows), counted as planned."""
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

    def should_be_synced(self, record: Record) -> bool:
        data = record.data
        stream_slice = record.associated_slice or StreamSlice(partition={}, cursor_slice={})
        scope = _scope_key(stream_slice.partition, stream_slice.cursor_slice.get("start_time"))
        if MARKER in data:
            with self._lock:
                self._take_marker_locked(scope, data)
            return False
        rid = str(data["remote_id"])
        erid = escape_id(rid)
        entry = f"{erid}:{str(data['record_hash'])[:HASH_CHARS]}"
        key, entry_hash = hash(erid), hash(entry)
        with self._lock:
            if self._prefix is None or not data["id"].startswith(self._prefix):
                self._adopt_prefix_locked(data["id"][: len(data["id"]) - len(rid)])
            pending = self._pending.get(scope) or self._pending.setdefault(scope, PendingScope())
            pending.add(entry)
            seen = self._seen.get(key, _UNSEEN)
            if seen != _UNSEEN:
                pending.repeats = True
            if seen == entry_hash or entry_hash in self._old_hashes:
                self._seen.setdefault(key, None)
                return False
            self._seen[key] = entry_hash
            self._in_flight[entry_hash] = self._in_flight.get(entry_hash, 0) + 1
            return True

    def observe(self, record: Record) -> None:
        """The record is on the CDK's output queue (it calls this right after): its entry may be
        checkpointed now. (The decision and the fingerprint were taken in `should_be_synced`.)"""
        data = record.data
        if MARKER in data:
            return
        entry_hash = hash(f"{escape_id(str(data['remote_id']))}:{str(data['record_hash'])[:HASH_CHARS]}")
        with self._lock:
            left = self._in_flight.get(entry_hash, 0) - 1
            if left > 0:
                self._in_flight[entry_hash] = left
            else:
                self._in_flight.pop(entry_hash, None)

    def close_partition(self, partition: Partition) -> None:
        stream_slice = partition.to_slice() or StreamSlice(partition={}, cursor_slice={})
        scope = _scope_key(
            stream_slice.partition if isinstance(stream_slice, StreamSlice) else stream_slice,
            stream_slice.cursor_slice.get("start_time") if isinstance(stream_slice, StreamSlice) else None,
        )
        with self._lock:
            pending = self._pending.pop(scope, None)
            packed = pending.packed() if pending else ""
            if scope in self._skipped:
                # the listing was not read: what the state knew stays, with what was read of it
                packed = merged(self._old.get(scope, ""), packed)
                self._partial.add(scope)
            self._committed[scope] = packed
            refreshed = self._digests.pop(scope, None)
            if refreshed is not None:
                if scope in self._skipped:
                    self.refresh_plan.kept(refreshed[0])
                else:
                    self.refresh_plan.checked(*refreshed)
            self._slices_closed += 1
            if not self._maybe_finalize_locked() and (
                time.monotonic() - self._last_checkpoint >= self._checkpoint_every
            ):
                self._emit_state_locked()

    def ensure_at_least_one_state_emitted(self) -> None:
        with self._lock:
            if not self._finalized:
                # Some partition failed or the stream had no slices: keep every old fingerprint.
                if self._slices_generated == 0 and self._generation_done and not self._blocked:
                    self._maybe_finalize_locked()
                    return
                self._emit_state_locked()

    # -- internals --------------------------------------------------------------------------
    def _bind_origin_locked(self, origin: str | None) -> None:
        """Decide, before the first slice, whether the state may steer this sync (see the module doc)."""
        self._origin = origin
        if not self._last_sync and not self._old:
            return
        if origin is not None and self._state_origin not in (None, origin):
            logger.warning(
                "Stream %s: the state comes from %s, but this sync reads %s (another tenant or connector). "
                "The stream is read in full; the other tenant's records are neither sent again nor reported "
                "deleted.",
                self._stream_name,
                self._state_origin,
                origin,
            )
            self._last_sync, self._prefix, self._state_origin = None, None, origin
            self._old, self._old_hashes = {}, SortedHashes(())
            return
        reason = self._full_read_reason()
        if reason and self._last_sync:
            logger.warning(
                "Stream %s: %s, so it is read in full this time (records already sent are not sent again).",
                self._stream_name,
                reason,
            )
            self._last_sync = None

    def _full_read_reason(self) -> str | None:
        if self._state_facts is None and self._state_origin is None:
            return "the state does not say which tenant and settings it was made with"
        # a state of an earlier version (no facts) of this very origin is taken as made with these
        changed = sorted(
            k for k in self._facts if (self._state_facts or self._facts).get(k) != self._facts[k]
        )
        if changed:
            return (
                ", ".join(
                    f"'{k}' changed from {(self._state_facts or {}).get(k)!r} to {self._facts[k]!r}"
                    for k in changed
                )
                + " since the last sync"
            )
        if self._last_sync and parse_timestamp(self._last_sync) > parse_timestamp(self._run_start):
            return (
                f"the state's cursor ({self._last_sync}) is after the start of this sync ({self._run_start}): "
                "the clock of the previous sync was ahead, or the state is not this connection's"
            )
        return None

    def _take_marker_locked(self, scope: str, marker: Mapping[str, Any]) -> None:
        """A skip marker: the whole scope (`skips.skipped_partition`), one record (`skips.kept_record`)
        or the records whose id starts with a prefix (`skips.kept_records`)."""
        rid, prefix = marker.get("remote_id"), marker.get(PREFIX)
        if rid is None and prefix is None:
            self._skipped.add(scope)
            return
        erid = escape_id(str(rid)) if rid is not None else None
        head = f"{erid}:" if erid is not None else escape_id(str(prefix))
        for packed in [self._old.get(scope, ""), *self._old.values()]:
            entries = list(_entries_starting(packed, head))
            if erid is not None:  # "12:" also starts the entries of id "12:3"
                entries = [e for e in entries if entry_id(e) == erid][:1]
            if entries:
                pending = self._pending.get(scope) or self._pending.setdefault(scope, PendingScope())
                for entry in entries:
                    pending.add(entry)
                    self._seen.setdefault(hash(entry_id(entry)), None)
                pending.repeats = True
                return

    def _adopt_prefix_locked(self, prefix: str) -> None:
        if self._prefix is not None and self._prefix != prefix:
            logger.info(
                "Stream %s: records now belong to a different source or tenant; previous fingerprints are discarded.",
                self._stream_name,
            )
            self._old, self._old_hashes = {}, SortedHashes(())
        self._prefix = prefix

    def _maybe_finalize_locked(self) -> bool:
        if (
            self._finalized
            or self._blocked
            or not self._generation_done
            or self._slices_closed < self._slices_generated
        ):
            return False
        deleted, known = self._deleted_locked()
        if self._guard is not None and self._guard.problem(self._stream_name, len(deleted), known):
            self._blocked = True
            self._emit_state_locked()  # what this sync read, with every old fingerprint
            self._guard.check(self._stream_name, len(deleted), known)
        self._finalized = True
        for rid in sorted(deleted):
            self._emit_tombstone_locked(rid)
        new_scopes = {
            scope: entries
            for scope, entries in self._committed.items()
            if (entries or self._keep_empty) and not self._stale_window(scope)
        }
        for scope, entries in self._old.items():
            if scope in self._planned_scopes or self._window_outside_plan(scope):
                continue
            if self._unread_scopes == "retain" or scope in self._retained_scopes:
                new_scopes[scope] = entries
        if self._partial:
            logger.warning(
                "Stream %s: %d partition(s) could not be read this sync; their records are kept as they were, "
                "and the next sync reads from the same point as this one did.",
                self._stream_name,
                len(self._partial),
            )
        else:
            self._last_sync = self._run_start
        self._old = new_scopes
        self._committed = {}
        self._emit_state_locked()
        return True

    def _stale_window(self, scope: str) -> bool:
        if self._windows is None or not scope:
            return False
        window = orjson.loads(scope).get("@window")
        return window is not None and self._windows.is_stale(window, parse_timestamp(self._run_start))

    def _window_outside_plan(self, scope: str) -> bool:
        if self._planned_windows is None or not scope:
            return False
        window = orjson.loads(scope).get("@window")
        return window is not None and window not in self._planned_windows

    def _deleted_locked(self) -> tuple[set[str], int]:
        """Ids of the old state that a completely read scope no longer lists, or whose scope vanished
        (its parent is gone) when unread scopes count as deleted; and how many ids those scopes held."""
        deleted: set[str] = set()
        known = 0
        if self._windows is not None and not self._windows.complete_listing:
            return deleted, known
        for scope, entries in self._old.items():
            read_completely = scope in self._committed and scope not in self._partial
            vanished = (
                self._unread_scopes == "delete"
                and scope not in self._planned_scopes
                and scope not in self._retained_scopes
                and not self._window_outside_plan(scope)
            )
            if read_completely or vanished:
                for entry in iter_entries(entries):
                    known += 1
                    erid = entry_id(entry)
                    if hash(erid) not in self._seen:
                        deleted.add(unescape_id(erid))
        return deleted, known

    def _emit_tombstone_locked(self, rid: str) -> None:
        if self._prefix is None:
            return
        data = tombstone(self._prefix + rid, sync_started_at())
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
                if self._in_flight:  # a duplicate of a record another slice has not queued yet
                    entries = SEP.join(e for e in iter_entries(entries) if hash(e) not in self._in_flight)
                # old and new together until the sync completes (an old id may still be a deletion)
                scopes[scope] = merged(scopes[scope], entries) if scope in scopes else entries
        body: dict[str, Any] = {"v": STATE_VERSION, "prefix": self._prefix}
        origin = self._origin or self._state_origin
        if origin:
            body["origin"] = origin
        body["facts"] = self._facts
        body["clock"] = sync_started_at()
        body["scopes"] = scopes
        checked = self.refresh_plan.dump(complete=self._finalized)
        if checked:
            body["checked"] = checked
        state: dict[str, Any] = {STATE_KEY: body}
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


class _Descending(str):
    """A key that sorts backwards, so the heap of waiting parents pops the largest of equally old keys."""

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)


def _entries_starting(packed: str, head: str) -> Iterable[str]:
    """The entries of a packed scope that start with `head` (found by `str.find`, not entry by entry:
    a scope can hold a whole tenant's records, and a sync can keep thousands of them)."""
    at = 0 if packed.startswith(head) else packed.find(SEP + head)
    while at >= 0:
        start = at + (1 if packed[at] == SEP else 0)
        stop = packed.find(SEP, start)
        yield packed[start : stop if stop >= 0 else len(packed)]
        if stop < 0:
            return
        at = stop if packed.startswith(head, stop + 1) else packed.find(SEP + head, stop)


def _now_ms() -> int:
    return int(datetime.now().timestamp() * 1000)
