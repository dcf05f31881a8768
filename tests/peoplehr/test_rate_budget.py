"""One rate limiter for every call: a full sync of a 300-employee tenant never exceeds the configured
requests per minute (measured by the sandbox, which enforces the same limit) and makes exactly the
calls the README's formula gives: 1 + 4 W for W employees with data in the window."""

from __future__ import annotations

import pytest

from .conftest import fanned_out, runner, serve

pytestmark = pytest.mark.slow

RATE = 800  # per minute; 30 in production. The sync needs about 1,200 calls, so the limiter must act.


def test_a_full_sync_of_300_employees_respects_the_rate_and_the_call_formula() -> None:
    server = serve(employees=300, seed=21, rate_limit=RATE)
    try:
        config = server.app.connector_config(server.url)
        assert config["requests_per_minute"] == RATE
        run = runner().read(config, incremental=False)
        run.raise_on_failure()
        log = server.log.snapshot()
        workers = fanned_out(server.app.company, config["start_date"])
    finally:
        server.stop()
    calls = {route: count for route, count in server.log.by_route().items()}
    assert calls == {
        "POST /Employee": 1,
        "POST /Holiday": workers,
        "POST /Absence": workers,
        "POST /Salary": workers,
        "POST /Benefit": workers,
    }
    assert len(log) == 1 + 4 * workers > RATE
    assert server.log.max_in_window(60) <= RATE
    assert {entry.status for entry in log} == {200}  # the sandbox never had to refuse a call
    assert run.record_counts()["employees"] == 300
