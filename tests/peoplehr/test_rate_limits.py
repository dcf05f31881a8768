"""One rate limiter for every call: a full sync of a 170-employee tenant never exceeds the configured
requests per minute (measured by the sandbox, which enforces the same limit) and makes exactly the
calls the README's formula gives: 1 + 9 W + B for W employees with data in the window (six areas of
time off, pay and benefits, each employee's detail for the job history, timesheets and holiday
entitlements) and B of them with an entitlement this leave year (their holidays once more)."""

from __future__ import annotations

import pytest

from .conftest import entitled, fanned_out, runner, serve

pytestmark = pytest.mark.slow

RATE = 1000  # per minute; 30 in production. The sync needs about 1,600 calls, so the limiter must act.
EMPLOYEES = 170


def test_a_full_sync_respects_the_rate_and_the_call_formula() -> None:
    server = serve(employees=EMPLOYEES, seed=21, rate_limit=RATE)
    try:
        config = server.app.connector_config(server.url)
        assert config["requests_per_minute"] == RATE
        run = runner().read(config, incremental=False)
        run.raise_on_failure()
        log = server.log.snapshot()
        workers = fanned_out(server.app.company, config["start_date"])
        balances = entitled(server.app.company, config["start_date"])
    finally:
        server.stop()
    calls = {route: count for route, count in server.log.by_route().items()}
    assert calls == {
        "POST /Employee": 1 + workers,  # the list, then each employee's detail (employments)
        "POST /Holiday": workers + balances,
        "POST /Absence": workers,
        "POST /OtherEvent": workers,
        "POST /MaternityPaternity": workers,
        "POST /Salary": workers,
        "POST /Benefit": workers,
        "POST /Timesheet": workers,
        "POST /HolidayEntitlements": workers,
    }
    assert len(log) == 1 + 9 * workers + balances > RATE
    assert server.log.max_in_window(60) <= RATE
    assert {entry.status for entry in log} == {200}  # the sandbox never had to refuse a call
    assert run.record_counts()["employees"] == EMPLOYEES
