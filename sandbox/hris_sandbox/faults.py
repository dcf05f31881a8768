"""Switchable faults: what goes wrong with real APIs, injected on matching requests.

Kinds:
- ``status``: reply `status` (e.g. 500/502/503) with `body`, optionally `retry_after`;
- ``rate_limit``: 429 with ``Retry-After`` (seconds such as ``"1"`` or an HTTP date);
- ``slow``: serve the real response after `delay` seconds (longer than the client's read timeout);
- ``trickle``: send the real headers at once, then the body one byte every `delay` seconds (each wait
  shorter than a read timeout, the whole far longer);
- ``reset``: drop the connection without a response (TCP RST);
- ``truncate``: send the real headers and half of the real body, then close;
- ``malformed``: HTTP 200 with a JSON body cut short;
- ``html``: HTTP 200 with an HTML error page;
- ``body``: HTTP `status` (default 200) with a provider-specific `body` (e.g. PeopleHR ``isError``);
- ``redirect``: `status` 302/307/308 to `location` (for credential-forwarding tests).

A fault matches requests whose path matches the `path` regex (and `method`, and `body_match`, a
regex searched in the request body, if set: PeopleHR's per-employee calls differ only there), skips
the first `after` matches, then hits `times` requests (``-1``: forever).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hris_sandbox.server import Request, Response

KINDS = {
    "status",
    "rate_limit",
    "slow",
    "trickle",
    "reset",
    "truncate",
    "malformed",
    "html",
    "body",
    "redirect",
}
_PASS_THROUGH = {"slow", "trickle", "truncate"}  # these need the real response


@dataclass
class Fault:
    kind: str
    path: str = ".*"
    method: str | None = None
    times: int = 1
    after: int = 0
    status: int = 0
    retry_after: str | None = None
    delay: float = 0.0
    body: Any = None
    location: str | None = None
    body_match: str | None = None
    _seen: int = field(default=0, repr=False)
    _hits: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(sorted(KINDS))}")
        if not self.status:
            self.status = {"status": 503, "rate_limit": 429, "redirect": 307}.get(self.kind, 200)
        self._regex = re.compile(self.path)
        self._body_regex = re.compile(self.body_match) if self.body_match else None

    def replaces_response(self) -> bool:
        return self.kind not in _PASS_THROUGH

    def matches(self, request: Request) -> bool:
        return (
            bool(self._regex.search(request.path))
            and (self.method is None or self.method == request.method)
            and (
                self._body_regex is None
                or bool(self._body_regex.search(request.body.decode("utf-8", "replace")))
            )
        )

    def exhausted(self) -> bool:
        return self.times >= 0 and self._hits >= self.times

    def response(self, real: Response | None) -> Response:
        from hris_sandbox.server import Response

        headers: dict[str, str] = {}
        if self.retry_after is not None:
            headers["Retry-After"] = self.retry_after
        if self.kind == "rate_limit":
            body = self.body if self.body is not None else {"error": "Too Many Requests"}
            return Response.json(body, self.status, headers)
        if self.kind == "status":
            body = self.body if self.body is not None else {"error": "Service Unavailable"}
            return Response.json(body, self.status, headers)
        if self.kind == "malformed":
            return Response(
                self.status, b'{"data": [{"id": 1, "first_name": "Tru', {"Content-Type": "application/json"}
            )
        if self.kind == "html":
            page = b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We'll be back soon</h1></body></html>"
            return Response(self.status, page, {"Content-Type": "text/html; charset=utf-8"})
        if self.kind == "redirect":
            return Response(self.status, b"", {"Location": self.location or "/"})
        body = self.body if isinstance(self.body, bytes | str) else json.dumps(self.body)
        return Response(
            self.status,
            body.encode() if isinstance(body, str) else body,
            {"Content-Type": "application/json"} | headers,
        )


class FaultInjector:
    """The active faults of one sandbox; `take` returns the fault to apply to a request, if any."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            return [f for f in self._faults if not f.exhausted()]

    def take(self, request: Request) -> Fault | None:
        if not self._faults:
            return None
        with self._lock:
            for fault in self._faults:
                if fault.exhausted() or not fault.matches(request):
                    continue
                fault._seen += 1
                if fault._seen <= fault.after:
                    continue
                fault._hits += 1
                return fault
        return None
