"""The change-detection cursor, driven directly: emission, de-duplication, deletions, scopes, windows,
interruptions. (Its wiring into a real connector is covered by the conformance kit's toy connector.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from airbyte_cdk.models import Type
from airbyte_cdk.sources.message import InMemoryMessageRepository
from airbyte_cdk.sources.types import Record, StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from hypothesis import given, settings
from hypothesis import strategies as st
from unified_hris.conventions import envelope, parse_timestamp
from unified_hris_cdk.cursor import CHECKPOINT_ENV, ChangeDetectionCursor
from unified_hris_cdk.deletion_guard import DeletionGuard
from unified_hris_cdk.skips import kept_record, skipped_partition
from unified_hris_cdk.state_codec import fingerprints, latest_emission, state_problem
from unified_hris_cdk.windows import DateWindows


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


SKIP = "!skip"  # in a listing: the partition's listing could not be read (a skip marker)
KEEP = "!keep"  # in a listing: (KEEP, {"rid": id}), a record that could not be completed


def marker(rid: str, fields: dict, stream_slice: StreamSlice) -> Record | None:
    if rid == SKIP:
        return Record(data=skipped_partition("test"), stream_name="s", associated_slice=stream_slice)
    if rid == KEEP:
        return Record(data=kept_record(fields["rid"], "test"), stream_name="s", associated_slice=stream_slice)
    return None


def sync(
    state: dict | None,
    listing: dict[str, list[tuple[str, dict]]],
    router=None,
    windows=None,
    fail: set[str] = frozenset(),
    unread="delete",
    **options: Any,
):
    """Run one sync. `listing` maps a slice key (employee id, window start or "") to its records (or
    `SKIP` / `KEEP` markers); `options` go to the cursor (origin, facts, guard...). A refusal of the
    deletion guard is raised with the state the cursor kept as ``refused.state``."""
    repo = InMemoryMessageRepository()
    cursor = ChangeDetectionCursor(
        "s", repo, state, partition_router=router, windows=windows, unread_scopes=unread, **options
    )
    emitted = []
    try:
        for stream_slice in cursor.stream_slices():
            key = (
                stream_slice.partition.get("employee_id") or stream_slice.cursor_slice.get("start_time") or ""
            )
            for rid, fields in listing.get(key, []):
                record = marker(rid, fields, stream_slice) or rec(rid, stream_slice, **fields)
                if cursor.should_be_synced(record):
                    emitted.append(record.data)
                    cursor.observe(record)  # as the CDK does once the record is queued
            if key in fail:
                continue  # a failed partition is never closed
            cursor.close_partition(FakePartition(stream_slice))
    except AirbyteTracedException as refused:
        cursor.ensure_at_least_one_state_emitted()
        tombstones, states = _messages(repo)
        assert tombstones == [], "a refused sync emits no tombstone"
        refused.state = states[-1]  # type: ignore[attr-defined]
        raise
    cursor.ensure_at_least_one_state_emitted()
    tombstones, states = _messages(repo)
    return emitted, tombstones, states[-1]


def _messages(repo: InMemoryMessageRepository) -> tuple[list[dict], list[dict]]:
    messages = list(repo.consume_queue())
    tombstones = [m.record.data for m in messages if m.type == Type.RECORD]
    states = [m.state.stream.stream_state.__dict__ for m in messages if m.type == Type.STATE]
    return tombstones, states


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
        record = rec(f"c{stream_slice.partition['employee_id']}", stream_slice)
        assert cursor.should_be_synced(record)
        cursor.observe(record)
        cursor.observe(record)
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
    record = rec("ce1", first, v=2)
    assert cursor.should_be_synced(record)
    cursor.observe(record)
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


def since_windows(start: datetime) -> DateWindows:
    return DateWindows(
        start=start,
        end=datetime.now(UTC),
        step=None,
        granularity=timedelta(days=1),
        lookback=timedelta(minutes=5),
        fmt="%Y-%m-%dT%H:%M:%S%z",
    )


def test_since_mode_reads_from_the_cursor_and_never_infers_deletions():
    start = datetime(2024, 1, 1, tzinfo=UTC)
    windows = since_windows(start)
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
        cursor.observe(record)
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


# -- what the cursor refuses to take as the truth ------------------------------------------------------


def test_a_skipped_partition_keeps_its_records_and_is_read_again():
    router = FakeRouter(["e1", "e2"])
    _, _, state = sync(None, {"e1": [("c1", {})], "e2": [("c2", {}), ("c3", {})]}, router=router)
    # e2's call answered 404 (a glitch): its listing was not read
    emitted, dead, skipped = sync(state, {"e1": [("c1", {})], "e2": [(SKIP, {})]}, router=router)
    assert emitted == [] and dead == []
    assert sorted(fingerprints(skipped)['{"employee_id":"e2"}']) == ["c2", "c3"]
    assert skipped["modified_at"] == state["modified_at"], "a partial sync does not move the cursor"
    emitted, dead, _ = sync(skipped, {"e1": [("c1", {})], "e2": [("c2", {})]}, router=router)
    assert emitted == [] and ids(dead) == ["c3"], "the next complete read decides"


def test_a_kept_record_keeps_its_last_fingerprint_and_is_not_deleted():
    _, _, state = sync(None, {"": [("1", {"v": 1}), ("2", {"v": 1})]})
    emitted, dead, kept = sync(state, {"": [("1", {"v": 1}), (KEEP, {"rid": "2"})]})
    assert emitted == [] and dead == []
    assert fingerprints(kept)[""] == fingerprints(state)[""]
    emitted, dead, _ = sync(kept, {"": [("1", {"v": 1}), ("2", {"v": 2})]})
    assert ids(emitted) == ["2"] and dead == []


def fifty() -> dict[str, list[tuple[str, dict]]]:
    return {"": [(str(i), {}) for i in range(50)]}


def test_the_guard_refuses_a_mass_deletion_and_keeps_every_fingerprint():
    _, _, state = sync(None, fifty(), guard=DeletionGuard())
    for listing in ({"": []}, {"": fifty()[""][:30]}):  # all of them; 20 of 50 (40 %)
        with pytest.raises(AirbyteTracedException) as refused:
            sync(state, listing, guard=DeletionGuard())
        assert refused.value.failure_type.value == "config_error"
        assert "max_deletion_percent" in refused.value.message
        assert fingerprints(refused.value.state) == fingerprints(state)
    # a small tenant whose every record would go is refused too
    _, _, small = sync(None, {"": [("1", {}), ("2", {})]}, guard=DeletionGuard())
    with pytest.raises(AirbyteTracedException):
        sync(small, {"": []}, guard=DeletionGuard())


def test_the_guard_lets_ordinary_and_allowed_deletions_through():
    _, _, state = sync(None, fifty(), guard=DeletionGuard())
    _, dead, _ = sync(state, {"": fifty()[""][:41]}, guard=DeletionGuard())  # 9: fewer than 10
    assert len(dead) == 9
    _, dead, _ = sync(state, {"": fifty()[""][:45]}, guard=DeletionGuard(percent=10))  # 5 of 50
    assert len(dead) == 5
    _, dead, _ = sync(state, {"": []}, guard=DeletionGuard(percent=100))
    assert len(dead) == 50 and all(t["_ab_cdc_deleted_at"] == t["remote_deleted_at"] for t in dead)


def first_window_start(state: dict | None, **options: Any) -> str:
    """The `start_time` of the first slice a since-mode sync from `state` asks for."""
    cursor = ChangeDetectionCursor("s", InMemoryMessageRepository(), state, windows=WINDOWS, **options)
    return next(iter(cursor.stream_slices())).cursor_slice["start_time"]


WINDOWS = since_windows(datetime(2024, 1, 1, tzinfo=UTC))
HOME = {"origin": lambda: "toy_hr:t", "facts": {"start_date": "2024-01-01"}}


def test_a_state_steers_the_next_sync_only_when_it_is_this_origins_with_the_same_facts(caplog):
    _, _, state = sync(None, {}, windows=WINDOWS, **HOME)
    assert state["change_detection"]["origin"] == "toy_hr:t" and state["change_detection"]["facts"]
    start = WINDOWS.slice_of((WINDOWS.start, WINDOWS.end))["start_time"]
    assert first_window_start(state, **HOME) != start  # from the cursor
    other_tenant = {**HOME, "origin": lambda: "toy_hr:other"}
    other_facts = {**HOME, "facts": {"start_date": "2023-01-01"}}
    ahead = {**state, "modified_at": "2999-01-01T00:00:00.000000Z"}
    for foreign, options in ((state, other_tenant), (state, other_facts), (ahead, HOME)):
        caplog.clear()
        assert first_window_start(foreign, **options) == start, "read in full"
        assert "read in full" in caplog.text
    legacy = {"modified_at": state["modified_at"]}  # no origin: whose it is cannot be told
    assert first_window_start(legacy, **HOME) == start


def test_a_state_of_another_tenant_drops_its_fingerprints_without_tombstones():
    _, _, state = sync(None, {"": [("1", {})]}, **HOME)
    emitted, dead, new = sync(state, {"": [("1", {})]}, **{**HOME, "origin": lambda: "toy_hr:other"})
    assert ids(emitted) == ["1"] and dead == [] and new["change_detection"]["origin"] == "toy_hr:other"


def test_a_changed_fact_reads_in_full_but_sends_nothing_already_sent():
    _, _, state = sync(None, {"": [("1", {})]}, **HOME)
    emitted, dead, _ = sync(state, {"": [("1", {})]}, **{**HOME, "facts": {"start_date": "2023-01-01"}})
    assert emitted == [] and dead == []


def test_the_state_records_the_latest_emission_and_the_clock_of_the_run():
    _, _, state = sync(None, {"": [("1", {})]})
    body = state["change_detection"]
    assert latest_emission(state) == parse_timestamp(body["clock"]) >= parse_timestamp(state["modified_at"])


class SettlingRouter(FakeRouter):
    """A fan-out that skips `settled` partitions it knows (like PeopleHR's settled leavers)."""

    def __init__(self, employee_ids: list[str], settled: set[str]) -> None:
        super().__init__(employee_ids)
        self.settled = settled
        self.known: Any = lambda partition: False
        self.skipped: list[dict] = []

    def set_last_sync(self, last_sync: datetime | None) -> None:
        self.incremental = last_sync is not None

    def set_known_partitions(self, known: Any) -> None:
        self.known = known

    def retained_partitions(self) -> list[dict]:
        return self.skipped

    def stream_slices(self):
        self.skipped = []
        for eid in self.ids:
            partition = {"employee_id": eid}
            if self.incremental and eid in self.settled and self.known(partition):
                self.skipped.append(partition)
                continue
            yield StreamSlice(partition=partition, cursor_slice={})


def test_a_known_settled_partition_is_skipped_and_an_unknown_one_read():
    listing = {"e1": [("c1", {})], "e2": []}
    _, _, state = sync(
        None, listing, router=SettlingRouter(["e1", "e2"], {"e1", "e2"}), keep_empty_scopes=True
    )
    assert '{"employee_id":"e2"}' in state["change_detection"]["scopes"], "an empty scope is kept"
    router = SettlingRouter(["e1", "e2"], {"e1", "e2"})
    emitted, dead, _ = sync(state, listing, router=router, keep_empty_scopes=True)
    assert emitted == [] and dead == [] and len(router.skipped) == 2
    lost = {**state, "change_detection": {**state["change_detection"], "scopes": {}}}  # a fault lost them
    emitted, _, _ = sync(
        lost, listing, router=SettlingRouter(["e1", "e2"], {"e1", "e2"}), keep_empty_scopes=True
    )
    assert ids(emitted) == ["c1"], "a settled partition the state does not hold is read again"


@pytest.mark.parametrize(
    ("stream_state", "says"),
    [
        ({"modified_at": 5}, "'modified_at' is int"),
        ({"modified_at": "yesterday"}, "'modified_at' 'yesterday' is not an ISO 8601"),
        ({"change_detection": []}, "'change_detection' is list"),
        ({"change_detection": {"v": "3"}}, "'change_detection.v' is str"),
        ({"change_detection": {"scopes": {"": 7}}}, "holds int for scope ''"),
        ({"change_detection": {"scopes": {"": {"1": 2}}}}, "holds dict"),
        ({"change_detection": {"clock": "2024-01-01"}}, "'change_detection.clock' '2024-01-01' is not"),
    ],
)
def test_state_problem_names_the_key_with_an_odd_type(stream_state, says):
    assert says in (state_problem(stream_state) or "")


def test_state_problem_accepts_every_state_version():
    _, _, state = sync(None, {"": [("1", {})]})
    v1 = {**state, "change_detection": {"v": 1, "prefix": "p:t:o:", "scopes": {"": {"1": "0" * 16}}}}
    assert state_problem(state) is None and state_problem(v1) is None and state_problem(None) is None


# -- one faulty answer, then a clean sync: nothing the provider has stays deleted ----------------------

FAULTS = ("skip", "keep", "fail", "drop_records", "drop_partition", "empty", "vanish")
#: Faults a connector can tell from a real change; the others are plausible answers (a page fewer).
DETECTABLE = {"skip", "keep", "fail", "empty", "vanish"}


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, list[tuple[str, dict]]], set[str], str, int, int]:
    partitions = draw(st.integers(1, 6))
    listing = {
        f"e{p}": [(f"c{p}-{r}", {"v": draw(st.integers(0, 1))}) for r in range(draw(st.integers(0, 4)))]
        for p in range(partitions)
    }
    settled = {key for key in listing if draw(st.booleans())}
    return listing, settled, draw(st.sampled_from(FAULTS)), draw(st.integers(0, 5)), draw(st.integers(0, 5))


def faulty(listing: dict, fault: str, target: int, item: int) -> tuple[dict, list[str], set[str]]:
    """The listing one faulty answer gives, the partitions the router lists, and those that fail."""
    keys = sorted(listing)
    key = keys[target % len(keys)]
    rows = listing[key]
    broken = {k: list(v) for k, v in listing.items()}
    listed, failing = keys, set()
    if fault == "skip":
        broken[key] = [*rows[: item % (len(rows) + 1)], (SKIP, {})]
    elif fault == "keep" and rows:
        broken[key] = [r if i != item % len(rows) else (KEEP, {"rid": r[0]}) for i, r in enumerate(rows)]
    elif fault == "fail":
        failing = {key}
    elif fault == "drop_records":
        broken[key] = rows[: item % (len(rows) + 1)]
    elif fault == "drop_partition":
        listed = [k for k in keys if k != key]
    elif fault == "empty":
        broken = {k: [] for k in keys}
    elif fault == "vanish":
        listed = []
    return broken, listed, failing


def fold(view: dict[str, dict], records: list[dict]) -> None:
    for record in records:
        view[record["id"]] = record


@settings(max_examples=150, deadline=None, derandomize=True)
@given(scenarios())
def test_one_faulty_answer_then_a_clean_sync_never_leaves_a_present_record_deleted(scenario):
    listing, settled, fault, target, item = scenario
    keys = sorted(listing)
    options = {"guard": DeletionGuard(), "keep_empty_scopes": True}
    view: dict[str, dict] = {}
    emitted, dead, state = sync(None, listing, router=SettlingRouter(keys, settled), **options)
    fold(view, emitted + dead)
    broken, listed, failing = faulty(listing, fault, target, item)
    try:
        emitted, dead, state = sync(
            state, broken, router=SettlingRouter(listed, settled), fail=failing, **options
        )
        fold(view, emitted + dead)
        if fault in DETECTABLE:  # a fault the connector can tell: never a tombstone from it
            assert dead == [], fault
    except AirbyteTracedException as refused:  # the guard: nothing deleted, the state kept
        state = refused.state
    emitted, dead, _ = sync(state, listing, router=SettlingRouter(keys, settled), **options)
    fold(view, emitted + dead)
    present = {
        rec(rid, StreamSlice(partition={}, cursor_slice={}), **f).data["id"]
        for rows in listing.values()
        for rid, f in rows
    }
    assert {i for i in present if i not in view or view[i]["is_deleted"]} == set(), (fault, target, item)


@pytest.mark.usefixtures("checkpoint_per_slice")
def test_a_checkpoint_never_holds_a_record_not_yet_queued_for_output():
    """Two slices list the same record (a request spanning two windows): the first passes it to the
    CDK, the second closes and checkpoints before the CDK queued it. A kill then must not lose it."""
    router = FakeRouter(["e1", "e2"])
    repo = InMemoryMessageRepository()
    cursor = ChangeDetectionCursor("s", repo, None, partition_router=router)
    e1, e2 = list(cursor.stream_slices())
    in_flight = rec("r", e1)
    assert cursor.should_be_synced(in_flight)  # not observed: not on the output queue yet
    assert not cursor.should_be_synced(rec("r", e2))
    cursor.close_partition(FakePartition(e2))
    checkpoint = [m for m in repo.consume_queue() if m.type == Type.STATE][
        -1
    ].state.stream.stream_state.__dict__
    assert not any("r" in entries for entries in fingerprints(checkpoint).values())
    emitted, _, _ = sync(checkpoint, {"e1": [("r", {})], "e2": [("r", {})]}, router=router)
    assert ids(emitted) == ["r"], "the resumed sync sends the record the killed one never wrote"
    cursor.observe(in_flight)
    cursor.close_partition(FakePartition(e1))
    final = [m for m in repo.consume_queue() if m.type == Type.STATE][-1].state.stream.stream_state.__dict__
    assert sorted(fingerprints(final)['{"employee_id":"e2"}']) == ["r"]


# -- routers that skip partitions on purpose (PeopleHR's fan-out): skipped partitions keep their
# fingerprints, partitions that vanished are still tombstoned ---------------------------------------
class SkippingRouter:
    """Yields the employees in `read`, reports those in `skipped` as retained."""

    def __init__(self, read: list[str], skipped: list[str]) -> None:
        self.read, self.skipped = read, skipped
        self.last_sync: datetime | None = None
        self.told = False

    def set_last_sync(self, last_sync: datetime | None) -> None:
        self.last_sync, self.told = last_sync, True

    def stream_slices(self):
        for key in self.read:
            yield StreamSlice(partition={"employee": key}, cursor_slice={})

    def retained_partitions(self):
        return [{"employee": key} for key in self.skipped]


def sync_with_router(state, listing, router):
    repo = InMemoryMessageRepository()
    cursor = ChangeDetectionCursor("s", repo, state, partition_router=router, unread_scopes="delete")
    for stream_slice in cursor.stream_slices():
        for rid in listing.get(stream_slice.partition["employee"], []):
            data = envelope(source="peoplehr", tenant_id="t", obj="benefit", remote_id=rid, fields={})
            cursor.should_be_synced(Record(data=data, stream_name="s", associated_slice=stream_slice))
        cursor.close_partition(FakePartition(stream_slice))
    messages = list(repo.consume_queue())
    dead = [m.record.data["remote_id"] for m in messages if m.type == Type.RECORD]
    states = [m.state.stream.stream_state.__dict__ for m in messages if m.type == Type.STATE]
    return dead, states[-1]


def test_router_learns_the_last_sync_and_skipped_scopes_survive_while_vanished_ones_are_deleted():
    listing = {"e1": ["b1"], "e2": ["b2"], "e3": ["b3"]}
    first = SkippingRouter(["e1", "e2", "e3"], [])
    _, state = sync_with_router(None, listing, first)
    assert first.told and first.last_sync is None

    # e2 is skipped on purpose, e3 vanished from the tenant.
    second = SkippingRouter(["e1"], ["e2"])
    dead, state = sync_with_router(state, listing, second)
    assert second.last_sync is not None and second.last_sync.isoformat().startswith(state["modified_at"][:10])
    assert dead == ["b3"]
    kept = {rid for entries in fingerprints(state).values() for rid in entries}
    assert kept == {"b1", "b2"}

    # Read again later, e2's unchanged record is not new and nothing else dies.
    dead, _ = sync_with_router(state, listing, SkippingRouter(["e1", "e2"], []))
    assert dead == []
