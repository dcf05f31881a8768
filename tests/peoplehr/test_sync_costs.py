"""End-to-end syncs against the sandbox through the console script: the incremental call budget,
renamed and deleted employees, saved queries, a key without an area, and faults; bookings keep their own
ids (a declined booking and its approved rebooking on the same dates are two records, through per-employee
calls and saved queries alike), the paid status of absences, holiday balances from the entitlements and
the approved holidays, and work entries and breaks from timesheets."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests
from conformance.runner import RunResult
from hris_sandbox import Fault, SandboxServer
from hris_sandbox.providers.peoplehr import API_KEY

from .conftest import entitled, fanned_out, runner, serve

pytestmark = pytest.mark.slow
#: One call per employee and area; /Employee once for the list, then once per employee's detail;
#: /Holiday once more for each employee with an entitlement this leave year (the days used).
PER_EMPLOYEE = (
    "POST /Absence",
    "POST /OtherEvent",
    "POST /MaternityPaternity",
    "POST /Salary",
    "POST /Benefit",
    "POST /Timesheet",
    "POST /HolidayEntitlements",
)


@dataclass
class Journey:
    server: SandboxServer
    config: dict[str, Any]
    first: RunResult
    first_calls: dict[str, int]
    second: RunResult
    second_calls: dict[str, int]
    after: RunResult
    renamed: Any
    deleted: Any
    everyone: int  # employees with per-employee calls on a full sync (the README's W)
    unsettled: int  # the same on the next incremental sync (W - S)
    balances: tuple[int, int]  # of those, the employees with an entitlement this leave year (B)


def calls(server: SandboxServer) -> dict[str, int]:
    counted = server.log.by_route()
    server.log.clear()
    return counted


@pytest.fixture(scope="module")
def journey() -> Iterator[Journey]:
    server = serve(employees=40, seed=11)
    company = server.app.company
    config = server.app.connector_config(server.url)
    everyone = fanned_out(company, config["start_date"])
    unsettled = fanned_out(company, config["start_date"], last_sync=date.today())
    balances = (
        entitled(company, config["start_date"]),
        entitled(company, config["start_date"], last_sync=date.today()),
    )
    run = runner()
    first = run.read(config).raise_on_failure()
    first_calls = calls(server)
    second = run.read(config, state=first.final_state()).raise_on_failure()
    second_calls = calls(server)
    managers = {e.manager_key for e in company.employee_list()}
    active = [
        e
        for e in company.employee_list()
        if e.status(company.as_of) == "active" and e.requests and e.key not in managers
    ]
    renamed, deleted = active[0], active[1]
    answer = requests.post(
        f"{server.url}/Employee",
        json={
            "APIKey": API_KEY,
            "Action": "UpdateEmployeeId",
            "OldEmployeeId": server.app.employee_id(renamed),
            "NewEmployeeId": "RENAMED1",
            "ReasonForChange": "test",
        },
        timeout=10,
    ).json()
    assert answer["isError"] is False
    company.delete_employee(deleted.key)
    after = run.read(config, state=second.final_state()).raise_on_failure()
    yield Journey(
        server,
        config,
        first,
        first_calls,
        second,
        second_calls,
        after,
        renamed,
        deleted,
        everyone,
        unsettled,
        balances,
    )
    server.stop()


def test_calls_follow_the_formula_and_incremental_syncs_skip_settled_leavers(journey: Journey) -> None:
    everyone, unsettled = journey.everyone, journey.unsettled
    assert 0 < unsettled < everyone  # the tenant has leavers old enough to be settled
    full, later = journey.balances
    assert journey.first_calls == {"POST /Employee": 1 + everyone, "POST /Holiday": everyone + full} | dict.fromkeys(
        PER_EMPLOYEE, everyone
    )
    assert journey.second_calls == {
        "POST /Employee": 1 + unsettled,
        "POST /Holiday": unsettled + later,
    } | dict.fromkeys(PER_EMPLOYEE, unsettled)
    assert journey.second.record_counts() == {}  # nothing changed, nothing emitted, nothing deleted


def test_a_renamed_employee_id_changes_the_employee_number_and_no_id(journey: Journey) -> None:
    changed = [r for r in journey.after.records("employees") if not r["is_deleted"]]
    assert [(r["remote_id"], r["employee_number"]) for r in changed] == [(journey.renamed.uid, "RENAMED1")]
    for stream in ("time_off_requests", "compensations", "benefits", "time_off_balances", "work_entries"):
        assert not [r for r in journey.after.records(stream) if journey.renamed.uid in r["id"]]


def test_a_deleted_employee_is_tombstoned_with_their_records_and_skipped_leavers_keep_theirs(
    journey: Journey,
) -> None:
    gone = journey.deleted.uid
    tombstones = {
        stream: {r["remote_id"] for r in journey.after.records(stream) if r["is_deleted"]}
        for stream in ("employees", "time_off_requests", "compensations")
    }
    assert tombstones["employees"] == {gone}
    held = {
        stream: {r["remote_id"] for r in journey.first.records(stream) if r["employee_id"].endswith(f":{gone}")}
        for stream in ("time_off_requests", "compensations")
    }
    assert held["time_off_requests"] and held == {k: tombstones[k] for k in held}
    assert all(
        r["remote_deleted_at"] for s in tombstones for r in journey.after.records(s) if r["is_deleted"]
    )


def test_saved_queries_give_the_same_records_with_three_calls(journey: Journey) -> None:
    config = journey.config | {
        "holiday_query": "Connector Holidays",
        "absence_query": "Connector Absences",
        "salary_query": "Connector Salaries",
    }
    server, run = journey.server, runner()
    calls(server)
    streams = ["time_off_requests", "compensations"]
    by_query = run.read(config, incremental=False, streams=streams).raise_on_failure()
    # the areas without a saved query (other events, maternity/paternity) still fan out
    readers = fanned_out(server.app.company, config["start_date"])  # one employee was deleted meanwhile
    assert calls(server) == {"POST /Employee": 1, "POST /Query": 3} | dict.fromkeys(
        ("POST /OtherEvent", "POST /MaternityPaternity"), readers
    )
    fanned = run.read(journey.config, incremental=False, streams=streams).raise_on_failure()
    for stream in streams:
        # allowances (salary entitlements) and absences' flags and comments are not in query rows
        def same(r: dict[str, Any]) -> Any:
            return r["id"], r["record_hash"] if "absence:" not in r["id"] else r["start_date"]

        ours = dict(same(r) for r in by_query.records(stream))
        theirs = dict(same(r) for r in fanned.records(stream) if r.get("type") != "ALLOWANCE")
        assert ours == theirs, stream


def test_a_key_without_salary_fails_check_naming_it_or_skips_salary_when_told() -> None:
    areas = ["Employee", "Holiday", "Absence", "OtherEvent", "MaternityPaternity", "Benefit"]
    server = serve(employees=6, seed=3, keys=json.dumps({"key-without-salary": areas}))
    try:
        config = server.app.connector_config(server.url) | {"api_key": "key-without-salary"}
        status = runner().run("check", config).connection_status()
        assert status["status"] == "FAILED"
        assert "no access to the Salary area" in status["message"] and "read_areas" in status["message"]
        told = config | {"read_areas": ["Holiday", "Absence", "OtherEvent", "MaternityPaternity", "Benefit"]}
        assert runner().run("check", told).connection_status()["status"] == "SUCCEEDED"
        run = runner().read(told, incremental=False).raise_on_failure()
        assert "compensations" not in run.record_counts() and run.record_counts()["time_off_requests"]
        assert any("Salary area is not in 'read_areas'" in line for line in run.logs(("WARN",)))
    finally:
        server.stop()


def test_outage_pages_cut_bodies_and_in_envelope_limits_are_retried_without_loss() -> None:
    server = serve(employees=8, seed=4)
    try:
        config = server.app.connector_config(server.url)
        clean = runner().read(config, incremental=False).raise_on_failure()
        over_limit = {
            "isError": True,
            "Status": 6,
            "Message": "Exception: API call limit exceeded.",
            "Result": None,
        }
        for fault in (
            Fault("html", path="^/Holiday$"),
            Fault("truncate", path="^/Absence$"),
            Fault("body", path="^/Salary$", body=over_limit),
        ):
            server.faults.add(fault)
        faulted = runner().read(config, incremental=False).raise_on_failure()
    finally:
        server.stop()
    assert not server.faults.active()  # every fault was served
    for stream, count in clean.record_counts().items():
        assert faulted.record_counts().get(stream) == count, stream


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
