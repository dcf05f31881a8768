"""Hosts. Credentials go only to the provider's host: a redirect to another host (127.0.0.2, a second
server recording what it receives) is refused before anything is sent there, whatever carries the key
(Sage HR's X-Auth-Token header, Sesame's Bearer header, PeopleHR's POST body on 307/308). A host that
cannot be reached (DNS, refused, TLS) fails `check` and `read` in seconds with a config error naming
the field, instead of being retried for minutes."""

from __future__ import annotations

import socket
import time

import pytest
from hris_sandbox import Fault

from .conftest import SAGE, Env, start_sandbox

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("status", [302, 307, 308])
def test_a_redirect_to_another_host_gets_nothing(clean: Env, status: int) -> None:
    evil = start_sandbox(clean.connector, host="127.0.0.2")
    try:
        path = clean.connector.list_path.strip("^$")
        clean.sandbox.faults.add(
            Fault(
                "redirect",
                path=clean.connector.list_path,
                status=status,
                location=f"{evil.url}{path}",
                times=-1,
            )
        )
        result = clean.read()
        assert evil.log.count() == 0, f"the other host received {evil.log.by_route()}"
    finally:
        evil.stop()
    assert result.returncode != 0
    messages = [e["message"] for e in result.errors()]
    assert any("redirected to another host" in m for m in messages), messages
    assert not result.records(clean.connector.stream)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unreachable_base_urls(env: Env) -> dict[str, str]:
    """A base URL per way a host can be unreachable: a name that does not resolve (``.invalid`` never
    does), a port nobody listens on, a plain-HTTP server addressed over TLS."""
    path = "/api" if env.connector is SAGE else ""
    return {
        "DNS failure": f"https://hris-sandbox.invalid{path}",
        "connection refused": f"http://127.0.0.1:{closed_port()}{path}",
        "TLS failure": f"https://127.0.0.1:{env.sandbox.port}{path}",
    }


@pytest.mark.parametrize("verb", ["check", "read"])
def test_an_unreachable_host_fails_in_seconds_naming_the_field(clean: Env, verb: str) -> None:
    problems = {}
    for case, base_url in unreachable_base_urls(clean).items():
        config = {**clean.config, "base_url": base_url}
        started = time.monotonic()
        result = clean.read(config=config) if verb == "read" else clean.run("check", config)
        seconds = time.monotonic() - started
        errors = [e for e in result.errors() if e["failure_type"] == "config_error"]
        if (
            not errors
            or "'base_url'" not in errors[0]["message"]
            or "Cannot reach" not in errors[0]["message"]
        ):
            problems[case] = [e["message"][:200] for e in result.errors()]
        elif seconds > 20:
            problems[case] = f"took {seconds:.0f} s"
        elif verb == "check" and result.connection_status()["status"] != "FAILED":
            problems[case] = "check did not fail"
        elif verb == "read" and result.returncode == 0:
            problems[case] = "read exited 0"
    assert not problems, problems
