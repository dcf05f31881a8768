"""The refresh budget: an incremental sync re-checks new and changed parents first, then the least
recently checked, at most `budget` of them; the others keep their records, and every parent is
re-checked within ceil(N / budget) syncs."""

from __future__ import annotations

import importlib.resources

import yaml
from airbyte_cdk.models import Type
from airbyte_cdk.sources.message import InMemoryMessageRepository
from airbyte_cdk.sources.types import Record, StreamSlice
from unified_hris_cdk.cursor import ChangeDetectionCursor
from unified_hris_cdk.refresh import PARENT_DIGEST, REFRESH_KEY, Due, RefreshPlan
from unified_hris_cdk.skips import kept_records

from .test_change_detection import FakePartition, ids, sync

BUDGET = 2


class DigestRouter:
    """Employees with the digest of their list record (as `key_slices` and the fan-outs give it)."""

    def __init__(self, digests: dict[str, str]) -> None:
        self.digests = digests

    def stream_slices(self):
        for eid, parent_digest in self.digests.items():
            yield StreamSlice(
                partition={"employee_id": eid, "parent_slice": {}},
                cursor_slice={},
                extra_fields={PARENT_DIGEST: parent_digest},
            )


def listing(values: dict[str, int]) -> dict[str, list[tuple[str, dict]]]:
    """One record per employee, ``c-<id>``, whose amount is `values[id]`."""
    return {eid: [(f"c-{eid}", {"amount": amount})] for eid, amount in values.items()}


def budgeted_sync(state, digests, values, now, budget=BUDGET):
    """A sync under a refresh budget at clock `now`; also returns the employees whose partition was read."""
    plan = RefreshPlan((state or {}).get("change_detection", {}).get("checked"), now=now)
    read: list[str] = []
    data = listing(values)

    class Recording(dict):
        def get(self, key, default=None):
            read.append(key)
            return data.get(key, default)

    emitted, tombstones, new_state = sync(
        state, Recording(), router=DigestRouter(digests), refresh_plan=plan, refresh_budget=budget
    )
    return emitted, tombstones, new_state, read


EMPLOYEES = [f"e{i}" for i in range(1, 7)]


def first_sync():
    digests = {eid: "d0" for eid in EMPLOYEES}
    values = {eid: 100 for eid in EMPLOYEES}
    emitted, _, state, read = budgeted_sync(None, digests, values, now=1000)
    assert sorted(read) == EMPLOYEES, "a sync without state reads every partition, whatever the budget"
    assert len(emitted) == len(EMPLOYEES)
    return digests, values, state


def test_plan_ranks_new_and_changed_first_then_the_least_recently_checked():
    plan = RefreshPlan({"a": "10:x", "b": "20:x", "c": "5:x", "d": "30:x"}, now=40)
    plan.start(incremental=True, budget=2)
    assert plan.due("new", "x") is Due.NOW
    assert plan.due("a", "changed") is Due.NOW
    assert all(plan.due(k, "x") is Due.UNCHANGED for k in "abcd")
    assert sorted("abcd", key=plan.rank) == ["c", "a", "b", "d"]
    # one key at a time (an extractor): the state's two least recently checked, c and a
    assert [k for k in "abcd" if plan.wants(k, "x")] == ["a", "c"]
    assert not plan.wants("new", "x"), "the budget is a cap"


def test_plan_is_off_on_a_full_read_and_with_a_zero_budget():
    for incremental, budget in ((False, 2), (True, 0)):
        plan = RefreshPlan({"a": "10:x"}, now=40)
        plan.start(incremental=incremental, budget=budget)
        assert plan.due("a", "x") is Due.NOW
        assert all(plan.wants("a", "x") for _ in range(10))


def test_plan_state_keeps_unseen_keys_until_the_sync_completes():
    plan = RefreshPlan({"a": "10:x", "b": "20:x", "gone": "5:x"}, now=40)
    plan.start(incremental=True, budget=1)
    plan.checked("a", "y")
    plan.kept("b")
    plan.kept("never-checked")  # a key never read stays unknown: read first next time
    assert plan.dump(complete=False) == {"a": "40:y", "b": "20:x", "gone": "5:x"}
    assert plan.dump(complete=True) == {"a": "40:y", "b": "20:x"}


def test_unchanged_sync_reads_only_the_budget_and_keeps_every_other_record():
    digests, values, state = first_sync()
    emitted, tombstones, state, read = budgeted_sync(state, digests, values, now=2000)
    assert len(read) == BUDGET
    assert emitted == [] and tombstones == []
    scopes = state["change_detection"]["scopes"]
    assert len(scopes) == len(EMPLOYEES), "partitions not re-checked keep their fingerprints"
    checked = state["change_detection"]["checked"]
    assert sorted(v.split(":")[0] for v in checked.values()) == ["1000"] * 4 + ["2000"] * 2


def test_every_partition_is_rechecked_within_the_staleness_bound_and_a_hidden_change_arrives_once():
    digests, values, state = first_sync()
    values["e6"] = 250  # changed at the provider; its parent's list record did not change
    seen: list[str] = []
    arrived = []
    for n in range(-(-len(EMPLOYEES) // BUDGET)):  # ceil(6 / 2) = 3 syncs
        emitted, tombstones, state, read = budgeted_sync(state, digests, values, now=2000 + n)
        seen += read
        arrived += emitted
        assert tombstones == []
    assert sorted(seen) == EMPLOYEES, "each partition re-checked exactly once in ceil(N / budget) syncs"
    assert ids(arrived) == ["c-e6"] and arrived[0]["amount"] == 250


def test_new_and_changed_parents_are_read_before_the_oldest_and_count_against_the_budget():
    digests, values, state = first_sync()
    _, _, state, _ = budgeted_sync(state, digests, values, now=2000)  # e1, e2 now checked recently
    digests |= {"e1": "d1", "e7": "d0"}  # e1 changed (checked last sync), e7 is new
    values |= {"e1": 111, "e7": 70}
    emitted, _, state, read = budgeted_sync(state, digests, values, now=3000)
    assert sorted(read) == ["e1", "e7"], "the budget went to the changed and the new employee"
    assert ids(emitted) == ["c-e1", "c-e7"]


def test_a_vanished_parent_is_still_reported_deleted_under_the_budget():
    digests, values, state = first_sync()
    del digests["e5"]
    _, tombstones, state, read = budgeted_sync(state, digests, values, now=2000)
    assert len(read) == BUDGET and "e5" not in read
    assert [t["remote_id"] for t in tombstones] == ["c-e5"]
    assert '{"employee_id":"e5"}' not in state["change_detection"]["checked"]


def test_a_budget_of_zero_reads_everything_every_sync():
    digests, values, state = first_sync()
    _, _, _, read = budgeted_sync(state, digests, values, now=2000, budget=0)
    assert sorted(read) == EMPLOYEES


def test_kept_records_keeps_every_record_of_an_id_prefix():
    """An extractor that skips one employee's call keeps all of that employee's records (balances
    ``<employee>:<policy>``), and only theirs: the others of a complete listing are deleted."""
    rows = [("7:1", {"days": 1}), ("7:2", {"days": 2}), ("70:1", {"days": 3}), ("8:1", {"days": 4})]
    _, _, state = sync(None, {"": rows})
    repo = InMemoryMessageRepository()
    cursor = ChangeDetectionCursor("s", repo, state)
    for stream_slice in cursor.stream_slices():
        marker = Record(data=kept_records("7:", "not due"), stream_name="s", associated_slice=stream_slice)
        assert not cursor.should_be_synced(marker)
        cursor.close_partition(FakePartition(stream_slice))
    messages = list(repo.consume_queue())
    assert sorted(m.record.data["remote_id"] for m in messages if m.type == Type.RECORD) == ["70:1", "8:1"]
    kept = messages[-1].state.stream.stream_state.__dict__["change_detection"]["scopes"][""]
    assert sorted(e.rsplit(":", 1)[0] for e in kept.split(",")) == ["7:1", "7:2"]


class AreaRouter:
    """Two partitions per employee (``e1/holiday``, ``e1/salary``) naming their employee as refresh key."""

    def __init__(self, digests: dict[str, str]) -> None:
        self.digests = digests

    def stream_slices(self):
        for eid, parent_digest in self.digests.items():
            for area in ("holiday", "salary"):
                yield StreamSlice(
                    partition={"employee_id": f"{eid}/{area}", "parent_slice": {}},
                    cursor_slice={},
                    extra_fields={PARENT_DIGEST: parent_digest, REFRESH_KEY: eid},
                )


def test_the_budget_counts_employees_and_reads_all_partitions_of_each_together():
    digests = {eid: "d0" for eid in EMPLOYEES}
    data = {f"{eid}/{area}": [(f"{area}-{eid}", {"n": 1})] for eid in EMPLOYEES for area in ("holiday", "salary")}
    _, _, state = sync(None, data, router=AreaRouter(digests))
    assert sorted(state["change_detection"]["checked"]) == EMPLOYEES
    digests["e6"] = "d1"  # changed: read first, with both areas
    read: list[str] = []

    class Recording(dict):
        def get(self, key, default=None):
            read.append(key)
            return data.get(key, default)

    plan = RefreshPlan(state["change_detection"]["checked"], now=2000)
    emitted, tombstones, _ = sync(state, Recording(), router=AreaRouter(digests), refresh_plan=plan, refresh_budget=2)
    assert sorted(read) == ["e1/holiday", "e1/salary", "e6/holiday", "e6/salary"]
    assert emitted == [] and tombstones == []


def _values_of(node, key):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and not isinstance(v, dict):
                yield v
            yield from _values_of(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _values_of(item, key)


def test_each_manifest_default_is_the_spec_default():
    """The cursors' `refresh_budget` option is what a config without the field gets: the spec's default."""
    for package in ("source_sage_hr", "source_peoplehr", "source_sesame_hr"):
        manifest = yaml.safe_load(importlib.resources.files(package).joinpath("manifest.yaml").read_text())
        spec = manifest["spec"]["connection_specification"]["properties"]["refresh_budget"]
        options = list(_values_of({k: v for k, v in manifest.items() if k != "spec"}, "refresh_budget"))
        assert options and set(options) == {spec["default"]}, package


def test_parents_the_router_does_not_offer_do_not_take_the_budget():
    """Keys of the state the router no longer yields (PeopleHR's settled leavers, a deleted employee)
    are the least recently checked too; the budget still goes to partitions that are offered."""
    digests, values, state = first_sync()
    offered = {eid: d for eid, d in digests.items() if eid not in ("e1", "e2")}
    _, _, _, read = budgeted_sync(state, offered, values, now=2000)
    assert sorted(read) == ["e3", "e4"]
