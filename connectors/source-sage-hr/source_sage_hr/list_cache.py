"""Each company-level list read once per sync, however many streams read it.

`/employees` (with the history flags) feeds ``employees``, ``employments`` and the ids of both
per-employee streams; `/terminated-employees` feeds ``employees`` and the ids of ``compensations``;
`/leave-management/policies` feeds ``time_off_types`` and the policy names of ``time_off_requests``.
Every requester the manifest marks ``use_cache: true`` (and every parent stream's, which the CDK marks
itself) shares one `ListSession`: the CDK's cached, rate-limited session over ONE SQLite file.

Why not the CDK's own cache as is: it keeps one file per stream name (in the temporary folder the CDK
entrypoint puts in ``REQUEST_CACHE_PATH``; in memory when that is unset, e.g. a source used in-process),
so two streams never share a page. Here one file lives in a temporary folder of this process, removed
at exit.
Streams run concurrently: a request waits while the same request is in flight, then reads the cache,
so two streams starting together still make one call. Only pages the requester's error handler
accepts are kept: a page it retries (a glitch answered with 200) must be fetched again, not replayed.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import requests_cache
from airbyte_cdk.sources.http_config import MAX_CONNECTION_POOL_SIZE
from airbyte_cdk.sources.streams.call_rate import APIBudget, CachedLimiterSession
from unified_hris.components.sessions import remember_environment_settings


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
    """One `ListSession` for the streams of one build (one sync), created on first use; its folder is
    removed by `close` or at exit."""

    def __init__(self) -> None:
        self._session: ListSession | None = None
        self._folder: Path | None = None
        self._guard = threading.Lock()

    def session(
        self, api_budget: APIBudget, auth: Any, accepts: Callable[[requests.Response], bool]
    ) -> ListSession:
        with self._guard:
            if self._session is None:
                folder = self._folder = Path(tempfile.mkdtemp(prefix="source-sage-hr-lists-"))
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
