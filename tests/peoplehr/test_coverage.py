"""Issue 16's PeopleHR coverage end to end, through the console script against the sandbox: bookings
keep their own ids (a declined booking and its approved rebooking on the same dates are two records,
through per-employee calls and saved queries alike), the paid status of absences, holiday balances
from the entitlements and the approved holidays, and work entries and breaks from timesheets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from hris_sandbox import SandboxServer

from .conftest import fanned_out, runner, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    server = serve(employees=40, seed=11, paid_status="2")
    yield server
    server.stop()


def test_a_declined_booking_and_its_rebooking_on_the_same_dates_both_survive() -> None:
    server = serve(employees=12, seed=5)
    try:
        company = server.app.company
        employee = next(e for e in company.employee_list() if e.status(company.as_of) == "active")
        day = company.as_of + timedelta(days=200 + (7 - company.as_of.weekday()) % 7)  # a Monday
        declined = company.add_time_off_request(employee.key, day, day + timedelta(days=2), status="declined")
        approved = company.add_time_off_request(employee.key, day, day + timedelta(days=2), status="approved")
        config = server.app.connector_config(server.url)
        by_query = config | {"holiday_query": "Connector Holidays", "absence_query": "Connector Absences"}
        ids = []
        for settings in (config, by_query):
            run = runner().read(settings, incremental=False, streams=["time_off_requests"]).raise_on_failure()
            rows = {r["remote_id"]: r for r in run.records("time_off_requests")}
            assert rows[f"holiday:{declined.key}"]["status"] == "DECLINED"
            assert rows[f"holiday:{approved.key}"]["status"] == "APPROVED"
            assert not any(r["remote_id_is_synthetic"] for r in rows.values())
            ids.append(sorted(rows))
        assert ids[0] == ids[1]  # the saved queries carry the ids too
    finally:
        server.stop()


def test_absences_are_paid_by_the_configured_paid_status(server: SandboxServer) -> None:
    config = server.app.connector_config(server.url)
    for setting, paid in ((2, True), (1, False)):  # this sandbox gives paid absences code 2
        run = runner().read(config | {"paid_absence_status": setting}, incremental=False,
                            streams=["time_off_requests"]).raise_on_failure()  # fmt: skip
        sick = [r for r in run.records("time_off_requests") if r["category"] == "SICK"]
        assert sick and {r["is_paid"] for r in sick} == {paid}
        assert {r["custom_fields"]["paid_status_raw"] for r in sick} == {"2"}


def test_balances_are_the_entitlement_less_the_approved_holidays(server: SandboxServer) -> None:
    company = server.app.company
    config = server.app.connector_config(server.url)
    server.log.clear()
    run = runner().read(config, streams=["time_off_balances"]).raise_on_failure()
    calls = server.log.by_route()
    holiday = next(t for t in company.time_off_types if t.category == "VACATION")
    year = company.as_of.year
    by_employee = {r["employee_id"].rsplit(":", 1)[1]: r for r in run.records("time_off_balances")}
    employed = [
        e for e in company.employee_list()
        if e.start_date.year <= year and (e.termination_date is None or e.termination_date.year >= year)
    ]  # fmt: skip
    assert sorted(by_employee) == sorted(e.uid for e in employed)
    for e in employed:
        row = by_employee[e.uid]
        entitlement, used = company.entitlement(e, holiday, year), company.used(e, holiday, year)
        assert (Decimal(row["entitlement"]), Decimal(row["used"])) == (entitlement, used)
        assert Decimal(row["balance"]) == entitlement - used
        assert (row["period_start"], row["period_end"], row["unit"]) == (f"{year}-01-01", f"{year}-12-31", "DAYS")
    everyone = fanned_out(company, config["start_date"])
    assert calls == {"POST /Employee": 1, "POST /HolidayEntitlements": everyone, "POST /Holiday": len(employed)}


def test_work_entries_and_breaks_come_from_the_timesheet_pairs(server: SandboxServer) -> None:
    company = server.app.company
    config = server.app.connector_config(server.url)
    run = runner().read(config, streams=["work_entries"]).raise_on_failure()
    worked: Counter[str] = Counter()
    breaks: Counter[str] = Counter()
    for r in run.records("work_entries"):
        (worked if r["type"] == "WORK" else breaks)[r["employee_id"].rsplit(":", 1)[1]] += r["worked_seconds"]
    expected_worked: Counter[str] = Counter()
    expected_breaks: Counter[str] = Counter()
    for e in company.employee_list():
        for w in e.work_entries:
            pauses = sum(int((end - start).total_seconds()) for start, end in w.breaks)
            expected_worked[e.uid] += int((w.clock_out - w.clock_in).total_seconds()) - pauses
            expected_breaks[e.uid] += pauses
    assert worked == +expected_worked and breaks == +expected_breaks and sum(breaks.values()) > 0
