"""The change-detection cursor, driven directly: emission, de-duplication, deletions, scopes, windows,
interruptions. (Its wiring into a real connector is covered by the conformance kit's toy connector.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from airbyte_cdk.models import Type
from airbyte_cdk.sources.message import InMemoryMessageRepository
from airbyte_cdk.sources.types import Record, StreamSlice
from unified_hris.components.change_detection import (
    CHECKPOINT_ENV,
    ChangeDetectionCursor,
    DateWindows,
    fingerprints,
)
from unified_hris.conventions import envelope


class FakePartition:
    def __init__(self, stream_slice: StreamSlice) -> None:
        self._slice = stream_slice

    def to_slice(self) -> StreamSlice:
        return self._slice


class FakeRouter:
    def __init__(self, employee_ids: list[str]) -> None:
        self.ids = employee_ids

    def stream_slices(self):
        for eid in self.ids:
            yield StreamSlice(partition={"employee_id": eid, "parent_slice": {}}, cursor_slice={})


def rec(rid: str, stream_slice: StreamSlice, **fields: Any) -> Record:
    data = envelope(source="toy_hr", tenant_id="t", obj="employee", remote_id=rid, fields=fields)
    return Record(data=data, stream_name="s", associated_slice=stream_slice)


def sync(
    state: dict | None,
    listing: dict[str, list[tuple[str, dict]]],
    router=None,
    windows=None,
    fail: set[str] = frozenset(),
    unread="delete",
):
    """Run one sync. `listing` maps a slice key (employee id, window start or "") to its records."""
    repo = InMemoryMessageRepository()
    cursor = ChangeDetectionCursor(
        "s", repo, state, partition_router=router, windows=windows, unread_scopes=unread
    )
    emitted = []
    for stream_slice in cursor.stream_slices():
        key = stream_slice.partition.get("employee_id") or stream_slice.cursor_slice.get("start_time") or ""
        for rid, fields in listing.get(key, []):
            record = rec(rid, stream_slice, **fields)
            if cursor.should_be_synced(record):
                emitted.append(record.data)
        if key in fail:
            continue  # a failed partition is never closed
        cursor.close_partition(FakePartition(stream_slice))
    cursor.ensure_at_least_one_state_emitted()
    messages = list(repo.consume_queue())
    tombstones = [m.record.data for m in messages if m.type == Type.RECORD]
    states = [m.state.stream.stream_state.__dict__ for m in messages if m.type == Type.STATE]
    return emitted, tombstones, states[-1]


def ids(records):
    return sorted(r["remote_id"] for r in records)


def test_first_sync_emits_everything_then_nothing():
    listing = {"": [("1", {"first_name": "A"}), ("2", {"first_name": "B"})]}
    emitted, dead, state = sync(None, listing)
    assert ids(emitted) == ["1", "2"] and not dead
    emitted, dead, state2 = sync(state, listing)
    assert emitted == [] and dead == []
    assert fingerprints(state2) == fingerprints(state)


def test_changes_new_records_and_deletions_arrive_once():
    _, _, state = sync(None, {"": [("1", {"first_name": "A"}), ("2", {"first_name": "B"}), ("3", {})]})
    changed = {"": [("1", {"first_name": "A2"}), ("3", {}), ("4", {})]}
    emitted, dead, state = sync(state, changed)
    assert ids(emitted) == ["1", "4"]
    assert ids(dead) == ["2"] and dead[0]["is_deleted"] and dead[0]["id"] == "toy_hr:t:employee:2"
    emitted, dead, _ = sync(state, changed)
    assert emitted == [] and dead == []


def test_duplicate_record_in_one_listing_is_emitted_once():
    emitted, _, _ = sync(None, {"": [("1", {"x": 1}), ("1", {"x": 1})]})
    assert ids(emitted) == ["1"]


def test_id_listed_twice_with_different_data_keeps_one_fingerprint_the_last():
    emitted, _, state = sync(None, {"": [("1", {"x": 1}), ("2", {}), ("1", {"x": 2})]})
    assert [(r["remote_id"], r["x"]) for r in emitted if r["remote_id"] == "1"] == [("1", 1), ("1", 2)]
    packed = state["change_detection"]["scopes"][""]
    assert packed.count("1:") == 1 and fingerprints(state)[""]["1"] == emitted[-1]["record_hash"][:16]


def test_failed_partition_produces_no_deletions_and_keeps_fingerprints():
    router = FakeRouter(["e1", "e2"])
    listing = {"e1": [("c1", {})], "e2": [("c2", {})]}
    _, _, state = sync(None, listing, router=router)
    # e2's listing fails mid-way this time: c2 must not be reported deleted, and state keeps it.
    emitted, dead, state2 = sync(state, {"e1": [("c1", {})], "e2": []}, router=router, fail={"e2"})
    assert emitted == [] and dead == []
    assert any("c2" in entries for entries in fingerprints(state2).values())
    # The next complete sync sees c2 is really gone.
    _, dead, _ = sync(state2, {"e1": [("c1", {})], "e2": []}, router=router)
    assert ids(dead) == ["c2"]


def test_vanished_partition_is_deleted_or_retained_by_policy():
    listing = {"e1": [("c1", {})], "e2": [("c2", {})]}
    _, _, state = sync(None, listing, router=FakeRouter(["e1", "e2"]))
    _, dead, _ = sync(state, listing, router=FakeRouter(["e1"]))
    assert ids(dead) == ["c2"]
    _, dead, retained = sync(state, listing, router=FakeRouter(["e1"]), unread="retain")
    assert dead == [] and any("c2" in e for e in fingerprints(retained).values())


def test_record_moving_between_scopes_is_not_deleted():
    _, _, state = sync(None, {"e1": [("c1", {"v": 1})], "e2": []}, router=FakeRouter(["e1", "e2"]))
    emitted, dead, _ = sync(state, {"e1": [], "e2": [("c1", {"v": 1})]}, router=FakeRouter(["e1", "e2"]))
    assert emitted == [] and dead == []


@pytest.fixture
def checkpoint_per_slice(monkeypatch):
    monkeypatch.setenv(CHECKPOINT_ENV, "0")


def test_a_sync_shorter_than_the_checkpoint_interval_emits_one_state():
    repo = InMemoryMessageRepository()
    cursor = ChangeDetectionCursor("s", repo, None, partition_router=FakeRouter(["e1", "e2", "e3"]))
    for stream_slice in cursor.stream_slices():
        assert cursor.should_be_synced(rec(f"c{stream_slice.partition['employee_id']}", stream_slice))
        cursor.close_partition(FakePartition(stream_slice))
    cursor.ensure_at_least_one_state_emitted()
    states = [m.state.stream.stream_state.__dict__ for m in repo.consume_queue() if m.type == Type.STATE]
    assert len(states) == 1 and sorted(fingerprints(states[0])) == [
        '{"employee_id":"e1"}',
        '{"employee_id":"e2"}',
        '{"employee_id":"e3"}',
    ]


@pytest.mark.usefixtures("checkpoint_per_slice")
def test_interrupted_sync_resumes_without_losing_changes():
    router = FakeRouter(["e1", "e2", "e3"])
    _, _, state = sync(None, {k: [(f"c{k}", {"v": 1})] for k in ("e1", "e2", "e3")}, router=router)
    changed = {k: [(f"c{k}", {"v": 2})] for k in ("e1", "e2", "e3")}
    # The process dies after the first partition: the last state it emitted is the checkpoint.
    repo = InMemoryMessageRepository()
    cursor = ChangeDetectionCursor("s", repo, state, partition_router=router)
    first = next(iter(cursor.stream_slices()))
    assert cursor.should_be_synced(rec("ce1", first, v=2))
    cursor.close_partition(FakePartition(first))
    checkpoint = [m for m in repo.consume_queue() if m.type == Type.STATE][
        -1
    ].state.stream.stream_state.__dict__
    emitted, dead, _ = sync(checkpoint, changed, router=router)
    assert ids(emitted) == ["ce2", "ce3"] and dead == []


def test_windows_grid_lookback_and_state_pruning():
    now = datetime.now(UTC)
    windows = DateWindows(
        start=now - timedelta(days=365),
        end=now + timedelta(days=30),
        step=timedelta(days=60),
        granularity=timedelta(days=1),
        lookback=timedelta(days=30),
        fmt="%Y-%m-%d",
    )
    grid = windows.to_read(None)
    assert len(grid) == 7 and all((hi - lo).days < 65 for lo, hi in grid)
    assert grid[0][0] == windows.start and grid[-1][1] == windows.end
    listing = {windows.slice_of(w)["start_time"]: [(f"r{i}", {})] for i, w in enumerate(grid)}
    # A request spanning two windows is listed in both and still emitted once.
    listing[windows.slice_of(grid[-1])["start_time"]].append(("r5", {}))
    emitted, _, state = sync(None, listing, windows=windows)
    assert ids(emitted) == [f"r{i}" for i in range(7)]
    kept = fingerprints(state)
    assert 1 <= len(kept) < 7, "windows that will never be re-read are not kept in state"
    assert len(windows.to_read(datetime.now(UTC))) == len(kept)
    emitted, dead, _ = sync(state, listing, windows=windows)
    assert emitted == [] and dead == []


def test_since_mode_reads_from_the_cursor_and_never_infers_deletions():
    start = datetime(2024, 1, 1, tzinfo=UTC)
    windows = DateWindows(
        start=start,
        end=datetime.now(UTC),
        step=None,
        granularity=timedelta(days=1),
        lookback=timedelta(minutes=5),
        fmt="%Y-%m-%dT%H:%M:%S%z",
    )
    [(lo, _)] = windows.to_read(None)
    assert lo == start
    emitted, _, state = sync(
        None, {windows.slice_of((lo, windows.end))["start_time"]: [("w1", {}), ("w2", {})]}, windows=windows
    )
    assert ids(emitted) == ["w1", "w2"]
    last = datetime.fromisoformat(state["modified_at"].replace("Z", "+00:00"))
    [(lo2, _)] = windows.to_read(last)
    assert lo2 == last - timedelta(minutes=5)
    # Only w1 was updated since: the listing is partial, so w2 is not a deletion; w1 unchanged is not re-emitted.
    emitted, dead, _ = sync(
        state, {windows.slice_of((lo2, windows.end))["start_time"]: [("w1", {})]}, windows=windows
    )
    assert emitted == [] and dead == []


def test_state_for_another_tenant_is_discarded_not_deleted():
    _, _, state = sync(None, {"": [("1", {})]})
    state["change_detection"]["prefix"] = "toy_hr:other-tenant:employee:"
    emitted, dead, _ = sync(state, {"": [("1", {})]})
    assert ids(emitted) == ["1"] and dead == []


def test_state_packs_each_scope_into_one_string_and_ids_with_separators_round_trip():
    awkward = ["1", "a,b", "50%", "%2C", "x:y"]
    emitted, _, state = sync(None, {"": [(rid, {"n": i}) for i, rid in enumerate(awkward)]})
    assert ids(emitted) == sorted(awkward)
    body = state["change_detection"]
    assert body["v"] == 3 and all(isinstance(packed, str) for packed in body["scopes"].values())
    assert sorted(fingerprints(state)[""]) == sorted(awkward)
    emitted, dead, state = sync(state, {"": [(rid, {"n": i}) for i, rid in enumerate(awkward[:-2])]})
    assert emitted == [] and ids(dead) == ["%2C", "x:y"]
    assert dead[0]["id"] == "toy_hr:t:employee:%2C"


def test_version_1_state_is_read_and_rewritten_as_version_3():
    listing = {"e1": [("c1", {"v": 1}), ("c2", {"v": 1})], "e2": [("c3", {"v": 1})]}
    _, _, state = sync(None, listing, router=FakeRouter(["e1", "e2"]))
    v1 = {
        **state,
        "change_detection": {
            "v": 1,
            "prefix": state["change_detection"]["prefix"],
            "scopes": fingerprints(state),
        },
    }
    assert all(isinstance(entries, dict) for entries in v1["change_detection"]["scopes"].values())
    changed = {"e1": [("c1", {"v": 1})], "e2": [("c3", {"v": 2})]}
    emitted, dead, state2 = sync(v1, changed, router=FakeRouter(["e1", "e2"]))
    assert ids(emitted) == ["c3"] and ids(dead) == ["c2"]
    assert state2["change_detection"]["v"] == 3
    assert {rid for entries in fingerprints(state2).values() for rid in entries} == {"c1", "c3"}


@pytest.mark.usefixtures("checkpoint_per_slice")
def test_checkpoint_of_a_read_scope_keeps_the_ids_it_no_longer_lists_until_the_sync_completes():
    router = FakeRouter(["e1", "e2"])
    _, _, state = sync(None, {"e1": [("a", {"v": 1}), ("b", {})], "e2": [("x", {})]}, router=router)
    repo = InMemoryMessageRepository()
    cursor = ChangeDetectionCursor("s", repo, state, partition_router=router)
    first = next(iter(cursor.stream_slices()))
    for record in (rec("a", first, v=2), rec("c", first)):
        assert cursor.should_be_synced(record)
    cursor.close_partition(FakePartition(first))  # e2 never completes: the process dies
    checkpoint = [m for m in repo.consume_queue() if m.type == Type.STATE][
        -1
    ].state.stream.stream_state.__dict__
    held = fingerprints(checkpoint)
    e1 = held['{"employee_id":"e1"}']
    assert sorted(e1) == ["a", "b", "c"] and e1["a"] != fingerprints(state)['{"employee_id":"e1"}']["a"]
    emitted, dead, _ = sync(
        checkpoint, {"e1": [("a", {"v": 2}), ("c", {})], "e2": [("x", {})]}, router=router
    )
    assert emitted == [] and ids(dead) == ["b"]
