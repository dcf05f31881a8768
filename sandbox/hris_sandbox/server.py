"""The HTTP machinery every provider sandbox shares.

A provider is a `ProviderApp`: it declares routes (``GET /api/employees/{id}``), authenticates, and
renders its company in its own API shape. `SandboxServer` serves an app on 127.0.0.1 (a thread for
tests, the foreground for the CLI) with HTTP/1.1 keep-alive, a request log with counts per route,
switchable faults, and control endpoints under ``/__sandbox__/`` so a sandbox running in another
process can be inspected, faulted and mutated.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hris_sandbox.company import Company
from hris_sandbox.faults import Fault, FaultInjector
from hris_sandbox.latency import Latency

CONTROL_PREFIX = "/__sandbox__"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    client: str
    params: dict[str, str] = field(default_factory=dict)  # path parameters of the matched route

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
        return cls(status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})


Handler = Callable[[Request], Response]


@dataclass
class Route:
    method: str
    pattern: str
    handler: Handler
    regex: re.Pattern[str]


class ProviderApp:
    """Base of a provider sandbox. Subclasses call `add_route` and implement `authenticate`."""

    name = "provider"

    def __init__(self, company: Company) -> None:
        self.company = company
        self.routes: list[Route] = []
        #: Delay before each response is written (`hris_sandbox.latency`); None: answer at once.
        self.latency: Latency | None = None

    def add_route(self, method: str, pattern: str, handler: Handler) -> None:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
        self.routes.append(Route(method.upper(), pattern, handler, regex))

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, path params, path exists with another method)."""
        other_method = False
        for route in self.routes:
            found = route.regex.match(path)
            if found:
                if route.method == method:
                    return route, found.groupdict(), False
                other_method = True
        return None, {}, other_method

    def authenticate(self, request: Request) -> Response | None:
        """Return an error response to refuse the request, None to accept it."""
        return None

    def not_found(self, request: Request) -> Response:
        return Response.json({"error": "not found"}, 404)

    def method_not_allowed(self, request: Request) -> Response:
        return Response.json({"error": "method not allowed"}, 405)

    def before_request(self, request: Request) -> Response | None:
        """Hook for provider limits (rate limits) applied after authentication."""
        return None

    def handle(self, request: Request) -> tuple[str, Response]:
        route, params, other = self.match(request.method, request.path)
        if route is None:
            return "(unmatched)", self.method_not_allowed(request) if other else self.not_found(request)
        request.params = params
        refused = self.authenticate(request) or self.before_request(request)
        if refused is not None:
            return route.pattern, refused
        return route.pattern, route.handler(request)

    def credentials(self) -> dict[str, Any]:
        """The secrets this sandbox accepts (e.g. ``{"api_key": ...}``)."""
        return {}

    def connector_config(self, base_url: str) -> dict[str, Any]:
        """A complete, valid config of the matching connector pointed at this sandbox at `base_url`
        (the server's root URL, e.g. ``http://127.0.0.1:PORT``)."""
        raise NotImplementedError(f"{self.name} has no matching connector config")


@dataclass
class LogEntry:
    at: float
    method: str
    path: str
    route: str
    status: int
    client: str
    fault: str | None
    query: str = ""
    body: bytes = b""

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "route": self.route,
            "status": self.status,
            "fault": self.fault,
            "body": self.body.decode("utf-8", "replace"),
        }


class RequestLog:
    """Thread-safe log of every request the app served (control calls excluded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[LogEntry] = []

    def add(self, entry: LogEntry) -> None:
        with self._lock:
            self.entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def snapshot(self) -> list[LogEntry]:
        with self._lock:
            return list(self.entries)

    def count(self, route: str | None = None, method: str | None = None) -> int:
        return sum(
            1
            for e in self.snapshot()
            if (route is None or e.route == route) and (method is None or e.method == method)
        )

    def by_route(self) -> dict[str, int]:
        return dict(Counter(f"{e.method} {e.route}" for e in self.snapshot()))

    def max_in_window(self, seconds: float) -> int:
        """The most requests seen in any sliding window of `seconds` (for rate-limit assertions)."""
        times = sorted(e.at for e in self.snapshot())
        best, lo = 0, 0
        for hi, moment in enumerate(times):
            while moment - times[lo] >= seconds:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    def as_json(self) -> dict[str, Any]:
        entries = self.snapshot()
        return {
            "total": len(entries),
            "by_route": dict(Counter(f"{e.method} {e.route}" for e in entries)),
            "by_status": dict(Counter(str(e.status) for e in entries)),
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr access logs
        return

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        sandbox = self.server.sandbox
        body = self._read_body()
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=self.headers,  # type: ignore[arg-type]
            body=body,
            client=self.client_address[0],
        )
        if request.path.startswith(CONTROL_PREFIX):
            self._write(sandbox.control(request))
            return
        fault = sandbox.faults.take(request)
        response: Response | None = None
        if fault is not None and fault.replaces_response():
            matched = sandbox.app.match(request.method, request.path)[0]
            route = matched.pattern if matched else "(unmatched)"
            status = fault.status if fault.kind != "reset" else 0
        else:
            route, response = sandbox.app.handle(request)
            status = response.status
        sandbox.log.add(
            LogEntry(
                time.time(),
                request.method,
                request.path,
                route,
                status,
                request.client,
                fault.kind if fault else None,
                parts.query,
                body,
            )
        )
        if sandbox.app.latency is not None:
            time.sleep(sandbox.app.latency.next_delay())
        if fault is not None:
            self._apply_fault(fault, response)
        else:
            assert response is not None
            self._write(response)

    def _write(self, response: Response, body: bytes | None = None) -> None:
        payload = response.body if body is None else body
        head = [f"HTTP/1.1 {response.status} {self.responses.get(response.status, ('',))[0]}"]
        headers = {
            "Content-Length": str(len(response.body)),
            "Content-Type": "application/json",
            **response.headers,
        }
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)
        self.wfile.flush()

    def _apply_fault(self, fault: Fault, response: Response | None) -> None:
        if fault.kind == "trickle":
            assert response is not None
            self._trickle(response, fault.delay)
            return
        if fault.delay:
            time.sleep(fault.delay)
        if fault.kind == "slow":
            assert response is not None
            self._write(response)
        elif fault.kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif fault.kind == "truncate":
            assert response is not None
            self._write(response, body=response.body[: max(1, len(response.body) // 2)])
            self.close_connection = True
        else:
            self._write(fault.response(response))

    def _trickle(self, response: Response, every: float) -> None:
        """The real headers, then the body a byte at a time until the client gives up or it is sent."""
        self._write(response, body=b"")
        try:
            for index in range(len(response.body)):
                time.sleep(every)
                self.wfile.write(response.body[index : index + 1])
                self.wfile.flush()
        except OSError:  # the client hung up
            pass
        self.close_connection = True

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: SandboxServer


class SandboxServer:
    """Serve a `ProviderApp` on 127.0.0.1. Use as a context manager in tests::

    with SandboxServer(SageHRApp(Company.generate(120))) as sandbox:
        requests.get(sandbox.url + "/api/employees", headers=...)
        assert sandbox.log.count("/api/employees") == 1
    """

    def __init__(self, app: ProviderApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.log = RequestLog()
        self.faults = FaultInjector()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.sandbox = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._httpd.server_address[0]}:{self.port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"sandbox-{self.app.name}", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def info(self) -> dict[str, Any]:
        """What a client of this sandbox needs: provider, object counts, credentials, a connector config."""
        try:
            config: dict[str, Any] | None = self.app.connector_config(self.url)
        except NotImplementedError:
            config = None
        return {
            "provider": self.app.name,
            "url": self.url,
            "counts": self.app.company.counts(),
            "credentials": self.app.credentials(),
            "connector_config": config,
        }

    # -- control endpoints --------------------------------------------------------------------
    def control(self, request: Request) -> Response:
        action = request.path[len(CONTROL_PREFIX) :].strip("/")
        try:
            if action == "log" and request.method == "GET":
                summary = self.log.as_json()
                if request.arg("entries"):
                    summary["entries"] = [e.as_json() for e in self.log.snapshot()]
                return Response.json(summary)
            if action == "log" and request.method == "DELETE":
                self.log.clear()
                return Response.json({"cleared": True})
            if action == "faults" and request.method == "POST":
                specs = request.json()
                for spec in specs if isinstance(specs, list) else [specs]:
                    self.faults.add(Fault(**spec))
                return Response.json({"faults": len(self.faults.active())})
            if action == "faults" and request.method == "DELETE":
                self.faults.clear()
                return Response.json({"faults": 0})
            if action == "mutate" and request.method == "POST":
                spec = request.json()
                result = self.app.company.mutate(spec.pop("op"), **spec)
                return Response.json({"ok": True, "key": getattr(result, "key", None)})
            if action == "info" and request.method == "GET":
                return Response.json(self.info())
        except (TypeError, ValueError, KeyError, StopIteration) as error:
            return Response.json({"error": f"{type(error).__name__}: {error}"}, 400)
        return Response.json({"error": f"unknown control action {request.method} {action}"}, 404)


def serve_in_thread(app: ProviderApp) -> SandboxServer:
    return SandboxServer(app).start()


def paginate(items: list[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """The 1-based `page` of `items` and the number of pages (at least 1)."""
    pages = max(1, -(-len(items) // per_page))
    start = (page - 1) * per_page
    return items[start : start + per_page], pages


def int_arg(value: str | None, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    """Parse an integer query parameter leniently, as real APIs do (bad values fall back)."""
    try:
        number = int(value) if value not in (None, "") else default
    except ValueError:
        number = default
    number = max(minimum, number)
    return min(number, maximum) if maximum is not None else number


def flatten_csv(values: Iterable[str]) -> list[str]:
    """``x=a,b``, ``x=a&x=b`` and ``x[]=a`` all become ``["a", "b"]``."""
    return [part for value in values for part in value.split(",") if part]
