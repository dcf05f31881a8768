"""Credentials go only to the provider's host: a redirect to another host (127.0.0.2, a second server
recording what it receives) is refused before anything is sent there, whatever carries the key
(Sage HR's X-Auth-Token header, Sesame's Bearer header, PeopleHR's POST body on 307/308)."""

from __future__ import annotations

import pytest
from hris_sandbox import Fault

from .conftest import Env, start_sandbox

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
