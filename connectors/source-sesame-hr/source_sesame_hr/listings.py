"""Listings read by more than one stream, requested once per sync.

The employee list feeds the ``employees`` stream and both fan-outs (employments, compensations); the
department assignations feed both joins (employees, departments). The manifest marks their requesters
``use_cache: true``, and `SesameComponentFactory` gives every such requester the one `ListSession` of
the sync (`ListCache`): the CDK's cached, rate-limited session over ONE SQLite file in a temporary
folder of this process. The CDK's own cache would not do: it keeps one file per stream name, so the
``employees`` stream and the fan-outs' employee list would never share a page.

Streams run concurrently: a request waits while the same request is in flight, then reads the cache,
so two readers paging through the same listing at once still make one call per page. Only pages the
requester's error handler accepts are kept: a malformed 200 that it retries must be fetched again,
not replayed from the cache.

Routers here read the parent streams' records (through the CDK retriever: paging, retries and the API
budget apply) and follow the keys they need themselves; `SubstreamPartitionRouter` looks every field up
with ``dpath.get``, which walks the whole record each time. The listings are full-refresh parents
without state of their own, so their cursors are not consulted.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass
from pathlib import Path
from typing import Any

import requests
import requests_cache
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    ParentStreamConfig,
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.http_config import MAX_CONNECTION_POOL_SIZE
from airbyte_cdk.sources.streams.call_rate import APIBudget, CachedLimiterSession
from airbyte_cdk.sources.types import Record, StreamSlice
from unified_hris.components.partition_routers import SliceOnlyPartitionRouter
from unified_hris.components.sessions import remember_environment_settings

MISSING = object()


class ListSession(CachedLimiterSession):
    """`CachedLimiterSession` that sends each distinct request once at a time (one lock per cache key)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._in_flight: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        key = self.cache.create_key(request)
        with self._guard:
            lock = self._in_flight.setdefault(key, threading.Lock())
        with lock:
            return super().send(request, **kwargs)


class ListCache:
    """The `ListSession` of one sync, created on first use; its folder is removed by `close` or at exit."""

    def __init__(self) -> None:
        self._session: ListSession | None = None
        self._folder: Path | None = None
        self._guard = threading.Lock()

    def session(
        self, api_budget: APIBudget, auth: Any, accepts: Callable[[requests.Response], bool]
    ) -> ListSession:
        """The sync's session; `accepts` says which responses may be kept (the first caller's says)."""
        with self._guard:
            if self._session is None:
                folder = self._folder = Path(tempfile.mkdtemp(prefix="source-sesame-hr-lists-"))
                atexit.register(shutil.rmtree, folder, ignore_errors=True)
                backend = requests_cache.SQLiteCache(folder / "lists.sqlite", fast_save=True, wal=True)
                session = ListSession(
                    backend=backend, api_budget=api_budget, match_headers=True, filter_fn=accepts
                )
                adapter = requests.adapters.HTTPAdapter(
                    pool_connections=MAX_CONNECTION_POOL_SIZE, pool_maxsize=MAX_CONNECTION_POOL_SIZE
                )
                session.mount("https://", adapter)
                session.auth = auth
                remember_environment_settings(session)
                self._session = session
            return self._session

    def close(self) -> None:
        with self._guard:
            if self._session is not None:
                self._session.close()
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
            self._session = self._folder = None


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
