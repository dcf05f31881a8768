"""Nothing dropped silently: every field the PeopleHR sandbox sends on each endpoint the connector reads
is mapped, or listed with its reason in the README's "Not mapped, and why" table (`field_coverage`).

Each raw row goes through the same steps as in a sync: the context the extractor or retriever gives it
(`extractors._items`, `retrievers.DERIVATIONS`) and the stream's mapper; a raw row that gives several
records (a salary and its items, a timesheet day and its entries) is mapped to all of them. An
employee's detail (``GetEmployeeDetailById``) is read for the job history; its other fields are the
list call's, so a field counts as mapped there when the employees mapper reads it from the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from field_coverage import coverage_problems, readme_table
from hris_sandbox import Company
from hris_sandbox.providers import create_app
from hris_sandbox.providers.peoplehr import render
from source_peoplehr import mappings
from source_peoplehr.components.directory import Directory
from source_peoplehr.components.extractors import _items
from source_peoplehr.components.retrievers import DERIVATIONS
from source_peoplehr.components.shapes import CONTEXT
from unified_hris.mapping import MappingContext

README = Path(__file__).parents[2] / "connectors" / "source-peoplehr" / "README.md"
CONFIG: dict[str, Any] = {"account": "nordlys", "start_date": "2020-01-01"}
COMPANY = Company.generate(employees=60, seed=11)
APP = create_app("peoplehr", COMPANY, rate_limit=0)
RENDER = APP.render
PEOPLE = COMPANY.employee_list()


def mapped(mapper: Callable[..., Any], items: Iterable[dict[str, Any]]) -> list[Any]:
    out = []
    for item in items:
        context = item.pop(CONTEXT)
        out.append(mapper(item, MappingContext("peoplehr", "nordlys", CONFIG, {}, context)))
    return out


def employee_record(raw: dict[str, Any]) -> list[Any]:
    rows = DERIVATIONS["employees"](lambda: Directory([raw]))
    return mapped(mappings.employee, rows)


def area(name: str, mapper: Callable[..., Any], extra: Mapping[str, Any] | None = None) -> Callable[[dict[str, Any]], Any]:
    """Map one raw row of a per-employee area as the extractor and mapper do in a sync."""
    person = Directory([RENDER.employee(PEOPLE[0])]).people[0]

    def map_one(raw: dict[str, Any]) -> Any:
        items = list(_items(name, person, [(raw, raw)], via="employee", path="", config=CONFIG))
        for item in items:
            item[CONTEXT] |= dict(extra or {})
        return mapped(mapper, items)

    return map_one


def detail(raw: dict[str, Any]) -> Any:
    return (employee_record(raw), area("detail", mappings.employment)(raw))


WINDOW = (COMPANY.as_of - timedelta(days=730), COMPANY.as_of + timedelta(days=366))


def leave(kind: Callable[[Company, Any], bool]) -> list[Any]:
    return [r for e in PEOPLE for r in e.requests if render.visible(r) and kind(COMPANY, r)]


ENDPOINTS: dict[str, tuple[Callable[[dict[str, Any]], Any], list[dict[str, Any]]]] = {
    "/Employee GetAllEmployeeDetail": (employee_record, [RENDER.employee(e) for e in PEOPLE]),
    "/Employee GetEmployeeDetailById": (detail, [RENDER.employee(e, history=True) for e in PEOPLE]),
    "/Holiday GetHolidayDetail": (
        area("holiday", mappings.time_off_request),
        [RENDER.holiday(r, WINDOW) for r in leave(render.is_holiday)],
    ),
    "/Absence GetAbsenceDetail": (
        area("absence", mappings.time_off_request),
        [RENDER.absence(r, WINDOW) for r in leave(render.is_absence)],
    ),
    "/OtherEvent getothereventdetail": (
        area("other_event", mappings.time_off_request),
        [RENDER.other_event(r, WINDOW) for r in leave(render.is_other_event)],
    ),
    "/MaternityPaternity GetMaternityPaternityByEmployeeId": (
        area("maternity", mappings.time_off_request),
        [RENDER.maternity(r) for r in leave(render.is_maternity)],
    ),
    "/Salary GetSalaryDetail": (
        area("salary", mappings.compensation),
        [row for e in PEOPLE for row in RENDER.salaries(e, include_history=True)],
    ),
    "/Benefit GetBenefitByEmployeeId": (
        area("benefit", mappings.benefit),
        [row for e in PEOPLE for row in RENDER.benefits(e)],
    ),
    "/Timesheet GetTimesheetDetail": (
        area("timesheet", mappings.work_entry),
        [row for e in PEOPLE for row in RENDER.timesheets(e, None)],
    ),
    "/HolidayEntitlements GetHolidayEntitlement": (
        area("entitlement", mappings.time_off_balance, {"used": "3"}),
        [row for e in PEOPLE for row in RENDER.entitlements(e, [COMPANY.as_of.year])],
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_every_field_is_mapped_or_listed_with_its_reason(endpoint: str) -> None:
    map_one, raws = ENDPOINTS[endpoint]
    assert coverage_problems(endpoint, map_one, raws, readme_table(README)) == []
