"""Nothing dropped silently: every field the Sesame sandbox sends on an endpoint the connector reads is
mapped, or listed in the README's "Not mapped, and why" table (`field_coverage`).

Embedded Employee objects (in assignations, manager links, requests, calendars and work entries) are
read for their ``id`` only: the test reduces them to it, and the README says so above the table (their
fields are those of ``/core/v3/employees``, checked there)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from field_coverage import coverage_problems, readme_table
from hris_sandbox import Company
from hris_sandbox.providers.sesame_hr.render import SesameView, Snapshot
from source_sesame_hr import mappings
from source_sesame_hr.components.contracts import hours_on
from unified_hris.mapping import MappingContext

from .conftest import CONNECTOR_ROOT

CONFIG = {"include_sensitive": True}
MONDAY, SATURDAY = date(2024, 5, 6), date(2024, 5, 11)


def ctx(stream_slice: dict[str, Any] | None = None, record: dict[str, Any] | None = None) -> MappingContext:
    return MappingContext("sesame_hr", "tenant", CONFIG, stream_slice or {}, record or {})


def slim(raw: dict[str, Any]) -> dict[str, Any]:
    """The record with its embedded Employee objects reduced to their id (read for nothing else)."""

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            if key in ("employee", "manager") and "id" in value:
                return {"id": value["id"]}
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        return value

    return walk(raw)


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    company = Company.generate(employees=40, seed=3)
    return SesameView(company).snapshot()


def employee_with(contracts: list[dict[str, Any]]) -> Callable[[dict[str, Any]], Any]:
    return lambda raw: mappings.employee(raw, ctx(record={"contracts": contracts}))


def contract_use(raw: dict[str, Any]) -> Any:
    """Everything the connector takes from a contract: the employment, the employee's facts, the
    working hours of a day (partial days off)."""
    return (
        mappings.employment(raw, ctx({"employee_id": "e"})),
        mappings.employee({"id": "e"}, ctx(record={"contracts": [raw]})),
        hours_on(raw, MONDAY),
        hours_on(raw, SATURDAY),
    )


def holiday_use(raw: dict[str, Any]) -> Any:
    """A holiday calendar as `holidays.HolidayDays` hands it over: one record per day."""
    about = {k: v for k, v in raw.items() if k != "dayOff"}
    context = ctx(record={"calendar": about, "employee_ids": ["e"]})
    return [mappings.holiday(day, context) for day in raw.get("dayOff") or []]


def cases(snap: Snapshot) -> Iterator[tuple[str, Callable[[dict[str, Any]], Any], list[dict[str, Any]]]]:
    employees = [dict(e) for e in snap.employees.items]
    some = list(snap.contracts.values())
    contracts = [c for listing in some for c in listing.items]
    yield "/core/v3/info", lambda raw: raw["company"]["id"], [{"company": snap.company}]
    yield "/core/v3/employees", employee_with(contracts[:1]), employees
    yield "/core/v3/departments", lambda raw: mappings.department(raw, ctx()), snap.departments.items
    yield "/core/v3/offices", lambda raw: mappings.location(raw, ctx()), snap.offices.items
    for name, listing, read in (
        ("employee-department-assignations", snap.department_assignations, ("employee.id", "department.id", "createdAt")),
        ("employee-office-assignations", snap.office_assignations, ("employee.id", "office.id", "createdAt")),
        ("employee-managers", snap.managers, ("employee.id", "manager.id", "permission", "order", "createdAt")),
    ):

        def join(raw: dict[str, Any], read: tuple[str, ...] = read) -> Any:
            # what the joins keep of a link (`joins.AssignationJoin`): its keys and extra fields
            out = []
            for path in read:
                value: Any = raw
                for part in path.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
                out.append(value)
            return out

        yield f"/core/v3/{name}", join, [slim(r) for r in listing.items]
    for kind, listing in (("absence-types", snap.absence_types), ("vacation-configurations", snap.vacation_configurations)):
        yield (
            f"/schedule/v1/{kind}",
            lambda raw, kind=kind: mappings.time_off_type(raw, ctx({"kind": kind})),
            listing.items,
        )
    for kind, listing in (("vacation", snap.vacation_requests), ("absence", snap.absence_requests)):
        yield (
            f"/schedule/v1/{kind}-day-off-requests",
            lambda raw, kind=kind: mappings.time_off_request(raw, ctx({"kind": kind})),
            [slim(r) for r in listing.items],
        )
    yield "/contract/v1/contracts/{employeeId}", contract_use, contracts
    salaries = [s for listing in snap.salaries.values() for s in listing.items]
    yield "/contract/v1/salaries", lambda raw: mappings.compensation(raw, ctx({"employee_id": "e"})), salaries
    assigned = [a for listing in snap.employee_compensations.values() for a in listing.items]
    yield (
        "/contract/v1/employees/{employeeId}/compensations",
        lambda raw: mappings.compensation(raw, ctx({"employee_id": "e"})),
        assigned,
    )
    yield "/contract/v1/compensations", lambda raw: raw["id"], snap.compensations.items  # a probe: is it empty?
    yield "/schedule/v1/work-entries", lambda raw: mappings.work_entry(raw, ctx()), [slim(r) for r in snap.work_entries.items]
    calendars = [slim(r) for r in snap.vacation_calendars.items]
    # an 8-hour working day on every day granted, as `contracts.RequestsWithDayLength` hands it over
    workday = {"day_seconds": {d["date"]: 28_800 for c in calendars for d in c["daysOff"]}}
    yield (
        "/schedule/v1/vacation-calendars",
        lambda raw: mappings.time_off_balance(raw, ctx(record=workday)),
        calendars,
    )
    yield "/schedule/v1/holiday-calendar", holiday_use, snap.holiday_calendars.items
    members = [m for listing in snap.holiday_employees.values() for m in listing.items]
    yield "/schedule/v1/holidays/{holidayCalendarId}/employees", lambda raw: raw["id"], members


def test_every_field_sent_is_mapped_or_listed_with_a_reason(snap: Snapshot) -> None:
    table = readme_table(CONNECTOR_ROOT / "README.md")
    problems = [
        problem for endpoint, use, raws in cases(snap) for problem in coverage_problems(endpoint, use, list(raws), table)
    ]
    assert not problems, "\n".join(problems)
