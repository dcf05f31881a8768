"""Listings read by more than one stream, requested once per sync.

A connector whose company-level lists feed several streams (an employee list read by ``employees``
and by per-employee fan-outs, say) builds its streams with `ListCacheFactory`: every requester the
manifest marks ``use_cache: true`` then gets the sync's one `ListSession`, the CDK's cached,
rate-limited session over ONE SQLite file in a temporary folder of this process (removed at the end
of the read or at exit; a folder left by a killed process, which holds personal data, is removed by
the next sync that starts on the machine, see `remove_stale_folders`). The CDK's own cache would not do: it keeps one file per stream name (in the
folder the CDK entrypoint puts in ``REQUEST_CACHE_PATH``; in memory when that is unset), so two
streams never share a page. The factories the CDK creates for parent streams get the same cache.

Streams run concurrently: a request waits while the same request is in flight, then reads the cache,
so two readers paging through the same listing at once still make one call per page. Only pages the
requester's error handler accepts are kept: a malformed 200 that it retries must be fetched again,
not replayed from the cache.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import requests_cache
from airbyte_cdk.sources.streams.call_rate import APIBudget, CachedLimiterSession
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction
from airbyte_cdk.sources.types import Config

from unified_hris_cdk.factory import UnifiedComponentFactory
from unified_hris_cdk.sessions import remember_environment_settings


class _InFlight:
    """One lock per cache key, shared by the sessions of one cache."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())


_sending = threading.local()


def _accepted(response: requests.Response) -> bool:
    """The cache's filter: the sending session's own `accepts` (requests-cache keeps one filter per
    backend, and every session of the sync shares the backend)."""
    accepts: Callable[[requests.Response], bool] = _sending.accepts
    return accepts(response)


class ListSession(CachedLimiterSession):
    """`CachedLimiterSession` that sends each distinct request once at a time (one lock per cache key)
    and keeps only the responses its `accepts` takes."""

    def __init__(
        self, in_flight: _InFlight, accepts: Callable[[requests.Response], bool], **kwargs: Any
    ) -> None:
        super().__init__(filter_fn=_accepted, **kwargs)
        self._in_flight = in_flight
        self._accepts = accepts

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        with self._in_flight.lock(self.cache.create_key(request)):
            _sending.accepts = self._accepts
            return super().send(request, **kwargs)


FOLDER_PREFIX = "unified-hris-lists-"
#: A folder whose owner cannot be told (no process id in its name) is stale after this long.
UNOWNED_FOLDER_SECONDS = 24 * 3600


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_folders(root: Path | None = None) -> list[Path]:
    """Remove the list-cache folders of processes that are gone (killed before their clean-up ran)."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        owner = folder.name[len(FOLDER_PREFIX) :].split("-", 1)[0]
        try:
            if owner.isdigit():
                stale = int(owner) != os.getpid() and not _alive(int(owner))
            else:  # an older version's folder: no owner in its name
                stale = time.time() - folder.stat().st_mtime > UNOWNED_FOLDER_SECONDS
        except OSError:
            continue
        if stale and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


class ListCache:
    """The SQLite cache of one sync, created on first use; its folder is removed by `close` or at exit
    (and by the next process, `remove_stale_folders`, when this one is killed). Each requester gets a
    `ListSession` of its own over it, keeping the responses that requester's error handler accepts."""

    def __init__(self) -> None:
        self._backend: requests_cache.SQLiteCache | None = None
        self._folder: Path | None = None
        self._in_flight = _InFlight()
        self._sessions: list[ListSession] = []
        self._guard = threading.Lock()

    def session(
        self,
        api_budget: APIBudget,
        auth: Any,
        accepts: Callable[[requests.Response], bool],
        adapter: requests.adapters.BaseAdapter,
    ) -> ListSession:
        """A session over the sync's cache: `accepts` says which responses it may keep, `adapter`
        sends its requests."""
        with self._guard:
            if self._backend is None:
                remove_stale_folders()
                folder = self._folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
                atexit.register(shutil.rmtree, folder, ignore_errors=True)
                self._backend = requests_cache.SQLiteCache(folder / "lists.sqlite", fast_save=True, wal=True)
            session = ListSession(
                self._in_flight, accepts, backend=self._backend, api_budget=api_budget, match_headers=True
            )
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.auth = auth
            remember_environment_settings(session)
            self._sessions.append(session)
            return session

    def close(self) -> None:
        with self._guard:
            for session in self._sessions:
                session.close()
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
            self._sessions, self._backend, self._folder = [], None, None


#: The `SyncScope` key of the build's `ListCache`.
LIST_CACHE = "unified_hris_cdk.list_cache"


class ListCacheFactory(UnifiedComponentFactory):
    """A component factory whose ``use_cache: true`` requesters share the sync's one `ListSession`
    (a source opts in with ``component_factory = ListCacheFactory``, or a subclass of it). The cache
    is the build's, kept in its `scope` (the factories the CDK creates for parent streams share it)."""

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

            client._session = self.scope.once(LIST_CACHE, ListCache).session(
                client._api_budget, client._session.auth, accepts, client._session.get_adapter("https://")
            )
        return requester
