"""The change-detection cursor's hooks for routers that skip partitions on purpose (PeopleHR's fan-out):
skipped partitions keep their fingerprints, partitions that vanished are still tombstoned."""

from __future__ import annotations

from datetime import datetime

from airbyte_cdk.models import Type
from airbyte_cdk.sources.message import InMemoryMessageRepository
from airbyte_cdk.sources.types import Record, StreamSlice
from unified_hris.conventions import envelope
from unified_hris_cdk.cursor import ChangeDetectionCursor
from unified_hris_cdk.state_codec import fingerprints


class Partition:
    def __init__(self, stream_slice: StreamSlice) -> None:
        self._slice = stream_slice

    def to_slice(self) -> StreamSlice:
        return self._slice


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


def sync(state, listing, router):
    repo = InMemoryMessageRepository()
    cursor = ChangeDetectionCursor("s", repo, state, partition_router=router, unread_scopes="delete")
    for stream_slice in cursor.stream_slices():
        for rid in listing.get(stream_slice.partition["employee"], []):
            data = envelope(source="peoplehr", tenant_id="t", obj="benefit", remote_id=rid, fields={})
            cursor.should_be_synced(Record(data=data, stream_name="s", associated_slice=stream_slice))
        cursor.close_partition(Partition(stream_slice))
    messages = list(repo.consume_queue())
    dead = [m.record.data["remote_id"] for m in messages if m.type == Type.RECORD]
    states = [m.state.stream.stream_state.__dict__ for m in messages if m.type == Type.STATE]
    return dead, states[-1]


def test_router_learns_the_last_sync_and_skipped_scopes_survive_while_vanished_ones_are_deleted():
    listing = {"e1": ["b1"], "e2": ["b2"], "e3": ["b3"]}
    first = SkippingRouter(["e1", "e2", "e3"], [])
    _, state = sync(None, listing, first)
    assert first.told and first.last_sync is None

    # e2 is skipped on purpose, e3 vanished from the tenant.
    second = SkippingRouter(["e1"], ["e2"])
    dead, state = sync(state, listing, second)
    assert second.last_sync is not None and second.last_sync.isoformat().startswith(state["modified_at"][:10])
    assert dead == ["b3"]
    kept = {rid for entries in fingerprints(state).values() for rid in entries}
    assert kept == {"b1", "b2"}

    # Read again later, e2's unchanged record is not new and nothing else dies.
    dead, _ = sync(state, listing, SkippingRouter(["e1", "e2"], []))
    assert dead == []
