"""Listings read by the partition routers of more than one stream.

The employee list is behind both fan-outs (employments, compensations); the department assignations are
behind both joins (employees, departments). Their requesters set ``use_cache: true``: the CDK's request
cache, a SQLite file per listing in the run's temporary directory (the CDK entrypoint sets
``REQUEST_CACHE_PATH`` to one and removes it at exit), so a second reader gets every page from disk.
Two streams reading a listing at the same time would both miss it; `reading` lets one router at a time
read a listing (the other waits, then reads it from the cache), so each page is requested once. The
cache keeps only pages the listing's error handler accepts: without that, a malformed 200 that the
error handler retries would be replayed from the cache on every retry and fail the sync.

Routers here read the parent streams' records (through the CDK retriever: paging, retries and the API
budget apply) and follow the keys they need themselves; `SubstreamPartitionRouter` looks every field up
with ``dpath.get``, which walks the whole record each time. The listings are full-refresh parents
without state of their own, so their cursors are not consulted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import InitVar, dataclass
from typing import Any

import requests_cache
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    ParentStreamConfig,
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction
from airbyte_cdk.sources.types import Record, StreamSlice
from unified_hris.components.partition_routers import SliceOnlyPartitionRouter

MISSING = object()
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@contextmanager
def reading(listing: str) -> Iterator[None]:
    """Hold while reading the listing (the parent stream's name) completely; never yield inside."""
    with _locks_guard:
        lock = _locks.setdefault(listing, threading.Lock())
    with lock:
        yield


def follow(record: Mapping[str, Any], path: Sequence[str]) -> Any:
    """The value at ``path`` (keys of nested objects), or `MISSING`."""
    value: Any = record
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return MISSING
        value = value[key]
    return value


def _cache_complete_pages_only(parent: ParentStreamConfig) -> None:
    # The CDK builds the cached session inside the parent's HTTP client and offers no option for
    # which responses it stores; test_connector_unit covers a malformed page of a cached listing.
    stream = parent.stream
    try:
        requester = stream._stream_partition_generator._partition_factory._retriever.requester  # type: ignore[attr-defined]
        session = requester._http_client._session
    except AttributeError:
        return
    if isinstance(session, requests_cache.CacheMixin):
        handler = requester.error_handler
        session.settings.filter_fn = lambda response: (
            handler.interpret_response(response).response_action == ResponseAction.SUCCESS
        )


def records(parent: ParentStreamConfig) -> Iterable[Record]:
    """Every record of the parent listing, page by page."""
    _cache_complete_pages_only(parent)
    for partition in parent.stream.generate_partitions():
        yield from partition.read()


def keys(router: SubstreamPartitionRouter) -> list[tuple[str, Any, Mapping[str, Any]]]:
    """``(partition_field, parent key, parent partition)`` of every parent record that has the key,
    read under `reading`: what `SubstreamPartitionRouter` would put into its slices' partitions."""
    found: list[tuple[str, Any, Mapping[str, Any]]] = []
    for parent in router.parent_stream_configs:
        field = str(parent.partition_field.eval(router.config))  # type: ignore[union-attr]
        path = str(parent.parent_key.eval(router.config)).split("/")  # type: ignore[union-attr]
        with reading(parent.stream.name):
            for record in records(parent):
                key = follow(record.data, path)
                if key is not MISSING and key is not None:
                    found.append(
                        (field, key, record.associated_slice.partition if record.associated_slice else {})
                    )
    return found


def key_slices(router: SubstreamPartitionRouter) -> Iterable[StreamSlice]:
    """The slices ``router.stream_slices()`` yields for parents without extra fields, same partitions."""
    for field, key, parent_partition in keys(router):
        yield StreamSlice(partition={field: key, "parent_slice": parent_partition or {}}, cursor_slice={})


@dataclass
class ListingKeys(SliceOnlyPartitionRouter):
    """``partition_router: {type: CustomPartitionRouter, class_name: ...ListingKeys, listing: <SubstreamPartitionRouter>}``"""

    listing: SubstreamPartitionRouter
    parameters: InitVar[Mapping[str, Any]]

    def stream_slices(self) -> Iterable[StreamSlice]:
        yield from key_slices(self.listing)
