"""The PeopleHR sandbox behaves like the API the reference describes: POST-only RPC, errors inside
HTTP 200, wrappers with history only in the by-id call, per-key areas, saved queries, the call limit."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import requests
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from hris_sandbox.providers.peoplehr import API_KEY

from .conftest import serve


def call(server: SandboxServer, endpoint: str, key: str | None = API_KEY, **body: Any) -> dict[str, Any]:
    payload = ({"APIKey": key} if key is not None else {}) | body
    response = requests.post(f"{server.url}/{endpoint}", json=payload, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def an_employee(server: SandboxServer, **wanted: Any) -> Any:
    company = server.app.company
    return next(e for e in company.employee_list() if all(getattr(e, k) == v for k, v in wanted.items()))


def test_errors_come_inside_http_200_with_the_documented_status_codes(sandbox: SandboxServer) -> None:
    cases = [
        ({"key": None, "Action": "GetAllEmployeeDetail"}, "Employee", 1, "API key is missing."),
        ({"key": "nope", "Action": "GetAllEmployeeDetail"}, "Employee", 2, "Invalid API Key."),
        ({}, "Employee", 3, "Action is missing."),
        ({"Action": " "}, "Employee", 4, "Action cannot be empty."),
        ({"Action": "GetHolidayDetail"}, "Employee", 4, "Invalid Action."),
        ({"Action": "GetHolidayDetail"}, "Holiday", 5, "EmployeeId is missing."),
        (
            {"Action": "GetHolidayDetail", "EmployeeId": "X" * 16},
            "Holiday",
            5,
            "EmployeeId contains more than 15 characters.",
        ),
        ({"Action": "GetHolidayDetail", "EmployeeId": "NOPE"}, "Holiday", 5, "EmployeeId does not exists."),
        ({"Action": "GetAbsenceDetail", "EmployeeId": "E00001"}, "Absence", 5, "StartDate is missing."),
        (
            {
                "Action": "GetAbsenceDetail",
                "EmployeeId": "E00001",
                "StartDate": "2025-13-01",
                "EndDate": "2026-01-01",
            },
            "Absence",
            5,
            "StartDate contains invalid data.",
        ),
        (
            {
                "Action": "GetHolidayDetail",
                "EmployeeId": "E00001",
                "StartDate": "2026-01-02",
                "EndDate": "2026-01-01",
            },
            "Holiday",
            5,
            "StartDate should be before to EndDate.",
        ),
        ({"Action": "GetAllEmployeeDetail"}, "Employee", 5, "IncludeLeavers is missing."),
        ({"Action": "GetQueryResultByQueryName", "QueryName": "Nope"}, "Query", 5, "Invalid query name."),
    ]
    for body, endpoint, status, message in cases:
        key = body.pop("key", API_KEY)
        answer = call(sandbox, endpoint, key=key, **body)
        assert (answer["isError"], answer["Status"], answer["Message"], answer["Result"]) == (
            True,
            status,
            message,
            None,
        )
    raw = requests.post(f"{sandbox.url}/Employee", data=b"{not json", timeout=10).json()
    assert (raw["Status"], raw["Message"]) == (9, "Invalid json data.")
    assert requests.post(f"{sandbox.url}/Employee", data=b"", timeout=10).json()["Status"] == 8
    assert requests.post(f"{sandbox.url}/Employee", json=[1], timeout=10).json()["Status"] == 7
    assert requests.get(f"{sandbox.url}/Employee", timeout=10).status_code == 405
    assert requests.post(f"{sandbox.url}/Nothing", json={}, timeout=10).status_code == 404


def test_actions_match_case_insensitively_and_both_success_messages_occur(sandbox: SandboxServer) -> None:
    listed = call(sandbox, "Employee", Action="getallemployeedetail", IncludeLeavers="true")
    salary = call(sandbox, "Salary", Action="GETSALARYDETAIL", EmployeeId="E00001", IsIncludeHistory="true")
    assert listed["isError"] is False and listed["Message"] == "The requested processed successfully."
    assert salary["isError"] is False and salary["Message"] == "The request processed successfully."


def test_no_records_is_status_10(sandbox: SandboxServer) -> None:
    employee = next(e for e in sandbox.app.company.employee_list() if not e.benefits)
    answer = call(
        sandbox, "Benefit", Action="GetBenefitByEmployeeId", EmployeeId=sandbox.app.employee_id(employee)
    )
    assert (answer["isError"], answer["Status"], answer["Message"]) == (True, 10, "No records found.")


def test_employees_are_wrapped_with_history_only_in_the_by_id_call(sandbox: SandboxServer) -> None:
    listed = call(sandbox, "Employee", Action="GetAllEmployeeDetail", IncludeLeavers="true")["Result"]
    mover = next(e for e in sandbox.app.company.employee_list() if len(e.history) > 1)
    row = next(r for r in listed if r["UniqueKey"] == mover.uid)
    assert row["FirstName"] == {"DisplayValue": mover.first_name, "FieldHistory": []}
    assert row["JobRole"] == {"DisplayValue": mover.job_title, "FieldHistoryForJobRole": []}
    assert row["Department"]["FieldHistoryForEffectiveDate"] == []
    assert isinstance(row["OtherContact"], list) and isinstance(row["RightToWork"], list)
    assert all(isinstance(w["DisplayValue"], str) for w in (row["StartDate"], row["HolidayAllowanceDays"]))
    detail = call(
        sandbox, "Employee", Action="GetEmployeeDetailById", EmployeeId=row["EmployeeId"]["DisplayValue"]
    )
    history = detail["Result"]["JobRole"]["FieldHistoryForJobRole"]
    assert [h["JobRole"] for h in history] == [p.title for p in reversed(mover.history)]
    assert isinstance(detail["Result"], dict)


def test_leavers_only_with_include_leavers(sandbox: SandboxServer) -> None:
    company = sandbox.app.company
    left = {
        e.uid for e in company.employee_list() if e.termination_date and e.termination_date <= company.as_of
    }
    assert len(left) >= 2
    everyone = call(sandbox, "Employee", Action="GetAllEmployeeDetail", IncludeLeavers="true")["Result"]
    current = call(sandbox, "Employee", Action="GetAllEmployeeDetail", IncludeLeavers="false")["Result"]
    assert {r["UniqueKey"] for r in everyone} - {r["UniqueKey"] for r in current} == left
    assert all(r["LeavingDate"] for r in everyone if r["UniqueKey"] in left)


def test_a_renamed_employee_id_is_served_with_its_history() -> None:
    server = serve(employees=12, seed=2)
    try:
        answer = call(server, "Employee", Action="GetEmployeeDetailById", EmployeeId="PW003")["Result"]
        assert answer["EmployeeId"]["FieldHistory"][0] | {"ChangedOn": "-"} == {
            "OldValue": "E00003",
            "NewValue": "PW003",
            "ChangedOn": "-",
            "ReasonForChange": "Payroll migration",
        }
        assert call(server, "Holiday", Action="GetHolidayDetail", EmployeeId="E00003")["Status"] == 5
        renamed = call(
            server,
            "Employee",
            Action="UpdateEmployeeId",
            OldEmployeeId="E00004",
            NewEmployeeId="NEW4",
            ReasonForChange="t",
        )
        assert renamed["isError"] is False
        listed = call(server, "Employee", Action="GetAllEmployeeDetail", IncludeLeavers="true")["Result"]
        assert "NEW4" in {r["EmployeeId"]["DisplayValue"] for r in listed}
    finally:
        server.stop()


def test_holidays_are_filtered_by_overlap_and_absences_need_both_dates(sandbox: SandboxServer) -> None:
    company = sandbox.app.company
    employee = max(company.employee_list(), key=lambda e: len(e.requests))
    window = {"StartDate": "2025-01-01", "EndDate": "2025-06-30"}
    rows = call(
        sandbox, "Holiday", Action="GetHolidayDetail", EmployeeId=sandbox.app.employee_id(employee), **window
    )["Result"]
    assert rows and all(r["StartDate"] <= "2025-06-30" and r["EndDate"] >= "2025-01-01" for r in rows)
    everything = call(
        sandbox, "Holiday", Action="GetHolidayDetail", EmployeeId=sandbox.app.employee_id(employee)
    )["Result"]
    assert len(everything) > len(rows)
    assert {r["DurationType"] for r in everything} <= {1, 2, 3}
    assert all(r["PartOfDay"] in ("", "AM", "PM") for r in everything)


def test_salaries_have_string_amounts_symbol_currencies_and_history(sandbox: SandboxServer) -> None:
    employee = next(e for e in sandbox.app.company.employee_list() if len(e.compensations) > 2)
    history = call(
        sandbox,
        "Salary",
        Action="GetSalaryDetail",
        EmployeeId=sandbox.app.employee_id(employee),
        IsIncludeHistory="true",
    )
    current = call(
        sandbox,
        "Salary",
        Action="GetSalaryDetail",
        EmployeeId=sandbox.app.employee_id(employee),
        IsIncludeHistory="false",
    )
    assert len(history["Result"]) > 1 and len(current["Result"]) == 1
    row = history["Result"][0]
    assert isinstance(row["SalaryAmount"], str) and "." in row["SalaryAmount"]
    assert row["Currency"] in ("£", "€", "$", "zł")


def test_a_key_without_an_area_gets_no_access(sandbox: SandboxServer) -> None:
    server = serve(
        employees=8, keys=json.dumps({"no-salary-key": ["Employee", "Holiday", "Absence", "Benefit"]})
    )
    try:
        answer = call(
            server,
            "Salary",
            key="no-salary-key",
            Action="GetSalaryDetail",
            EmployeeId="E00001",
            IsIncludeHistory="true",
        )
        assert (answer["Status"], answer["Message"]) == (5, "No access on salary schema.")
        assert call(server, "Query", key="no-salary-key", Action="GetQueryResultByQueryName", QueryName="x")[
            "Message"
        ] == ("No access to Query Builder schema.")
        assert call(server, "Holiday", key="no-salary-key", Action="GetHolidayDetail", EmployeeId="E00001")[
            "Status"
        ] in (0, 10)
    finally:
        server.stop()


def test_saved_queries_return_rows_keyed_by_column_names_with_slashed_dates(sandbox: SandboxServer) -> None:
    rows = call(sandbox, "Query", Action="GetQueryResultByQueryName", QueryName="Connector Holidays")[
        "Result"
    ]
    company = sandbox.app.company
    expected = sum(
        1
        for e in company.employee_list()
        for r in e.requests
        if company.time_off_type(r.type_key).category in ("VACATION", "TIME_IN_LIEU")
    )
    assert len(rows) == expected
    assert all(isinstance(v, str) for r in rows for v in r.values())
    assert rows[0]["Holiday Start Date"][4] == "/" and "Employee Id" in rows[0]
    allowances = call(sandbox, "Query", Action="GetQueryResultByQueryName", QueryName="holiday allowances")[
        "Result"
    ]
    assert {"Employee Id", "Allowance (Days)", "Annual Leave Start Date"} <= set(allowances[0])


@pytest.mark.parametrize("mode", ["http429", "status6"])
def test_the_call_limit_counts_per_client_over_a_rolling_window(mode: str) -> None:
    app = create_app(
        "peoplehr",
        Company.generate(5, seed=1, as_of=date(2026, 3, 2)),
        rate_limit="3",
        rate_limit_response=mode,
    )
    with SandboxServer(app) as server:
        answers = [
            requests.post(
                f"{server.url}/Employee",
                json={"APIKey": API_KEY, "Action": "GetCompanyInformation"},
                timeout=10,
            )
            for _ in range(4)
        ]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    refused = answers[3]
    assert refused.status_code == (429 if mode == "http429" else 200)
    assert refused.json()["isError"] is True and refused.json()["Status"] == 6


def test_swagger_spelling_of_the_error_flag_is_switchable() -> None:
    server = serve(employees=3, error_key="IsError")
    try:
        answer = call(server, "Employee", Action="GetCompanyInformation")
        assert answer["IsError"] is False and "isError" not in answer
    finally:
        server.stop()


def test_renders_follow_company_changes(sandbox: SandboxServer) -> None:
    company = sandbox.app.company
    employee = an_employee(sandbox, key=7)
    before = call(sandbox, "Employee", Action="GetAllEmployeeDetail", IncludeLeavers="true")["Result"]
    company.edit_employee(employee.key, last_name="Renamed-In-Test")
    after = call(sandbox, "Employee", Action="GetAllEmployeeDetail", IncludeLeavers="true")["Result"]
    name = {r["UniqueKey"]: r["LastName"]["DisplayValue"] for r in after}
    assert name[employee.uid] == "Renamed-In-Test" and before != after
