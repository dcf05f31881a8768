"""The connector in-process against mocked Sesame responses (requests-mock): joins, mappings, errors,
retries and paging (config checks: `test_unit.py`). The end-to-end behaviour against the sandbox is in the other
modules; these pin the details a sandbox run would not isolate."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

import pytest
import requests_mock
from airbyte_cdk.models import Status, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.models import ExpectedOutcome
from airbyte_cdk.test.state_builder import StateBuilder
from replayed import replayed
from source_sesame_hr import SourceSesameHR

BASE = "https://api-eu1.sesametime.com"
TOKEN = "unit-test-token-0f9e8d7c6b5a4f3e2d1c"
COMPANY_ID = "5d0f6a7b-2c3e-4f80-9a1b-c2d3e4f5a6b7"
CONFIG = {"api_token": TOKEN, "region": "eu1", "start_date": "2024-01-01", "requests_per_minute": 6000}
A, B, C = (f"0000000{n}-91a7-4f3e-8d62-0a5b7c1e9f34" for n in (1, 2, 3))
D1, D2 = "3b1e6f20-8c4d-4e9a-b5f1-2a7d9c0e4b61", "3b1e6f20-8c4d-4e9a-b5f1-2a7d9c0e4b62"
OFFICE = "e5f4a3b2-c1d0-4e9f-8a7b-6c5d4e3f2a10"


def page(data: list[dict[str, Any]], current: int = 1, last: int = 1, per: int = 500) -> dict[str, Any]:
    return {
        "data": data,
        "meta": {"currentPage": current, "lastPage": last, "total": len(data), "perPage": per},
    }


def employee(uid: str, first: str = "Jordi", **extra: Any) -> dict[str, Any]:
    """The replayed employee as `uid`, named `first`."""
    return replayed("sesame_hr", "employee") | {"id": uid, "firstName": first, "email": f"{first.lower()}@olivera.example"} | extra


def link(kind: str, emp: str, target: str, created: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{kind}-{emp}-{target}",
        "employee": employee(emp),
        kind: {"id": target, "name": target[:4]},
        "createdAt": created,
        "updatedAt": created,
        **extra,
    }


def mock_company(m: requests_mock.Mocker) -> None:
    """The token's company, and no contracts for anyone (a test registers the contracts it needs)."""
    m.get(f"{BASE}/core/v3/info", json=replayed("sesame_hr", "info"))
    m.get(re.compile(f"{BASE}/contract/v1/contracts/.*"), json=page([]))


def run(
    stream: str, m: requests_mock.Mocker, config: dict[str, Any] | None = None, **kwargs: Any
) -> EntrypointOutput:
    config = config or CONFIG
    catalog = CatalogBuilder().with_stream(stream, SyncMode.incremental).build()
    source = SourceSesameHR(catalog=catalog, config=config, state=kwargs.get("state"))
    return read(source, config, catalog, **kwargs)


def records(output: EntrypointOutput) -> list[dict[str, Any]]:
    return [m.record.data for m in output.records]


def paths(m: requests_mock.Mocker) -> list[str]:
    return [r.path for r in m.request_history]


# -- joins and mappings ---------------------------------------------------------------------------
def test_employees_get_departments_offices_and_managers_from_three_list_calls() -> None:
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", json=page([employee(A), employee(B, "Ana"), employee(C, "Marta")]))
        m.get(
            f"{BASE}/core/v3/employee-department-assignations",
            json=page(
                [
                    link("department", A, D2, "2024-02-01T09:00:00+01:00"),  # the later membership
                    link("department", A, D1, "2023-03-06T09:00:00+01:00"),
                    link("department", B, D1, "2023-03-06T09:00:00+01:00"),
                ]
            ),
        )
        m.get(
            f"{BASE}/core/v3/employee-office-assignations",
            json=page([link("office", A, OFFICE, "2023-03-06T09:00:00+01:00")]),
        )
        managers = [
            {
                "id": "m1",
                "manager": employee(C),
                "employee": employee(A),
                "permission": "vacation",
                "order": 0,
            },
            {"id": "m2", "manager": employee(B), "employee": employee(A), "permission": "check", "order": 1},
            {
                "id": "m3",
                "manager": employee(B),
                "employee": employee(C),
                "permission": "vacation",
                "order": 0,
            },
        ]
        m.get(f"{BASE}/core/v3/employee-managers", json=page(managers))
        out = run("employees", m)
        calls = paths(m)
    by_id = {r["remote_id"]: r for r in records(out)}
    ref = f"sesame_hr:{COMPANY_ID}"
    jordi = by_id[A]
    assert jordi["tenant_id"] == COMPANY_ID and jordi["id"] == f"{ref}:employee:{A}"
    assert jordi["department_id"] == f"{ref}:department:{D1}"  # the longest-held department
    assert jordi["group_ids"] == [f"{ref}:department:{D1}", f"{ref}:department:{D2}"]
    assert jordi["work_location_id"] == f"{ref}:location:{OFFICE}"
    assert jordi["manager_id"] == f"{ref}:employee:{B}"  # the clock-in ("check") manager wins
    assert by_id[C].get("manager_id") is None  # a vacation approver is not the employee's manager
    assert by_id[B].get("manager_id") is None and by_id[B].get("work_location_id") is None
    assert jordi["display_full_name"] == "Jordi Puig Vila" and jordi["last_name"] == "Puig"
    assert jordi["marital_status"] == "MARRIED" and jordi["marital_status_raw"] == "casado"
    assert jordi["custom_fields"] == {"Shirt size": "M"}
    assert jordi["remote_updated_at"] == "2024-09-30T10:41:07.000000Z"
    # three assignation listings, one employee listing, one company lookup; per employee its contracts
    assert sorted(calls) == sorted(
        [
            "/core/v3/info",
            "/core/v3/employees",
            "/core/v3/employee-department-assignations",
            "/core/v3/employee-office-assignations",
            "/core/v3/employee-managers",
            *(f"/contract/v1/contracts/{uid}" for uid in (A, B, C)),
        ]
    )


def test_a_failed_assignation_listing_fails_the_employees_instead_of_emitting_them_unjoined() -> None:
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", json=page([employee(A)]))
        m.get(
            f"{BASE}/core/v3/employee-department-assignations",
            json=page([link("department", A, D1, "2023-03-06T09:00:00+01:00")]),
        )
        m.get(f"{BASE}/core/v3/employee-office-assignations", json=page([]))
        m.get(f"{BASE}/core/v3/employee-managers", status_code=400)
        out = run("employees", m, expected_outcome=ExpectedOutcome.EXPECT_EXCEPTION)
    assert out.errors and not records(out)
    assert "employee-managers" in out.errors[-1].trace.error.message


def test_links_without_the_employee_are_skipped_and_missing_link_fields_read_as_absent() -> None:
    orphan = link("department", A, D2, "2024-02-01T09:00:00+01:00")
    orphan["employee"] = None  # a dangling assignation: no employee to join it to
    no_date = link("department", A, D1, "2023-03-06T09:00:00+01:00")
    del no_date["createdAt"]
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", json=page([employee(A)]))
        m.get(f"{BASE}/core/v3/employee-department-assignations", json=page([orphan, no_date]))
        m.get(f"{BASE}/core/v3/employee-office-assignations", json=page([]))
        m.get(f"{BASE}/core/v3/employee-managers", json=page([]))
        out = run("employees", m)
    [jordi] = records(out)
    assert jordi["group_ids"] == [f"sesame_hr:{COMPANY_ID}:department:{D1}"]


def vacation(uid: str, request_type: str, status: str, days: list[str], **extra: Any) -> dict[str, Any]:
    """The replayed vacation request (employee A's) as `uid`, of `request_type` and `status` on `days`."""
    days_off = [{"date": d, "seconds": 28800} for d in days]
    return replayed("sesame_hr", "vacation_day_off_request") | {
        "id": uid, "type": request_type, "status": status, "daysOff": days_off
    } | extra


def test_cancellations_and_deleted_requests_are_not_new_time_off() -> None:
    absence = replayed("sesame_hr", "absence_day_off_request")
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(
            f"{BASE}/schedule/v1/vacation-day-off-requests",
            json=page(
                [
                    vacation("v-granted", "create", "accepted", ["2024-08-05", "2024-08-06", "2024-08-07"]),
                    vacation("v-cancel", "delete", "accepted", ["2024-08-07"]),
                    vacation("v-cancel-asked", "delete", "pending", ["2024-08-06"]),
                    vacation(
                        "v-deleted",
                        "create",
                        "pending",
                        ["2024-12-23"],
                        deletedAt="2024-10-03T10:00:00+02:00",
                    ),
                ]
            ),
        )
        m.get(f"{BASE}/schedule/v1/absence-day-off-requests", json=page([absence]))
        out = run("time_off_requests", m)
        sent = [r.qs for r in m.request_history if "day-off-requests" in r.path]
    by_id = {r["remote_id"]: r for r in records(out)}
    granted = by_id["v-granted"]
    assert (granted["status"], granted["status_raw"], granted["category"]) == (
        "APPROVED",
        "create:accepted",
        "VACATION",
    )
    assert (granted["start_date"], granted["end_date"], granted["amount"], granted["unit"]) == (
        "2024-08-05",
        "2024-08-07",
        "3",
        "DAYS",
    )
    assert granted["amount_hours"] == "24"
    cancel = by_id["v-cancel"]  # giving days back is not time off
    assert (cancel["status"], cancel["status_raw"], cancel["amount"]) == ("OTHER", "delete:accepted", "1")
    assert by_id["v-cancel-asked"]["status"] == "OTHER"
    deleted = by_id["v-deleted"]
    assert deleted["status"] == "DELETED" and deleted["is_deleted"] is True
    assert deleted["remote_deleted_at"] == "2024-10-03T08:00:00.000000Z"
    appointment = by_id["abs-1"]
    assert (appointment["category"], appointment["unit"], appointment["amount"]) == ("PERSONAL", "HOURS", "2")
    assert appointment["start_time"] == "2024-10-04T07:00:00.000000Z"  # 09:00 in Madrid (CEST)
    assert appointment["end_time"] == "2024-10-04T09:00:00.000000Z" and appointment["day_part"] == "CUSTOM"
    assert all(qs["fromdayoff"] == ["2024-01-01"] and qs["limit"] == ["500"] for qs in sent)


def test_a_granted_request_whose_days_its_calendar_no_longer_grants_is_cancelled() -> None:
    def granted(uid: str, days: list[str], calendar_days: list[str]) -> dict[str, Any]:
        request = vacation(uid, "create", "accepted", days)
        request["vacationCalendar"]["daysOff"] = [{"date": d, "seconds": 28800} for d in calendar_days]
        return request

    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(
            f"{BASE}/schedule/v1/vacation-day-off-requests",
            json=page(
                [
                    granted("kept", ["2024-08-05", "2024-08-06"], ["2024-08-05", "2024-08-06"]),
                    granted("partly-given-back", ["2024-08-12", "2024-08-13"], ["2024-08-05", "2024-08-13"]),
                    granted("given-back", ["2024-09-02"], ["2024-08-05", "2024-08-06"]),
                ]
            ),
        )
        m.get(f"{BASE}/schedule/v1/absence-day-off-requests", json=page([]))
        out = run("time_off_requests", m)
    status = {r["remote_id"]: (r["status"], r["status_raw"]) for r in records(out)}
    assert status == {
        "kept": ("APPROVED", "create:accepted"),
        "partly-given-back": ("APPROVED", "create:accepted"),
        "given-back": ("CANCELLED", "create:accepted"),
    }


def contract(uid: str, start: str, end: str | None, **fields: Any) -> dict[str, Any]:
    """The replayed contract (the shape of the current docs, H2) as `uid`, from `start` to `end`."""
    dates = {"startAt": start, "endAt": end, "startDate": start, "endDate": end}
    return replayed("sesame_hr", "contract") | {"id": uid} | dates | fields


def test_employees_take_dates_hours_and_types_from_their_contracts() -> None:
    with requests_mock.Mocker() as m:
        mock_company(m)
        starter = employee(C, "Marta")
        m.get(
            f"{BASE}/core/v3/employees",
            json=page([employee(A), employee(B, "Ana", status="inactive"), starter]),
        )
        for path in ("department", "office"):
            m.get(f"{BASE}/core/v3/employee-{path}-assignations", json=page([]))
        m.get(f"{BASE}/core/v3/employee-managers", json=page([]))
        m.get(
            f"{BASE}/contract/v1/contracts/{A}",
            json=page(
                [
                    contract(
                        "a2",
                        "2023-01-01",
                        None,
                        contractTypeName="Indefinido",
                        workDayTypeName="Completa",
                        weeklyHours=37.5,
                        fte=1,
                    ),
                    contract("a1", "2021-03-01", "2022-12-31", contractTypeName="Temporal"),
                ]
            ),
        )
        # H1's shape: dates only, under startDate/endDate
        m.get(
            f"{BASE}/contract/v1/contracts/{B}",
            json=page([{"id": "b1", "startDate": "2020-01-06", "endDate": "2024-06-30"}]),
        )
        m.get(f"{BASE}/contract/v1/contracts/{C}", json=page([contract("c1", "2999-01-04", None)]))
        out = run("employees", m)
    by_id = {r["remote_id"]: r for r in records(out)}
    jordi, ana, marta = by_id[A], by_id[B], by_id[C]
    assert (jordi["start_date"], jordi.get("termination_date"), jordi["hire_date"]) == (
        "2021-03-01",
        None,
        "2019-05-02",
    )
    assert (jordi["weekly_hours"], jordi["fte"], jordi["time_type"], jordi["worker_type"]) == (
        "37.5",
        "1",
        "FULL_TIME",
        "EMPLOYEE",
    )
    assert (jordi["employment_type"], jordi["time_type_raw"], jordi["worker_type_raw"]) == (
        "FULL_TIME",
        "Completa",
        "Indefinido",
    )
    assert jordi["employment_status"] == "ACTIVE"
    assert (ana["employment_status"], ana["start_date"], ana["termination_date"]) == (
        "INACTIVE",
        "2020-01-06",
        "2024-06-30",
    )
    assert ana.get("weekly_hours") is None and ana.get("time_type") is None
    assert (marta["employment_status"], marta["employment_status_raw"]) == ("PENDING", "active")  # not begun
    assert (marta["start_date"], marta["job_title"], marta["employment_type"]) == (
        "2999-01-04",
        "Category Manager",
        "PART_TIME",
    )


def test_without_contracts_employees_have_no_employment_facts_and_days_off_count_whole() -> None:
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", json=page([employee(A)]))
        for path in ("department", "office"):
            m.get(f"{BASE}/core/v3/employee-{path}-assignations", json=page([]))
        m.get(f"{BASE}/core/v3/employee-managers", json=page([]))
        half = vacation("half", "create", "accepted", ["2024-08-05"])
        half["daysOff"][0]["seconds"] = 7200
        m.get(f"{BASE}/schedule/v1/vacation-day-off-requests", json=page([half]))
        m.get(f"{BASE}/schedule/v1/absence-day-off-requests", json=page([]))
        config = {**CONFIG, "read_contracts": False}
        [jordi] = records(run("employees", m, config))
        [request] = records(run("time_off_requests", m, config))
        contract_calls = [r for r in m.request_history if r.path.startswith("/contract/")]
    assert not contract_calls
    assert jordi["employment_status"] == "ACTIVE" and jordi.get("start_date") is None
    assert (request["amount"], request["amount_hours"]) == ("1", "2")  # no working day known: a whole day


def test_a_partial_day_off_counts_as_its_share_of_the_contracts_working_day() -> None:
    with requests_mock.Mocker() as m:
        mock_company(m)
        half = vacation("half", "create", "accepted", ["2024-08-05"])
        half["daysOff"][0]["seconds"] = 7200  # two of the contract's four hours on a Monday
        whole = vacation("whole", "create", "accepted", ["2024-08-06", "2024-08-07"])
        m.get(f"{BASE}/schedule/v1/vacation-day-off-requests", json=page([half, whole]))
        m.get(f"{BASE}/schedule/v1/absence-day-off-requests", json=page([]))
        m.get(f"{BASE}/contract/v1/contracts/{A}", json=page([contract("a1", "2024-01-01", None)]))
        out = run("time_off_requests", m)
        contract_calls = [r for r in m.request_history if r.path.startswith("/contract/")]
    by_id = {r["remote_id"]: r for r in records(out)}
    assert (by_id["half"]["amount"], by_id["half"]["unit"], by_id["half"]["amount_hours"]) == (
        "0.5",
        "DAYS",
        "2",
    )
    assert (by_id["whole"]["amount"], by_id["whole"]["amount_hours"]) == ("2", "16")
    assert len(contract_calls) == 1, "one employee, one contracts call"


def salary(uid: str, **extra: Any) -> dict[str, Any]:
    return replayed("sesame_hr", "salary") | {"id": uid} | extra


def test_salaries_keep_fourteen_payments_and_assignments_are_read_only_when_the_catalogue_is_used() -> None:
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", json=page([employee(A)]))
        m.get(f"{BASE}/contract/v1/salaries", json=page([salary("s-1")]))
        m.get(f"{BASE}/contract/v1/compensations", json=page([]))
        out = run("compensations", m)
        calls = paths(m)
    (row,) = records(out)
    assert (row["type"], row["amount"], row["currency"], row["pay_period"]) == (
        "BASE_SALARY",
        "38500.00",
        "EUR",
        "YEAR",
    )
    assert (row["payments_per_year"], row["pay_frequency"], row["pay_frequency_raw"]) == (
        14,
        "FOURTEEN_MONTHLY",
        "14",
    )
    assert (row["effective_date"], row.get("end_date"), row["annualized_amount"]) == (
        "2024-01-01",
        None,
        "38500.00",
    )
    assert row["employee_id"] == f"sesame_hr:{COMPANY_ID}:employee:{A}"
    assert not any("/employees/" in p for p in calls), "assignments were read although the catalogue is empty"

    item = replayed("sesame_hr", "compensation")
    assignment = replayed("sesame_hr", "employee_compensation")
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", json=page([employee(A)]))
        m.get(
            f"{BASE}/contract/v1/salaries", json=page([salary("s-1", payPeriod="monthly", grossSalary=2750)])
        )
        m.get(f"{BASE}/contract/v1/compensations", json=page([item]))
        m.get(f"{BASE}/contract/v1/employees/{A}/compensations", json=page([assignment]))
        out = run("compensations", m)
        salary_query = next(r.qs for r in m.request_history if r.path == "/contract/v1/salaries")
        assignment_query = next(
            r.qs for r in m.request_history if r.path.endswith("/compensations") and A in r.path
        )
    by_id = {r["remote_id"]: r for r in records(out)}
    assert by_id["s-1"]["annualized_amount"] == "38500.00"  # 2,750 a month, paid 14 times
    bonus = by_id["as-1"]
    assert (bonus["type"], bonus["name"], bonus.get("amount"), bonus["pay_period"]) == (
        "BONUS",
        "Plus transporte",
        None,
        "MONTH",
    )
    assert bonus["note"] == "10.5% of gross salary"
    assert salary_query["employeeid"] == [A] and "employeeid" not in assignment_query


@pytest.mark.parametrize(
    ("period", "gross", "payments", "monthly", "annual"),
    [
        ("yearly", 38500, 14, 2750, "38500.00"),
        ("monthly", 2750, 14, 2750, "38500.00"),
        ("monthly", 2750, 12, 2750, "33000.00"),
        ("weekly", 600, 52, 2600, "31200.00"),
        ("biweekly", 1200, 26, 2600, "31200.00"),
        ("daily", 120, 12, 2640, "31680.00"),  # no yearly count of days: Sesame's monthly figure
        ("daily", 120, None, None, None),
    ],
)
def test_salaries_are_annualized_for_every_pay_period_and_keep_their_extra_fields(
    period: str, gross: int, payments: int | None, monthly: int | None, annual: str | None
) -> None:
    raw = salary(
        "s-1",
        payPeriod=period,
        grossSalary=gross,
        payments=payments,
        monthlyGrossSalary=monthly,
        contributionGroup="02",
        remuneration=38500,
        prorated=False,
    )
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", json=page([employee(A)]))
        m.get(f"{BASE}/contract/v1/salaries", json=page([raw]))
        m.get(f"{BASE}/contract/v1/compensations", json=page([]))
        (row,) = records(run("compensations", m))
    assert row.get("annualized_amount") == annual
    assert row["custom_fields"] == {
        **({"monthlyGrossSalary": monthly} if monthly is not None else {}),
        "contributionGroup": "02",
        "remuneration": 38500,
        "prorated": False,
    }


def test_work_entries_ask_only_for_changes_since_the_last_sync_including_deletions() -> None:
    entry = replayed("sesame_hr", "work_entry_deleted")
    state = (
        StateBuilder()
        .with_stream_state(
            "work_entries",
            {
                "modified_at": "2024-11-04T10:00:00.000000Z",
                "change_detection": {
                    "v": 3,
                    "origin": f"sesame_hr:{COMPANY_ID}",
                    "facts": {"start_date": "2024-01-01"},
                },
            },
        )
        .build()
    )
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/schedule/v1/work-entries", json=page([entry]))
        out = run("work_entries", m, state=state)
        (query,) = [r.qs for r in m.request_history if r.path == "/schedule/v1/work-entries"]
    assert query["updatedat[gte]"] == ["2024-11-04t09:45:00+00:00"]  # last sync minus the 15-minute look-back
    assert query["onlyreturn"] == ["all"]
    (row,) = records(out)
    assert row["is_deleted"] is True and row["remote_deleted_at"] == "2024-11-04T11:00:00.000000Z"
    assert (row["type"], row["clock_in"], row.get("clock_out")) == (
        "BREAK",
        "2024-11-04T08:00:00.000000Z",
        None,
    )


# -- errors ---------------------------------------------------------------------------------------
def check(m: requests_mock.Mocker, config: dict[str, Any] | None = None) -> tuple[Status, str]:
    config = config or CONFIG
    status = SourceSesameHR(config=config).check(logging.getLogger("test"), config)
    return status.status, status.message or ""


def test_a_refused_token_fails_check_naming_the_token_not_the_body() -> None:
    with requests_mock.Mocker() as m:
        m.get(requests_mock.ANY, status_code=401, text="<html>nope</html>")
        status, message = check(m)
    assert status == Status.FAILED
    assert "API token" in message and "401" in message and "Settings > Integrations > API" in message
    assert "nope" not in message and TOKEN not in message


def test_a_company_without_the_api_add_on_is_told_so() -> None:
    with requests_mock.Mocker() as m:
        m.get(requests_mock.ANY, status_code=403, json={"unexpected": ["shape"]})
        status, message = check(m)
    assert status == Status.FAILED
    assert "403" in message and "API add-on" in message and "permission" in message


def test_429_waits_at_least_retry_after_then_reads_the_page() -> None:
    moments: list[float] = []

    def departments(request: Any, context: Any) -> dict[str, Any]:
        moments.append(time.monotonic())
        if len(moments) == 1:
            context.status_code = 429
            context.headers["Retry-After"] = "2"
            return {}
        return page([{"id": D1, "name": "Compras"}])

    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employee-department-assignations", json=page([]))
        m.get(f"{BASE}/core/v3/departments", json=departments)
        out = run("departments", m)
    assert [r["name"] for r in records(out)] == ["Compras"]
    assert len(moments) == 2 and moments[1] - moments[0] >= 2.0


def test_server_errors_are_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(
            f"{BASE}/core/v3/offices", [{"status_code": 503}, {"json": page([{"id": OFFICE, "name": "HQ"}])}]
        )
        out = run("locations", m)
    assert [r["name"] for r in records(out)] == ["HQ"] and sum(waits) > 0


def test_a_malformed_page_fails_the_stream_instead_of_dropping_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)  # the retries' backoff, without waiting for it
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/offices", text='{"data": [{"id": "e5f4", "na')
        out = run("locations", m, expected_outcome=ExpectedOutcome.EXPECT_EXCEPTION)
        attempts = sum(1 for r in m.request_history if r.path == "/core/v3/offices")
    assert out.errors, "a truncated body must not end the sync successfully"
    assert not records(out) and attempts == 7 and sum(waits) > 0  # retried, with backoff, then failed
    assert "not a Sesame JSON envelope" in out.errors[-1].trace.error.message


def test_an_employee_gone_between_listing_and_fan_out_is_skipped() -> None:
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", json=page([employee(A), employee(B)]))
        m.get(
            f"{BASE}/contract/v1/contracts/{A}",
            json=page([{"id": "k-1", "startDate": "2023-03-06", "endDate": None}]),
        )
        m.get(f"{BASE}/contract/v1/contracts/{B}", status_code=404, json={"error": "gone"})
        out = run("employments", m)
    assert not out.errors
    assert [(r["remote_id"], r["effective_date"], r["is_current"]) for r in records(out)] == [
        ("k-1", "2023-03-06", True)
    ]


def test_pages_are_followed_to_meta_last_page_with_the_largest_limit() -> None:
    pages = [page([employee(f"{i:08d}-0000-4000-8000-000000000000")], current=i, last=3) for i in (1, 2, 3)]
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", [{"json": p} for p in pages])
        for path in ("department", "office"):
            m.get(f"{BASE}/core/v3/employee-{path}-assignations", json=page([]))
        m.get(f"{BASE}/core/v3/employee-managers", json=page([]))
        out = run("employees", m)
        queries = [r.qs for r in m.request_history if r.path == "/core/v3/employees"]
    assert len(records(out)) == 3
    assert [q.get("page") for q in queries] == [None, ["2"], ["3"]]
    assert all(q["limit"] == ["500"] for q in queries)


def test_raw_payloads_are_attached_only_on_request() -> None:
    office = {"id": OFFICE, "name": "HQ", "address": "Carrer de Mallorca 120", "radio": 150}
    for include in (False, True):
        with requests_mock.Mocker() as m:
            mock_company(m)
            m.get(f"{BASE}/core/v3/offices", json=page([office]))
            (row,) = records(run("locations", m, config={**CONFIG, "include_remote_data": include}))
        assert row.get("remote_data") == ([{"path": "/core/v3/offices", "data": office}] if include else None)


def test_category_overrides_come_from_config() -> None:
    absence_type = {"id": "t-9", "name": "Baja IT", "pickMode": "by_days", "needsValidation": False}
    config = {**CONFIG, "time_off_categories": {"baja it": "SICK"}}
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/schedule/v1/absence-types", json=page([absence_type]))
        m.get(f"{BASE}/schedule/v1/vacation-configurations", json=page([]))
        out = run("time_off_types", m, config=config)
    (row,) = records(out)
    assert (row["category"], row["category_raw"], row["unit"], row["requires_approval"]) == (
        "SICK",
        "Baja IT",
        "DAYS",
        False,
    )
    assert json.dumps(row)  # serialisable as emitted


def test_a_malformed_page_of_a_cached_listing_is_fetched_again_not_replayed_from_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # the retry's backoff, without waiting
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/employees", json=page([employee(A)]))
        m.get(
            f"{BASE}/core/v3/employee-department-assignations",
            [
                {"text": '{"data": [{"id": "x", "empl'},
                {"json": page([link("department", A, D1, "2023-03-06T09:00:00+01:00")])},
            ],
        )
        m.get(f"{BASE}/core/v3/employee-office-assignations", json=page([]))
        m.get(f"{BASE}/core/v3/employee-managers", json=page([]))
        out = run("employees", m)
        attempts = [r for r in m.request_history if r.path == "/core/v3/employee-department-assignations"]
    [jordi] = records(out)
    assert jordi["department_id"] == f"sesame_hr:{COMPANY_ID}:department:{D1}" and len(attempts) == 2


@pytest.mark.parametrize(
    "meta",
    [None, {}, {"currentPage": 1}, {"total": 3, "perPage": 500}, {"currentPage": "1", "lastPage": "3"}],
    ids=["no meta", "empty meta", "no lastPage", "no page numbers", "page numbers as text"],
)
def test_a_list_without_complete_meta_is_read_as_its_last_page_with_a_warning(meta: Any) -> None:
    body: dict[str, Any] = {"data": [{"id": OFFICE, "name": "HQ"}]}
    if meta is not None:
        body["meta"] = meta
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/offices", json=body)
        out = run("locations", m)
        calls = [r for r in m.request_history if r.path == "/core/v3/offices"]
    assert not out.errors and [r["name"] for r in records(out)] == ["HQ"] and len(calls) == 1
    warnings = [x.log.message for x in out.logs if x.log.level.value == "WARN"]
    assert any("without a complete `meta` block" in w and "/core/v3/offices" in w for w in warnings), warnings


def test_a_body_without_data_is_retried_then_fails_even_with_meta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/core/v3/offices", json={"meta": {"currentPage": 1, "lastPage": 1}})
        out = run("locations", m, expected_outcome=ExpectedOutcome.EXPECT_EXCEPTION)
        attempts = sum(1 for r in m.request_history if r.path == "/core/v3/offices")
    assert out.errors and not records(out) and attempts == 7
    assert "not a Sesame JSON envelope" in out.errors[-1].trace.error.message


def test_employees_get_identifiers_bank_account_legal_entity_and_probation_end_only_as_configured() -> None:
    person = employee(
        A,
        phone="+34 611 204 204",
        workPhone="+34 932 000 204",
        personalMail="jordi@example.org",
        company={"id": COMPANY_ID, "name": "Olivera Foods SL"},
        nid="87654321X",
        identityNumberType="dni",
        ssn="081234567890",
        accountNumber="ES76 2077 0024 0031 0257 5766",
        bic="CAHMESMMXXX",
    )
    contracts = [
        contract("a1", "2021-03-01", "2022-12-31", trialPeriodQuantity=2, trialPeriodType="months"),
        contract("a2", "2023-01-01", None, trialPeriodQuantity=30, trialPeriodType="days"),
    ]
    for sensitive in (False, True):
        with requests_mock.Mocker() as m:
            mock_company(m)
            m.get(f"{BASE}/core/v3/employees", json=page([person]))
            for path in ("department", "office"):
                m.get(f"{BASE}/core/v3/employee-{path}-assignations", json=page([]))
            m.get(f"{BASE}/core/v3/employee-managers", json=page([]))
            m.get(f"{BASE}/contract/v1/contracts/{A}", json=page(contracts))
            (row,) = records(run("employees", m, config={**CONFIG, "include_sensitive": sensitive}))
        assert (row["mobile_phone_number"], row["work_phone_number"], row["personal_email"]) == (
            "+34 611 204 204",
            "+34 932 000 204",
            "jordi@example.org",
        )
        assert row["legal_entity_id"] == f"sesame_hr:{COMPANY_ID}:legal_entity:{COMPANY_ID}"
        assert row["probation_end_date"] == "2023-01-30"  # the latest trial of the current run: 30 days
        identifiers = {k: row.get(k) for k in ("ssn", "national_id", "tax_id", "bank_accounts")}
        if not sensitive:
            assert not any(identifiers.values())
            continue
        assert identifiers == {
            "ssn": "081234567890",
            "national_id": "87654321X",
            "tax_id": None,
            "bank_accounts": [
                {
                    "iban": "ES7620770024003102575766",
                    "account_number": None,
                    "sort_code": None,
                    "bic": "CAHMESMMXXX",
                    "bank_name": None,
                    "account_holder": None,
                }
            ],
        }
        assert "87654321X" not in json.dumps(row.get("custom_fields"))


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("Congés payés", "VACATION"),
        ("Arrêt maladie", "SICK"),
        ("Elternzeit", "PARENTAL"),
        ("Unbezahlter Urlaub", "UNPAID"),
        ("Licença de maternidade", "PARENTAL"),
        ("Falecimento", "BEREAVEMENT"),
        ("Baixa per malaltia", "SICK"),
        ("Permís no retribuït", "UNPAID"),
        ("Excedencia", "UNPAID"),
        ("Kurzarbeit", "OTHER"),
    ],
)
def test_absence_type_names_in_five_languages_get_their_category_and_config_still_wins(
    name: str, category: str
) -> None:
    absence_type = {"id": "t-1", "name": name, "pickMode": "by_days", "needsValidation": True}
    for config, expected in ((CONFIG, category), ({**CONFIG, "time_off_categories": {name: "PERSONAL"}}, "PERSONAL")):
        with requests_mock.Mocker() as m:
            mock_company(m)
            m.get(f"{BASE}/schedule/v1/absence-types", json=page([absence_type]))
            m.get(f"{BASE}/schedule/v1/vacation-configurations", json=page([]))
            (row,) = records(run("time_off_types", m, config=config))
        assert (row["category"], row["category_raw"]) == (expected, name)


def test_holidays_are_the_calendars_days_from_start_date_with_the_calendars_employees() -> None:
    calendar = replayed("sesame_hr", "holiday_calendar")
    gone = {**calendar, "id": "cal-2", "name": "Deleted meanwhile", "dayOff": [{"id": "d-9", "name": "x", "date": "2024-05-01"}]}
    members = [{"id": A, "firstName": "Jordi"}, {"id": B, "firstName": "Ana"}]
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/schedule/v1/holiday-calendar", json=page([calendar, gone]))
        m.get(
            f"{BASE}/schedule/v1/holidays/cal-1/employees",
            [{"json": page(members[:1], current=1, last=2)}, {"json": page(members[1:], current=2, last=2)}],
        )
        m.get(f"{BASE}/schedule/v1/holidays/cal-2/employees", status_code=404, json={"error": "gone"})
        out = run("holidays", m)
        member_calls = [r.qs.get("page") for r in m.request_history if r.path.endswith("/cal-1/employees")]
    assert not out.errors
    rows = {r["remote_id"]: r for r in records(out)}
    assert set(rows) == {"d-1", "d-2"}  # before start_date: not read; cal-2's day kept as it was
    assert (rows["d-1"]["name"], rows["d-1"]["date"], rows["d-1"]["calendar_name"]) == (
        "Sant Jordi",
        "2024-04-23",
        "Barcelona",
    )
    assert rows["d-1"]["employee_ids"] == [f"sesame_hr:{COMPANY_ID}:employee:{x}" for x in sorted((A, B))]
    assert rows["d-1"]["custom_fields"] == {"default_calendar": True} and member_calls == [None, ["2"]]


def test_balances_count_a_partial_day_as_its_share_and_subtract_it_from_the_allowance() -> None:
    calendar = replayed("sesame_hr", "vacation_calendar")
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(
            f"{BASE}/contract/v1/contracts/{A}",
            json=page([contract("a1", "2023-01-01", None, weeklyHours=40, workDays=None)]),
        )
        m.get(f"{BASE}/schedule/v1/vacation-calendars", json=page([calendar]))
        (row,) = records(run("time_off_balances", m))
    assert (row["entitlement"], row["used"], row["balance"], row["unit"]) == ("25", "1.5", "23.5", "DAYS")
    assert (row["period_start"], row["period_end"]) == ("2024-01-01", "2024-12-31")
    assert row["type_id"] == f"sesame_hr:{COMPANY_ID}:time_off_type:cfg-1"
    assert row["employee_id"] == f"sesame_hr:{COMPANY_ID}:employee:{A}"


def test_work_breaks_are_break_entries() -> None:
    entry = replayed("sesame_hr", "work_entry_pause")
    with requests_mock.Mocker() as m:
        mock_company(m)
        m.get(f"{BASE}/schedule/v1/work-entries", json=page([entry]))
        (row,) = records(run("work_entries", m))
    assert (row["type"], row["type_raw"], row["worked_seconds"]) == ("BREAK", "pause", 1800)
    assert (row["clock_in"], row["clock_out"]) == ("2024-05-10T10:00:00.000000Z", "2024-05-10T10:30:00.000000Z")
