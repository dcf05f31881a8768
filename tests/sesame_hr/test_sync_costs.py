"""A 1,000-employee tenant through the real entrypoint: a full sync makes no more calls than the formula
documented in the connector's README, and work entries edited or deleted afterwards arrive on the next
incremental sync (which asks only for entries updated since the last sync)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from conformance.runner import ConnectorRunner, RunResult, configured_catalog
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers.sesame_hr import SesameHRApp

from .conftest import CONNECTOR

pytestmark = pytest.mark.slow
EMPLOYEES = 1000
PAGE = 500


def documented_formula(app: SesameHRApp) -> int:
    """README "API calls": the upper bound of a full sync's requests for this tenant."""
    snap = app.view.snapshot()
    n = len(snap.employees.items)

    def pages(count: int) -> int:
        return max(1, math.ceil(count / PAGE))

    catalogue_used = bool(snap.compensations.items)
    contracts = sum(pages(len(listing.items)) for listing in snap.contracts.values())
    return (
        1  # GET /core/v3/info, once per run
        + pages(n)  # employees, and behind both fan-outs (read once, shared cache)
        + pages(len(snap.department_assignations.items))  # behind both joins (read once, shared cache)
        + pages(len(snap.office_assignations.items))
        + pages(len(snap.managers.items))
        + pages(len(snap.departments.items))
        + pages(len(snap.offices.items))
        + pages(len(snap.absence_types.items))
        + pages(len(snap.vacation_configurations.items))
        + pages(len(snap.vacation_requests.items))
        + pages(len(snap.absence_requests.items))
        + contracts  # one per employee (up to 500 contracts), shared by employees, employments, time off
        + 1  # the compensation catalogue probe
        + n  # salaries
        + (n if catalogue_used else 0)  # assigned compensations, only when the catalogue is used
        + pages(len(snap.work_entries.items))  # first sync: every entry updated since start_date
        + pages(len(snap.vacation_calendars.items))  # time_off_balances (the contracts are shared)
        + pages(len(snap.holiday_calendars.items))  # holidays
        + sum(pages(len(listing.items)) for listing in snap.holiday_employees.values())  # one per calendar
    )


@pytest.fixture(scope="module")
def tenant() -> Iterator[SandboxServer]:
    company = Company.generate(employees=EMPLOYEES, seed=1)
    with SandboxServer(SesameHRApp(company, rate_limit=0)) as server:
        yield server


@pytest.fixture(scope="module")
def config(tenant: SandboxServer) -> dict[str, Any]:
    return {**tenant.app.connector_config(tenant.url), "requests_per_minute": 1_000_000, "num_workers": 4}


@pytest.fixture(scope="module")
def full_sync(tenant: SandboxServer, config: dict[str, Any]) -> tuple[RunResult, dict[str, int]]:
    tenant.log.clear()
    run = ConnectorRunner([CONNECTOR]).read(config, incremental=True).raise_on_failure()
    return run, tenant.log.by_route()


def test_a_full_sync_stays_within_the_documented_call_formula(
    tenant: SandboxServer, full_sync: tuple[RunResult, dict[str, int]]
) -> None:
    run, calls = full_sync
    app = tenant.app
    assert isinstance(app, SesameHRApp)
    total = sum(calls.values())
    assert total <= documented_formula(app), f"{total} calls; by route: {calls}"
    # the joins cost list calls, never one call per employee
    per_employee = {
        route: count for route, count in calls.items() if "{employeeId}" in route or "salaries" in route
    }
    assert per_employee == {
        "GET /contract/v1/contracts/{employeeId}": EMPLOYEES,
        "GET /contract/v1/salaries": EMPLOYEES,
        "GET /contract/v1/employees/{employeeId}/compensations": EMPLOYEES,
    }
    assert calls["GET /core/v3/info"] == 1
    assert run.record_counts()["employees"] == EMPLOYEES
    # a listing that several streams read is requested once, though the streams run concurrently
    snap = app.view.snapshot()
    assert calls["GET /core/v3/employee-department-assignations"] == math.ceil(
        len(snap.department_assignations.items) / PAGE
    )
    assert calls["GET /core/v3/employees"] == math.ceil(len(snap.employees.items) / PAGE)


def test_edited_and_deleted_work_entries_arrive_on_the_next_incremental_sync(
    tenant: SandboxServer, config: dict[str, Any], full_sync: tuple[RunResult, dict[str, int]]
) -> None:
    run, _ = full_sync
    company = tenant.app.company
    staff = [e for e in company.employee_list() if len(e.work_entries) >= 3]
    edited = staff[0].work_entries[0]
    deleted = staff[1].work_entries[1]
    company.edit_work_entry(staff[0].key, edited.key, clock_in=edited.clock_in - timedelta(minutes=20))
    company.delete_work_entry(staff[1].key, deleted.key)
    catalog = configured_catalog(ConnectorRunner([CONNECTOR]).discover(config), True, ["work_entries"])
    tenant.log.clear()
    after = ConnectorRunner([CONNECTOR]).run("read", config, catalog, run.final_state()).raise_on_failure()

    rows = {r["remote_id"]: r for r in after.records("work_entries")}
    assert set(rows) == {edited.uid, deleted.uid}
    assert rows[edited.uid]["clock_in"].startswith((edited.clock_in).strftime("%Y-%m-%dT%H:%M"))
    assert rows[deleted.uid]["is_deleted"] is True and rows[deleted.uid]["remote_deleted_at"]
    (entry,) = [e for e in tenant.log.snapshot() if e.route == "/schedule/v1/work-entries"]
    query = parse_qs(entry.query)
    assert query["onlyReturn"] == ["all"] and query["updatedAt[gte]"][0] > config["start_date"]
    assert Counter(e.route for e in tenant.log.snapshot()) == {
        "/schedule/v1/work-entries": 1,
        "/core/v3/info": 1,
    }
