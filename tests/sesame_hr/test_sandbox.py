"""The Sesame sandbox behaves like the API the connector meets: auth, paging, filters, limits and how
the shared company becomes Sesame data (assignations, cancellations, soft deletes, offsets)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from hris_sandbox.providers.sesame_hr import NO_CONTRACT_TOKEN, SECOND_TOKEN, TOKEN, SesameHRApp


def call(server: SandboxServer, path: str, token: str = TOKEN, **params: Any) -> requests.Response:
    return requests.get(
        server.url + path, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def everything(server: SandboxServer, path: str, **params: Any) -> list[dict[str, Any]]:
    rows, page = [], 1
    while True:
        body = call(server, path, limit=500, page=page, **params).json()
        rows += body["data"]
        if body["meta"]["currentPage"] >= body["meta"]["lastPage"]:
            return rows
        page += 1


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(create_app("sesame-hr", Company.generate(employees=50, seed=5), rate_limit=0)) as s:
        yield s


@pytest.fixture
def fresh() -> Iterator[SandboxServer]:
    with SandboxServer(SesameHRApp(Company.generate(employees=20, seed=9), rate_limit=0)) as s:
        yield s


def app_of(server: SandboxServer) -> SesameHRApp:
    assert isinstance(server.app, SesameHRApp)
    return server.app


# -- auth -----------------------------------------------------------------------------------------
def test_bearer_token_is_required_and_a_revoked_one_is_refused(fresh: SandboxServer) -> None:
    assert call(fresh, "/core/v3/info").status_code == 200
    assert requests.get(fresh.url + "/core/v3/info", timeout=10).status_code == 401
    assert call(fresh, "/core/v3/info", token="nope").status_code == 401
    app_of(fresh).revoke(SECOND_TOKEN)
    assert call(fresh, "/core/v3/info", token=SECOND_TOKEN).status_code == 401
    assert call(fresh, "/core/v3/info").status_code == 200


def test_403_without_the_api_add_on_or_without_module_permission() -> None:
    company = Company.generate(employees=5, seed=2)
    with SandboxServer(SesameHRApp(company, api_addon="false", rate_limit=0)) as s:
        assert call(s, "/core/v3/employees").status_code == 403
    with SandboxServer(SesameHRApp(company, rate_limit=0)) as s:
        uid = company.employee_list()[0].uid
        assert call(s, "/core/v3/employees", token=NO_CONTRACT_TOKEN).status_code == 200
        assert call(s, "/contract/v1/salaries", token=NO_CONTRACT_TOKEN, employeeId=uid).status_code == 403


def test_info_names_the_company(server: SandboxServer) -> None:
    body = call(server, "/core/v3/info").json()
    assert body["data"]["company"]["id"] == app_of(server).company.uid


# -- paging and filters ---------------------------------------------------------------------------
def test_lists_page_with_meta_defaults_and_a_clamped_maximum(server: SandboxServer) -> None:
    first = call(server, "/core/v3/employees").json()
    assert (
        first["meta"] == {"currentPage": 1, "lastPage": 3, "total": 50, "perPage": 20}
        and len(first["data"]) == 20
    )
    third = call(server, "/core/v3/employees", page=3).json()
    assert len(third["data"]) == 10
    assert call(server, "/core/v3/employees", page=4).json() == {
        "data": [],
        "meta": {"currentPage": 4, "lastPage": 3, "total": 50, "perPage": 20},
    }
    assert call(server, "/core/v3/employees", limit=5000).json()["meta"]["perPage"] == 500
    assert call(server, "/contract/v1/compensations").json()["meta"]["perPage"] == 50  # documented default


def test_a_limit_over_the_maximum_can_be_refused() -> None:
    with SandboxServer(
        SesameHRApp(Company.generate(employees=3, seed=1), over_max_limit="reject", rate_limit=0)
    ) as s:
        assert call(s, "/core/v3/employees", limit=501).status_code == 422
        assert call(s, "/core/v3/employees", limit=500).status_code == 200


def test_array_filters_accept_every_encoding(server: SandboxServer) -> None:
    departments = [d.uid for d in app_of(server).company.departments[:2]]
    joined = call(server, "/core/v3/employees", limit=500, departmentIds=",".join(departments)).json()["data"]
    repeated = call(server, "/core/v3/employees", limit=500, departmentIds=departments).json()["data"]
    brackets = call(server, "/core/v3/employees", limit=500, **{"departmentIds[]": departments}).json()[
        "data"
    ]
    assert joined and joined == repeated == brackets
    only_first = call(server, "/core/v3/employees", limit=500, departmentIds=departments[0]).json()["data"]
    assert 0 < len(only_first) < len(joined)
    inactive = call(server, "/core/v3/employees", limit=500, status="inactive").json()["data"]
    assert inactive and all(e["status"] == "inactive" for e in inactive)


def test_salaries_need_an_employee_and_unknown_ids_are_404(server: SandboxServer) -> None:
    assert call(server, "/contract/v1/salaries").status_code == 422
    assert call(server, "/contract/v1/contracts/00000000-0000-4000-8000-000000000000").status_code == 404
    uid = app_of(server).company.employee_list()[0].uid
    salaries = call(server, "/contract/v1/salaries", employeeId=uid).json()["data"]
    # a number (with its cents, as the spec creates salaries), monthlyGrossSalary rounded as in H1
    assert salaries and all(isinstance(s["grossSalary"], int | float) for s in salaries)
    assert all(isinstance(s["monthlyGrossSalary"], int) for s in salaries)


def test_day_off_requests_filter_by_days_and_status(server: SandboxServer) -> None:
    everything = call(server, "/schedule/v1/vacation-day-off-requests", limit=500).json()
    window = call(
        server,
        "/schedule/v1/vacation-day-off-requests",
        limit=500,
        fromDayOff="2025-01-01",
        toDayOff="2025-03-31",
    ).json()["data"]
    assert window and len(window) < everything["meta"]["total"]
    assert all(any("2025-01-01" <= d["date"] <= "2025-03-31" for d in r["daysOff"]) for r in window)
    pending = call(server, "/schedule/v1/vacation-day-off-requests", limit=500, status="pending").json()[
        "data"
    ]
    assert pending and {r["status"] for r in pending} == {"pending"}


# -- how the company is rendered ------------------------------------------------------------------
def test_timestamps_carry_madrid_offsets_and_ids_are_uuids(server: SandboxServer) -> None:
    rows = everything(server, "/schedule/v1/vacation-day-off-requests")
    offsets = {r["createdAt"][-6:] for r in rows}
    assert offsets == {"+01:00", "+02:00"}  # winter and summer time
    assert all(len(r["id"]) == 36 and r["employee"]["firstName"] for r in rows)  # full Employee embedded


def test_cancellations_are_delete_requests_and_soft_deletes_stay_listed(server: SandboxServer) -> None:
    rows = everything(server, "/schedule/v1/vacation-day-off-requests")
    rows += everything(server, "/schedule/v1/absence-day-off-requests")
    kinds = Counter((r["type"], r["status"]) for r in rows)
    assert kinds[("delete", "accepted")] and kinds[("create", "accepted")] and kinds[("create", "rejected")]
    by_id = {r["id"]: r for r in rows}
    cancelled = [r for r in app_of(server).company.all_requests() if r.status == "cancelled"]
    for request in cancelled:
        original = by_id[request.uid]
        (cancellation,) = [
            r
            for r in rows
            if r["type"] == "delete"
            and r["daysOff"] == original["daysOff"]
            and r["employee"]["id"] == original["employee"]["id"]
        ]
        assert original["status"] == "accepted" and cancellation["createdAt"] > original["resolvedAt"]
    assert sum(1 for r in rows if r["deletedAt"]) == 1  # the sandbox starts with one soft-deleted request


def test_hidden_soft_deletes_option() -> None:
    company = Company.generate(employees=20, seed=9)
    with SandboxServer(SesameHRApp(company, deleted_requests="hidden", rate_limit=0)) as s:
        rows = everything(s, "/schedule/v1/vacation-day-off-requests")
        rows += everything(s, "/schedule/v1/absence-day-off-requests")
    assert not any(r["deletedAt"] for r in rows)
    assert any(r.deleted_at for r in company.all_requests())


def test_assignations_hold_several_departments_and_two_kinds_of_manager(server: SandboxServer) -> None:
    departments = call(server, "/core/v3/employee-department-assignations", limit=500).json()["data"]
    per_employee = Counter(a["employee"]["id"] for a in departments)
    assert max(per_employee.values()) >= 2, "no employee belongs to two departments"
    managers = call(server, "/core/v3/employee-managers", limit=500).json()["data"]
    assert {m["permission"] for m in managers} == {"check", "vacation"} and {
        m["order"] for m in managers
    } == {0, 1}
    checks = call(server, "/core/v3/employee-managers", limit=500, permission="check").json()["data"]
    assert checks and all(m["permission"] == "check" for m in checks)


def test_work_entries_filter_by_update_time_and_report_soft_deletes(fresh: SandboxServer) -> None:
    company = app_of(fresh).company
    emp = next(  # entries without breaks (a break is a pause entry that goes with its work entry)
        e
        for e in company.employee_list()
        if len(e.work_entries) > 2 and not e.work_entries[0].breaks and not e.work_entries[1].breaks
    )
    before = call(fresh, "/schedule/v1/work-entries", limit=500).json()["meta"]["total"]
    mark = datetime.now().astimezone().replace(microsecond=0) - timedelta(seconds=1)
    company.edit_work_entry(
        emp.key, emp.work_entries[1].key, clock_out=emp.work_entries[1].clock_out + timedelta(minutes=5)
    )
    company.delete_work_entry(emp.key, emp.work_entries[0].key)
    since = {"updatedAt[gte]": mark.isoformat()}
    live = call(fresh, "/schedule/v1/work-entries", limit=500, **since).json()["data"]
    everything = call(fresh, "/schedule/v1/work-entries", limit=500, onlyReturn="all", **since).json()["data"]
    deleted = call(fresh, "/schedule/v1/work-entries", limit=500, onlyReturn="deleted").json()["data"]
    assert [w["id"] for w in live] == [emp.work_entries[1].uid]
    assert {w["id"] for w in everything} == {emp.work_entries[0].uid, emp.work_entries[1].uid}
    assert [w["id"] for w in deleted] == [emp.work_entries[0].uid] and deleted[0]["deletedAt"]
    assert call(fresh, "/schedule/v1/work-entries", limit=500).json()["meta"]["total"] == before - 1
    # the vendor's example format (a space, no T) and a naive local time are accepted; garbage is not
    spaced = mark.strftime("%Y-%m-%d %H:%M:%S%z")
    assert len(call(fresh, "/schedule/v1/work-entries", **{"updatedAt[gte]": spaced}).json()["data"]) == 1
    assert call(fresh, "/schedule/v1/work-entries", **{"updatedAt[gte]": "yesterday"}).status_code == 422
    future = (mark + timedelta(days=1)).isoformat()
    assert (
        call(fresh, "/schedule/v1/work-entries", **{"updatedAt[lte]": future}).json()["meta"]["total"]
        == before - 1
    )


def test_rendering_is_cached_per_company_version(fresh: SandboxServer) -> None:
    app = app_of(fresh)
    first = app.view.snapshot()
    assert app.view.snapshot() is first
    app.company.edit_employee(app.company.employee_list()[0].key, last_name="Cached")
    second = app.view.snapshot()
    assert second is not first and second.employees.items[0]["lastName"] == "Cached"


# -- limits ---------------------------------------------------------------------------------------
def test_the_rate_limit_is_per_company_and_says_when_to_retry() -> None:
    company = Company.generate(employees=3, seed=1)
    with SandboxServer(SesameHRApp(company, rate_limit=4, rate_window=2)) as s:
        statuses = [call(s, "/core/v3/departments", token=t).status_code for t in (TOKEN, SECOND_TOKEN) * 3]
        assert statuses == [200, 200, 200, 200, 429, 429]  # both tokens draw from one budget
        refused = call(s, "/core/v3/departments")
        assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 2
        time.sleep(int(refused.headers["Retry-After"]))
        assert call(s, "/core/v3/departments").status_code == 200


def test_breaks_are_pause_entries_inside_their_work_entry_and_follow_its_deletion(fresh: SandboxServer) -> None:
    company = app_of(fresh).company
    emp, entry = next((e, w) for e in company.employee_list() for w in e.work_entries if w.breaks)
    rows = call(fresh, "/schedule/v1/work-entries", limit=500, employeeId=emp.uid).json()["data"]
    (pause,) = [r for r in rows if r["workEntryType"] == "pause" and r["workEntryIn"]["date"][:10] == entry.clock_in.date().isoformat()]
    start, end = entry.breaks[0]
    assert pause["workedSeconds"] == (end - start).total_seconds() and pause["employee"]["id"] == emp.uid
    company.delete_work_entry(emp.key, entry.key)
    deleted = call(fresh, "/schedule/v1/work-entries", limit=500, onlyReturn="deleted").json()["data"]
    assert {r["id"] for r in deleted} == {entry.uid, pause["id"]}
