"""The call minimum: the fewest calls each API allows for the data a sync reads.

Derived from the API's paging rules and the tenant's own counts: the bench rebuilds the sandbox's
company (same size, seed and day) and the provider's rendering of it in a child process, counts what
a sync must list, and applies the paging rules. It is a bound on any client, not the connector's own
formula: where a connector reads a list more often than the API requires, the ratio shows it.

An unchanged incremental sync has no way to learn which employees' per-employee data changed, so its
minimum depends on how many it must re-check: the connector's refresh budget B (`refresh_budget` in
the config, else the connector's default from its spec; 0 = everyone). A rotation that re-checks all
N employees every ⌈N / B⌉ syncs spends on average B / N of a full re-check per sync: that is the
per-employee part of the incremental minimum, per stream (new and changed employees: none here).
"""

from __future__ import annotations

import importlib.resources
import math
from datetime import date, timedelta
from typing import Any

import yaml
from hris_sandbox import Company
from hris_sandbox.providers import create_app

PACKAGES = {"sage-hr": "source_sage_hr", "sesame-hr": "source_sesame_hr", "peoplehr": "source_peoplehr"}

#: Streams whose data a sync reads, per provider; None = every stream of the connector.
Streams = frozenset[str]


def _pages(count: int, size: int) -> int:
    return max(1, math.ceil(count / size))


def refresh_budget(provider: str, config: dict[str, Any]) -> int:
    """The config's `refresh_budget`, else the connector's default (its manifest's spec)."""
    if config.get("refresh_budget") is not None:
        return int(config["refresh_budget"])
    manifest = importlib.resources.files(PACKAGES[provider]).joinpath("manifest.yaml").read_text()
    spec = yaml.safe_load(manifest)["spec"]["connection_specification"]
    return int(spec["properties"]["refresh_budget"]["default"])


def _checked(costs: list[int], budget: int, incremental: bool) -> int:
    """Calls for per-employee lists costing `costs` each: all of them, or on an incremental sync under
    a budget `budget` of them at their average cost."""
    if not incremental or budget <= 0 or budget >= len(costs):
        return sum(costs)
    return round(sum(costs) * budget / len(costs))


def sage_hr(company: Company, config: dict[str, Any], streams: Streams, incremental: bool) -> dict[str, int]:
    """Sage HR: fixed pages of 50; one `/employees?…history=true` read serves employees, employments
    and the ids of the per-employee lists (balances take theirs from the allowances report); leave requests only by date window of at most 65 days
    [I], and no changed-since filter, so an incremental sync re-reads every window that may have
    changed (the connector's documented look-back of 90 days, up to the one-year horizon)."""
    pages = lambda n: _pages(n, 50)  # noqa: E731
    active, leavers = company.active_employees(), company.terminated_employees()
    budget = refresh_budget("sage-hr", config)
    calls: dict[str, int] = {}
    if streams & {"employees", "employments", "compensations"}:
        calls["/employees"] = pages(len(active))
    if streams & {"employees", "compensations"}:
        calls["/terminated-employees"] = pages(len(leavers))
    if "employees" in streams:
        # a leaver's termination reason is only on the detail; it cannot change unseen after the
        # first read without the list entry changing, so an unchanged incremental sync needs none
        if not incremental and leavers:
            calls["/terminated-employees/{id}"] = len(leavers)
            calls["/termination-reasons"] = pages(len(company.termination_reasons))
        if config.get("include_custom_fields", True):
            calls["/employees/{id}/custom-fields"] = _checked([1] * (len(active) + len(leavers)), budget, incremental)
    if "departments" in streams:
        calls["/teams"] = pages(len(company.departments))
    if streams & {"time_off_types", "time_off_requests"}:
        calls["/leave-management/policies"] = pages(len(company.time_off_types))
    if "time_off_types" in streams:  # half days and approval only in each policy's detail
        calls["/leave-management/policies/{id}"] = len(company.time_off_types)
    if "time_off_requests" in streams:
        start = date.fromisoformat(config["start_date"])
        end = company.as_of + timedelta(days=int(config.get("future_horizon_days", 365)))
        low = company.as_of - timedelta(days=90) if incremental else start
        requests = [r for r in company.all_requests() if getattr(r, "deleted_at", None) is None]
        total, lo = 0, max(start, low)
        while lo <= end:
            hi = min(lo + timedelta(days=64), end)
            total += pages(sum(1 for r in requests if r.start <= hi and r.end >= lo))
            lo = hi + timedelta(days=1)
        calls["/leave-management/requests"] = total
    if "compensations" in streams:
        costs = [pages(len(e.compensations)) for e in active + leavers]
        calls["/employees/{id}/compensations"] = _checked(costs, budget, incremental)
    if "time_off_balances" in streams:
        # entitlements for everyone in pages of up to 100 [I]; used and available only per employee
        calls["/leave-management/reports/individual-allowances"] = _pages(len(active), 100)
        if config.get("include_balance_usage", True):
            calls["/employees/{id}/leave-management/balances"] = _checked([1] * len(active), budget, incremental)
    return calls


_rendered: list[tuple[Company, Any]] = []


def _sesame_snapshot(company: Company) -> Any:
    """The Sesame sandbox's rendering of `company`, made once for both sync modes (at 50,000 employees
    one rendering takes minutes)."""
    if not _rendered or _rendered[0][0] is not company:
        _rendered[:] = [(company, create_app("sesame-hr", company, rate_limit=0).view.snapshot())]
    return _rendered[0][1]


def sesame_hr(
    company: Company, config: dict[str, Any], streams: Streams, incremental: bool
) -> dict[str, int]:
    """Sesame HR: pages of up to 500 [I]; every list once per sync (no list needs reading twice);
    contracts, salaries and assigned compensations only per employee; work entries the only list
    with an updated-since filter (one call finds that nothing changed)."""
    snap = _sesame_snapshot(company)
    budget = refresh_budget("sesame-hr", config)
    page = int(config.get("page_size", 500))
    pages = lambda listing: _pages(len(listing.items), page)  # noqa: E731
    calls: dict[str, int] = {"/core/v3/info": 1}
    if streams & {"employees", "employments", "compensations"}:
        calls["/core/v3/employees"] = pages(snap.employees)
    if streams & {"employees", "departments"}:
        calls["/core/v3/employee-department-assignations"] = pages(snap.department_assignations)
    if "employees" in streams:
        calls["/core/v3/employee-office-assignations"] = pages(snap.office_assignations)
        calls["/core/v3/employee-managers"] = pages(snap.managers)
    if "departments" in streams:
        calls["/core/v3/departments"] = pages(snap.departments)
    if "locations" in streams:
        calls["/core/v3/offices"] = pages(snap.offices)
    if "time_off_types" in streams:  # requests carry their absence type's name themselves
        calls["/schedule/v1/absence-types"] = pages(snap.absence_types)
        calls["/schedule/v1/vacation-configurations"] = pages(snap.vacation_configurations)
    if "time_off_requests" in streams:
        calls["/schedule/v1/vacation-day-off-requests"] = pages(snap.vacation_requests)
        calls["/schedule/v1/absence-day-off-requests"] = pages(snap.absence_requests)
    # contracts: the only place of an employment's dates, hours and types, read for employments, and
    # for employees and time off unless `read_contracts` is off
    readers = {"employments"} | (
        {"employees", "time_off_requests", "time_off_balances"} if config.get("read_contracts", True) else set()
    )
    if streams & readers:  # every sync, whatever the refresh budget (employments is read whole)
        calls["/contract/v1/contracts/{employeeId}"] = sum(pages(c) for c in snap.contracts.values())
    if "compensations" in streams:
        calls["/contract/v1/compensations"] = 1
        # the budget counts employees: each one re-checked has both its salaries and its assignments read
        employees = len(snap.employees.items)
        checked = _checked([1] * employees, budget, incremental)
        calls["/contract/v1/salaries"] = checked
        if snap.compensations.items and config.get("include_compensation_assignments", True):
            calls["/contract/v1/employees/{employeeId}/compensations"] = checked
    if "work_entries" in streams:
        calls["/schedule/v1/work-entries"] = 1 if incremental else pages(snap.work_entries)
    if "time_off_balances" in streams:  # every employee's calendar per year, paged
        calls["/schedule/v1/vacation-calendars"] = pages(snap.vacation_calendars)
    if "holidays" in streams:  # the calendars, and which employees each applies to
        calls["/schedule/v1/holiday-calendar"] = pages(snap.holiday_calendars)
        calls["/schedule/v1/holidays/{holidayCalendarId}/employees"] = sum(
            pages(listing) for listing in snap.holiday_employees.values()
        )
    return calls


def peoplehr(company: Company, config: dict[str, Any], streams: Streams, incremental: bool) -> dict[str, int]:
    """PeopleHR: no paging and no bulk action except saved queries. One employee list serves every
    stream; each per-employee area (holidays, absences, other events, maternity/paternity, salaries,
    benefits, timesheets, entitlements (plus the year's holidays again for the days used of those
    entitled this leave year) and each employee's detail for the job history) costs one call per employee who can have
    data in the window (W); on an unchanged incremental sync a settled leaver (left more than 31 days
    before the last sync, here: now) cannot have new data (W − S); a saved query is one call for
    everybody."""
    start, horizon = date.fromisoformat(config["start_date"]), company.as_of + timedelta(days=366)
    last = company.as_of if incremental else None

    def needs(e: Any) -> bool:
        if (e.termination_date and e.termination_date < start) or e.start_date > horizon:
            return False
        return not (last and e.termination_date and e.termination_date < last - timedelta(days=31))

    read = [e for e in company.employee_list() if needs(e)]
    readers = len(read)
    budget = refresh_budget("peoplehr", config)
    areas = {
        "/Holiday": ("time_off_requests", "holiday_query"),
        "/Absence": ("time_off_requests", "absence_query"),
        "/OtherEvent": ("time_off_requests", None),
        "/MaternityPaternity": ("time_off_requests", None),
    }
    areas |= {"/Salary": ("compensations", "salary_query"), "/Benefit": ("benefits", None)}
    areas |= {"/Timesheet": ("work_entries", None)}
    checked = _checked([1] * readers, budget, incremental)  # employees re-checked per stream
    calls = {"/Employee": 1 + (checked if "employments" in streams else 0)}  # the list, each detail
    fanned: dict[str, list[str]] = {}  # stream -> its per-employee routes (all read for each employee)
    for route, (stream, query) in areas.items():
        if stream in streams and route.strip("/") in config.get("read_areas", [r.strip("/") for r in areas]):
            if query and config.get(query):
                calls[route] = 1
            else:
                fanned.setdefault(stream, []).append(route)
    for routes in fanned.values():
        for route in routes:
            calls[route] = checked
    if "time_off_balances" in streams and "HolidayEntitlement" in config.get("read_areas", ["HolidayEntitlement"]):
        # the entitlement, and the year's holidays once more for the days used of the entitled
        year = company.as_of.year
        entitled = [
            e.start_date.year <= year and (e.termination_date is None or e.termination_date.year >= year)
            for e in read
        ]
        calls["/HolidayEntitlements"] = checked
        used = _checked([int(x) for x in entitled], budget, incremental) if readers else 0
        calls["/Holiday"] = calls.get("/Holiday", 0) + used
    return calls


RULES = {"sage-hr": sage_hr, "sesame-hr": sesame_hr, "peoplehr": peoplehr}


def call_minimum(
    provider: str, employees: int, seed: int, years: int, config: dict[str, Any], streams: list[str]
) -> dict[str, dict[str, int]]:
    """{"full": {route: calls}, "incremental": {...}} for the sandbox tenant of these parameters."""
    company = Company.generate(employees=employees, seed=seed, years=years)
    rule = RULES[provider]
    chosen = frozenset(streams)
    return {mode: rule(company, config, chosen, mode == "incremental") for mode in ("full", "incremental")}
