"""Listings read by more than one stream, requested once per sync, and the routers that read them.

The employee list feeds the ``employees`` stream and both fan-outs (employments, compensations); the
department assignations feed both joins (employees, departments). The manifest marks their requesters
``use_cache: true``, and the source builds its streams with the shared `ListCacheFactory`
(`unified_hris_cdk.list_cache`): every such requester gets the sync's one cached session, so a
page several streams read is requested once.

Routers here read the parent streams' records (through the CDK retriever: paging, retries and the API
budget apply) and follow the keys they need themselves; `SubstreamPartitionRouter` looks every field up
with ``dpath.get``, which walks the whole record each time. The listings are full-refresh parents
without state of their own, so their cursors are not consulted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass
from typing import Any

from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    ParentStreamConfig,
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.types import Record, StreamSlice
from unified_hris_cdk.partition_routers import SliceOnlyPartitionRouter

MISSING = object()


def follow(record: Mapping[str, Any], path: Sequence[str]) -> Any:
    """The value at ``path`` (keys of nested objects), or `MISSING`."""
    value: Any = record
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return MISSING
        value = value[key]
    return value


def records(parent: ParentStreamConfig) -> Iterable[Record]:
    """Every record of the parent listing, page by page."""
    for partition in parent.stream.generate_partitions():
        yield from partition.read()


def key_slices(router: SubstreamPartitionRouter) -> Iterable[StreamSlice]:
    """The slices ``router.stream_slices()`` yields for parents without extra fields (same partitions:
    ``{partition_field: parent key, "parent_slice": parent partition}``), one per parent record that
    has the key, as the listing is read."""
    for parent in router.parent_stream_configs:
        field = str(parent.partition_field.eval(router.config))  # type: ignore[union-attr]
        path = str(parent.parent_key.eval(router.config)).split("/")  # type: ignore[union-attr]
        for record in records(parent):
            key = follow(record.data, path)
            if key is not MISSING and key is not None:
                parent_partition = record.associated_slice.partition if record.associated_slice else {}
                yield StreamSlice(
                    partition={field: key, "parent_slice": parent_partition or {}}, cursor_slice={}
                )


@dataclass
class ListingKeys(SliceOnlyPartitionRouter):
    """``partition_router: {type: CustomPartitionRouter, class_name: ...ListingKeys, listing: <SubstreamPartitionRouter>}``"""

    listing: SubstreamPartitionRouter
    parameters: InitVar[Mapping[str, Any]]

    def stream_slices(self) -> Iterable[StreamSlice]:
        yield from key_slices(self.listing)
