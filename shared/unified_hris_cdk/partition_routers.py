"""Custom partition routers: a base for those whose slices carry everything a request needs, and
`ParentKeys`, the partitions of listings other streams read too.

With the change-detection cursor a router's own request options are not applied (the manifest puts
``{{ stream_partition.x }}`` into the path, parameters or body instead), so a custom router only has
to yield slices: `SliceOnlyPartitionRouter` answers the rest of the `PartitionRouter` interface with
nothing.

Listings (an employee list, say) are declared in the manifest as the parents of a
``SubstreamPartitionRouter``; `records` reads a parent stream through its CDK retriever, and the
routers follow the keys they need themselves. The parent streams are built by the source's own factory
(`factory.UnifiedComponentFactory.create_parent_stream_config_with_substream_wrapper`), so their
requesters marked ``use_cache: true`` share the sync's list cache: a page several streams read is
requested once. The listings are full-refresh parents without state of their own, so their cursors are
not consulted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass
from typing import Any

from airbyte_cdk.sources.declarative.partition_routers.partition_router import PartitionRouter
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    ParentStreamConfig,
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.types import Record, StreamSlice, StreamState

from unified_hris_cdk.refresh import PARENT_DIGEST, digest


class SliceOnlyPartitionRouter(PartitionRouter):
    """Subclass and implement `stream_slices` only."""

    def get_request_params(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_headers(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_data(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_json(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_stream_state(self) -> Mapping[str, StreamState] | None:
        return None


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
    """Every record of the parent listing, page by page (through its CDK retriever: paging, retries
    and the API budget apply)."""
    for partition in parent.stream.generate_partitions():
        yield from partition.read()


def key_slices(router: SubstreamPartitionRouter, budgeted: bool = True) -> Iterable[StreamSlice]:
    """The slices ``router.stream_slices()`` yields for parents without extra fields (same partitions:
    ``{partition_field: parent key, "parent_slice": parent partition}``), one per parent record that
    has the key, as the listing is read. Each carries the parent record's digest in its extra fields
    (``parent_digest``), which a refresh budget uses (`unified_hris_cdk.refresh`), unless `budgeted`
    is off."""
    for parent in router.parent_stream_configs:
        field = str(parent.partition_field.eval(router.config))  # type: ignore[union-attr]
        path = str(parent.parent_key.eval(router.config)).split("/")  # type: ignore[union-attr]
        for record in records(parent):
            key = follow(record.data, path)
            if key is not MISSING and key is not None:
                parent_partition = record.associated_slice.partition if record.associated_slice else {}
                yield StreamSlice(
                    partition={field: key, "parent_slice": parent_partition or {}},
                    cursor_slice={},
                    extra_fields={PARENT_DIGEST: digest(record.data)} if budgeted else {},
                )


@dataclass
class ParentKeys(SliceOnlyPartitionRouter):
    """``partition_router: {type: CustomPartitionRouter, class_name: unified_hris_cdk.partition_routers
    .ParentKeys, listing: <SubstreamPartitionRouter>}``: the partitions of the CDK's router over the same
    parents (`key_slices`), found without ``dpath.get`` (which walks the whole record for every field).
    ``budgeted: false`` leaves the partitions out of the refresh budget (read every sync)."""

    listing: SubstreamPartitionRouter
    parameters: InitVar[Mapping[str, Any]]
    budgeted: bool = True

    def stream_slices(self) -> Iterable[StreamSlice]:
        yield from key_slices(self.listing, self.budgeted)
