"""Listings read by more than one stream, requested once per sync.

A connector whose company-level lists feed several streams (an employee list read by ``employees``
and by per-employee fan-outs, say) builds its streams with `ListCacheFactory`: every requester the
manifest marks ``use_cache: true`` then gets the sync's one `ListSession`, the CDK's cached,
rate-limited session over ONE SQLite file in a temporary folder of this process (removed at the end
of the read or at exit). The CDK's own cache would not do: it keeps one file per stream name (in the
folder the CDK entrypoint puts in ``REQUEST_CACHE_PATH``; in memory when that is unset), so two
streams never share a page. The factories the CDK creates for parent streams get the same cache.

Streams run concurrently: a request waits while the same request is in flight, then reads the cache,
so two readers paging through the same listing at once still make one call per page. Only pages the
requester's error handler accepts are kept: a malformed 200 that it retries must be fetched again,
not replayed from the cache.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import requests
import requests_cache
from airbyte_cdk.sources.http_config import MAX_CONNECTION_POOL_SIZE
from airbyte_cdk.sources.streams.call_rate import APIBudget, CachedLimiterSession
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction
from airbyte_cdk.sources.types import Config

from unified_hris.components.sessions import remember_environment_settings
from unified_hris.components.source import UnifiedComponentFactory


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
                folder = self._folder = Path(tempfile.mkdtemp(prefix="unified-hris-lists-"))
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


class ListCacheFactory(UnifiedComponentFactory):
    """A component factory whose ``use_cache: true`` requesters share the sync's one `ListSession`
    (a source opts in with ``component_factory = ListCacheFactory``, or a subclass of it)."""

    list_cache: ListCache | None = None
    #: The list cache of the factory building a parent stream, for the factory the CDK creates for it.
    _handed_down: ClassVar[ListCache | None] = None

    def _list_cache(self) -> ListCache:
        if self.list_cache is None:
            self.list_cache = ListCacheFactory._handed_down or ListCache()
        return self.list_cache

    def create_http_requester(
        self, model: Any, config: Config, *args: Any, name: str, use_cache: bool | None = None, **kwargs: Any
    ) -> Any:
        shared = bool(model.use_cache or use_cache) and not self._disable_cache
        if shared:
            model = model.copy(update={"use_cache": False})  # not the CDK's per-stream cache
        requester = super().create_http_requester(model, config, *args, name=name, **kwargs)
        if shared:
            client = requester._http_client  # the CDK builds the client's session itself: swap it
            handler = requester.error_handler

            def accepts(response: requests.Response) -> bool:
                """A page the error handler takes as it is (not one it would retry)."""
                return handler.interpret_response(response).response_action == ResponseAction.SUCCESS

            client._session = self._list_cache().session(client._api_budget, client._session.auth, accepts)
        return requester

    def create_parent_stream_config_with_substream_wrapper(
        self, model: Any, config: Config, *, stream_name: str, **kwargs: Any
    ) -> Any:
        """The CDK builds a parent stream with a new factory: it gets this one's list cache (streams are
        built on the main thread before any read)."""
        handed_down = ListCacheFactory._handed_down
        ListCacheFactory._handed_down = self._list_cache()
        try:
            return super().create_parent_stream_config_with_substream_wrapper(
                model, config, stream_name=stream_name, **kwargs
            )
        finally:
            ListCacheFactory._handed_down = handed_down

    def new_build(self) -> None:
        """A new cache for a new set of streams."""
        if self.list_cache is not None:
            self.list_cache.close()
        self.list_cache = None
