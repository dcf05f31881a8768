"""The per-company rate limit end to end: the request budget keeps the connector under it, and when
something else exhausts it the connector backs off on 429 and still delivers every record."""

from __future__ import annotations

from typing import Any

import pytest
from conformance.runner import ConnectorRunner
from hris_sandbox import Company, SandboxServer
from hris_sandbox.limits import SlidingWindowLimiter
from hris_sandbox.providers.sesame_hr import SesameHRApp

from .conftest import CONNECTOR

pytestmark = pytest.mark.slow


def test_the_request_budget_keeps_the_connector_under_the_limit() -> None:
    # 60 requests per 10 s in the sandbox; the connector's config asks for 60% of that
    app = SesameHRApp(Company.generate(employees=12, seed=4), rate_limit=60, rate_window=10)
    with SandboxServer(app) as server:
        config = app.connector_config(server.url)
        assert config["requests_per_minute"] == 216
        run = ConnectorRunner([CONNECTOR]).read(config).raise_on_failure()
        statuses = {e.status for e in server.log.snapshot()}
        busiest = server.log.max_in_window(10)
    assert run.record_counts()["employees"] == 12
    assert statuses == {200}, "the connector outran its own budget"
    # 216 a minute is 36 per 10-second window; the sandbox logs a request when it answers, so up to
    # `num_workers` (5 by default) requests sent at the end of one window can be logged in the next
    assert busiest <= 36 + 5
    assert len(server.log.snapshot()) > 36, "the sync was too small to need the budget"


def test_a_429_is_waited_out_and_nothing_is_lost() -> None:
    app = SesameHRApp(Company.generate(employees=12, seed=4), rate_limit=0)
    with SandboxServer(app) as server:
        config: dict[str, Any] = {**app.connector_config(server.url), "requests_per_minute": 1_000_000}
        runner = ConnectorRunner([CONNECTOR])
        reference = runner.read(config, incremental=False).raise_on_failure()
        # another integration of the company has used most of the minute: 30 calls per 3 s remain
        app.limiter = SlidingWindowLimiter(30, 3.0)
        server.log.clear()
        limited = runner.read(config, incremental=False).raise_on_failure()
        refused = [e for e in server.log.snapshot() if e.status == 429]
    assert refused, "the sandbox never refused a call: the test did not exercise a 429"
    assert limited.record_counts() == reference.record_counts()
    ids = {s: {r["id"] for r in reference.records(s)} for s in reference.record_counts()}
    assert {s: {r["id"] for r in limited.records(s)} for s in limited.record_counts()} == ids
