"""The HTTP transport of every requester: a total deadline per request, and fail-fast unreachable hosts.

- **Deadline**: the CDK's read timeout bounds each wait for a byte, so a server that trickles a byte
  every few seconds holds a request forever. `DeadlineAdapter` gives every request (connection,
  headers and body) one total deadline: a watchdog thread shuts the request's socket down when it
  passes, and the request fails with a `requests.ReadTimeout`, which the error handler retries like
  any timeout.
- **Unreachable hosts**: a host name that does not resolve, a refused connection or a failed TLS
  handshake, on a host that has not answered once in this process, is a configuration problem (a
  wrong subdomain, region or base URL): the request fails at once with a ``config_error`` naming the
  config field, instead of being retried for minutes. Once a host has answered, the same errors are
  transient (a restart, a network blip) and keep their backoff.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.http_config import MAX_CONNECTION_POOL_SIZE
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError

from unified_hris_cdk.retries import ELAPSED

#: (config field, what to enter) for the host a connector talks to, e.g. ("subdomain", "the part ...").
HostHint = tuple[str, str]


@dataclass(eq=False)
class _Request:
    """One request in flight: its connection (once it sends) and whether its deadline fired."""

    connection: HTTPConnection | None = None
    done: bool = False
    fired: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Watchdog:
    """One daemon thread that shuts down the socket of every request whose deadline passed."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Request]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, request: _Request, seconds: float) -> None:
        with self._wake:
            heapq.heappush(self._heap, (time.monotonic() + seconds, next(self._order), request))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="request-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is request:
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                deadline, _, request = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
            _expire(request)


def _expire(request: _Request) -> None:
    with request.lock:
        if request.done:
            return
        request.fired = True
        sock = request.connection.sock if request.connection is not None else None
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # wakes the blocked read (TLS sockets too)


_WATCHDOG = _Watchdog()
_current = threading.local()


class _WatchedConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        watched: _Request | None = getattr(_current, "request", None)
        if watched is not None:
            with watched.lock:
                watched.connection = self
        super().request(*args, **kwargs)


class _WatchedTLSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedTLSConnection


_POOLS = {"http": _Pool, "https": _TLSPool}
_reached: set[str] = set()
_unreachable: list[AirbyteTracedException] = []
_guard = threading.Lock()


def _why_unreachable(error: requests.exceptions.ConnectionError) -> str | None:
    """What makes the host unreachable, from the exception chain; None for a transient failure."""
    if isinstance(error, requests.exceptions.SSLError):
        return "the TLS handshake failed (no HTTPS server there, or a certificate that is not valid for it)"
    pending: list[Any] = [error]
    seen: set[int] = set()
    while pending:
        cause = pending.pop()
        if not isinstance(cause, BaseException) or id(cause) in seen:
            continue
        seen.add(id(cause))
        if isinstance(cause, NameResolutionError | socket.gaierror):
            return "the host name does not resolve (DNS)"
        if isinstance(cause, ConnectionRefusedError):
            return "it refuses connections"
        pending += [*cause.args, cause.__cause__, cause.__context__, getattr(cause, "reason", None)]
    return None


def new_sync() -> None:
    """A sync (a `check` or a `read`) starts: no host has answered it yet, none was found unreachable."""
    with _guard:
        _reached.clear()
        _unreachable.clear()


def unreachable_error() -> AirbyteTracedException | None:
    """The first unreachable-host error of this sync (for `check` to report as the config error)."""
    with _guard:
        return _unreachable[0] if _unreachable else None


class DeadlineAdapter(requests.adapters.HTTPAdapter):
    """`HTTPAdapter` with a total deadline per request and fail-fast unreachable hosts (module doc)."""

    def __init__(self, deadline: float, hint: HostHint | None = None) -> None:
        super().__init__(pool_connections=MAX_CONNECTION_POOL_SIZE, pool_maxsize=MAX_CONNECTION_POOL_SIZE)
        self._deadline = deadline
        self._hint = hint

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(*args, **kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        seconds = self._deadline
        started = time.monotonic()
        watched = _Request()
        _current.request = watched
        _WATCHDOG.watch(watched, seconds)
        try:
            response = super().send(request, *args, **kwargs)
            if not kwargs.get("stream", False):
                response.content  # noqa: B018  # the body is read under the deadline too
        except requests.exceptions.RequestException as error:
            setattr(error, ELAPSED, time.monotonic() - started)
            if watched.fired:
                timeout = requests.exceptions.ReadTimeout(
                    f"{_host(request)} did not answer in full within {seconds:g} s (request_timeout_seconds)",
                    request=request,
                )
                setattr(timeout, ELAPSED, time.monotonic() - started)
                raise timeout from error
            if isinstance(error, requests.exceptions.ConnectionError):
                self._raise_if_unreachable(request, error)
            raise
        finally:
            with watched.lock:
                watched.done = True
            _current.request = None
        with _guard:
            _reached.add(_host(request))
        return response

    def _raise_if_unreachable(
        self, request: requests.PreparedRequest, error: requests.exceptions.ConnectionError
    ) -> None:
        host = _host(request)
        reason = _why_unreachable(error)
        with _guard:
            if reason is None or host in _reached:
                return
        field_name, advice = self._hint or ("base_url", "the API's address")
        message = f"Cannot reach {host}: {reason}. Check '{field_name}' ({advice}) and this machine's network access to it."
        problem = AirbyteTracedException(
            message=message,
            internal_message=f"{message} ({type(error).__name__})",
            failure_type=FailureType.config_error,
        )
        with _guard:
            _unreachable.append(problem)
        raise problem from None


def _host(request: requests.PreparedRequest) -> str:
    parts = urlsplit(str(request.url))
    return parts.netloc.rsplit("@", 1)[-1] or str(parts.hostname)


def install(session: requests.Session, deadline: float, hint: HostHint | None) -> None:
    """Send every request of `session` through a `DeadlineAdapter`."""
    adapter = DeadlineAdapter(deadline, hint)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
