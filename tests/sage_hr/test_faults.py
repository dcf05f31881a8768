"""What goes wrong with the real API, injected into the sandbox, through the console script."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from conformance.runner import ConnectorRunner, RunResult, configured_catalog
from hris_sandbox import Fault, SandboxServer
from hris_sandbox.providers.sage_hr import NON_ADMIN_KEY

from .conftest import CONNECTOR, sage_sandbox

pytestmark = pytest.mark.slow


@dataclass
class Setup:
    sandbox: SandboxServer
    runner: ConnectorRunner
    config: dict[str, Any]
    discovered: dict[str, Any]
    baseline: dict[str, dict[str, int]]

    def read(self, *streams: str) -> RunResult:
        self.sandbox.log.clear()
        catalog = configured_catalog(self.discovered, incremental=False, streams=streams)
        return self.runner.run("read", self.config, catalog)


@pytest.fixture(scope="module")
def small() -> Iterator[Setup]:
    with sage_sandbox(employees=25, seed=2) as server:
        runner = ConnectorRunner([CONNECTOR])
        config = server.app.connector_config(server.url)
        setup = Setup(server, runner, config, runner.discover(config), {})
        for stream in ("employees", "time_off_requests"):
            setup.baseline[stream] = setup.read(stream).raise_on_failure().record_counts()
        yield setup


@pytest.fixture
def setup(small: Setup) -> Iterator[Setup]:
    small.sandbox.faults.clear()
    yield small
    small.sandbox.faults.clear()


def test_429_is_retried_after_retry_after_and_nothing_is_lost(setup):
    setup.sandbox.faults.add(Fault("rate_limit", path="/api/employees$", retry_after="1", times=2))
    result = setup.read("employees").raise_on_failure()
    assert result.record_counts() == setup.baseline["employees"]
    hits = [e for e in setup.sandbox.log.snapshot() if e.route == "/api/employees"]
    assert [e.status for e in hits[:3]] == [429, 429, 200]
    assert hits[1].at - hits[0].at >= 1 and hits[2].at - hits[1].at >= 1, "retried before Retry-After allowed"


@pytest.mark.parametrize("kind", ["status", "malformed", "html", "truncate", "reset"])
def test_broken_pages_are_retried_not_dropped(setup, kind):
    setup.sandbox.faults.add(Fault(kind, path="/api/leave-management/requests$", after=3, times=1))
    result = setup.read("time_off_requests").raise_on_failure()
    assert result.record_counts() == setup.baseline["time_off_requests"]
    assert setup.sandbox.faults.active() == [], "the fault was hit"


def test_an_employee_deleted_mid_sync_is_skipped_with_a_log_line(setup):
    victim = setup.sandbox.app.company.active_employees()[3].key
    body = {"error_code": "not_found", "errors": []}
    setup.sandbox.faults.add(Fault("body", path=f"/api/employees/{victim}/", status=404, body=body, times=-1))
    result = setup.read("employees", "compensations").raise_on_failure()
    assert str(victim) not in {r["remote_id"] for r in result.records("employees")}
    assert not [r for r in result.records("compensations") if r["remote_id"].startswith(f"{victim}:")]
    logs = result.logs(("INFO", "WARN"))
    assert any(f"employees/{victim}/compensations" in line and "404" in line for line in logs)
    assert any(f"custom fields of employee {victim}" in line for line in logs)


def test_a_non_admin_key_fails_check_with_what_to_do(setup):
    status = setup.runner.run("check", {**setup.config, "api_key": NON_ADMIN_KEY}).connection_status()
    assert status["status"] == "FAILED" and "lost admin rights" in status["message"]


def test_the_providers_refusal_fails_the_sync_with_its_message():
    # A tenant whose window limit is stricter than documented: the connector's 65-day windows are refused.
    with sage_sandbox(employees=5, seed=2, window_limit_days="30", window_error="Window too long") as server:
        runner = ConnectorRunner([CONNECTOR])
        config = server.app.connector_config(server.url)
        catalog = configured_catalog(
            runner.discover(config), incremental=False, streams=["time_off_requests"]
        )
        result = runner.run("read", config, catalog)
    messages = [e.get("message") or "" for e in result.errors()]
    assert any("validation_failed" in m and "Window too long" in m for m in messages), messages


def test_streams_reading_the_same_list_read_it_once_even_when_they_overlap(setup, tmp_path, monkeypatch):
    # Slow list pages: the four readers of /employees and the two of /terminated-employees are all
    # waiting on the same page at once; each page still goes over the wire once.
    setup.sandbox.faults.add(Fault("slow", path="/api/(terminated-)?employees$", delay=0.5, times=-1))
    streams = ("employees", "employments", "compensations", "time_off_balances")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the connector keeps its list cache
    result = setup.read(*streams).raise_on_failure()
    assert result.record_counts()["employees"] == setup.baseline["employees"]["employees"]
    calls = setup.sandbox.log.by_route()
    assert (calls["GET /api/employees"], calls["GET /api/terminated-employees"]) == (1, 1)
    assert list(tmp_path.iterdir()) == [], "the list cache's folder is removed at exit"


@pytest.mark.parametrize("kind", ["malformed", "body"])
def test_a_broken_list_page_is_fetched_again_not_replayed_from_the_list_cache(setup, kind):
    # A 200 whose body the error handlers retry must not be kept for the other readers of the list.
    body = {"meta": {"current_page": 1}} if kind == "body" else None  # no data envelope
    setup.sandbox.faults.add(Fault(kind, path="/api/employees$", times=1, body=body))
    result = setup.read("employees", "employments").raise_on_failure()
    assert result.record_counts()["employees"] == setup.baseline["employees"]["employees"]
    assert setup.sandbox.faults.active() == [], "the fault was hit"
    assert setup.sandbox.log.by_route()["GET /api/employees"] == 2, "the broken page once, then the good one"
