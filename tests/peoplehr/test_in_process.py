"""The connector in-process against requests-mock: what it POSTs, how it reads PeopleHR's envelope and
status codes (config checks: `test_unit.py`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import requests_mock
from airbyte_cdk.models import Status, SyncMode
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    DefaultErrorHandler as HandlerModel,
)
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from replayed import replayed
from source_peoplehr.components.directory import HORIZON
from source_peoplehr.source import SourcePeopleHR
from unified_hris_cdk.factory import UnifiedComponentFactory

BASE = "https://api.peoplehr.net"
KEY = "0f3c9a51d2e84b7c9e1a6b2d4c8f0e17"
START = "2025-01-01"
CONFIG = {"api_key": KEY, "account": "Acme", "start_date": START}


def wrapped(value: str, history: str = "FieldHistory") -> dict[str, Any]:
    return {"DisplayValue": value, history: []}


def envelope(
    result: Any, status: int = 0, message: str = "The request processed successfully."
) -> dict[str, Any]:
    return {"isError": status != 0, "Status": status, "Message": message, "Result": result}


class FakePeopleHR:
    """Answers by Action, records every request; `answers` overrides an action's envelopes in turn."""

    def __init__(self, mocker: requests_mock.Mocker) -> None:
        self.requests: list[requests.PreparedRequest] = []
        self.listing = replayed("peoplehr", "GetAllEmployeeDetail")  # Callum, and Nadia who left before START
        self.employees: list[dict[str, Any]] = self.listing["Result"]
        self.answers: dict[str, list[dict[str, Any]]] = {}
        self.queries: dict[str, list[dict[str, Any]]] = {}
        for endpoint in (
            "Employee",
            "Holiday",
            "Absence",
            "OtherEvent",
            "MaternityPaternity",
            "Salary",
            "Benefit",
            "Timesheet",
            "Query",
        ):
            mocker.post(f"{BASE}/{endpoint}", json=self.answer)

    def bodies(self, action: str | None = None) -> list[dict[str, Any]]:
        found = [json.loads(r.body) for r in self.requests]
        return [b for b in found if action is None or b["Action"] == action]

    def answer(self, request: Any, context: Any) -> dict[str, Any]:
        self.requests.append(request)
        action = request.json()["Action"]
        if self.answers.get(action):
            return self.answers[action].pop(0)
        if action == "GetQueryResultByQueryName" and request.json()["QueryName"] in self.queries:
            return envelope(self.queries[request.json()["QueryName"]])
        if action == "GetAllEmployeeDetail":
            return self.listing | {"Result": self.employees}
        if action in ("GetHolidayDetail", "GetSalaryDetail"):
            return replayed("peoplehr", action)
        return envelope(None, 10, "No records found.")


@pytest.fixture
def peoplehr() -> Iterator[FakePeopleHR]:
    with requests_mock.Mocker() as mocker:
        yield FakePeopleHR(mocker)


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries back off with real sleeps; record them instead."""
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


def catalog(*streams: str) -> Any:
    builder = CatalogBuilder()
    for name in streams:
        builder = builder.with_stream(name, SyncMode.full_refresh)
    return builder.build()


def sync(config: dict[str, Any], *streams: str) -> Any:
    return read(SourcePeopleHR(config=config), config, catalog(*streams))


def check(config: dict[str, Any]) -> Any:
    return SourcePeopleHR(config=config).check(None, config)  # type: ignore[arg-type]


# -- what goes over the wire ----------------------------------------------------------------------
def test_every_call_is_a_json_post_with_the_key_in_the_body_and_no_call_for_an_early_leaver(
    peoplehr: FakePeopleHR,
) -> None:
    out = sync(CONFIG, "employees", "time_off_requests", "compensations", "benefits")
    assert not out.errors, out.errors
    end = (datetime.now(UTC).date() + HORIZON).isoformat()
    assert all(
        r.method == "POST" and r.headers["Content-Type"] == "application/json" for r in peoplehr.requests
    )
    assert all(KEY not in json.dumps(dict(r.headers)) and "?" not in r.url for r in peoplehr.requests)
    assert peoplehr.bodies("GetAllEmployeeDetail") == [
        {"APIKey": KEY, "Action": "GetAllEmployeeDetail", "IncludeLeavers": "true"}
    ]  # one list call feeds every stream
    person_180 = {"APIKey": KEY, "EmployeeId": "180"}  # a numeric-looking EmployeeId stays a string
    window = {"StartDate": START, "EndDate": end}
    assert peoplehr.bodies("GetHolidayDetail") == [person_180 | {"Action": "GetHolidayDetail"} | window]
    assert peoplehr.bodies("GetAbsenceDetail") == [person_180 | {"Action": "GetAbsenceDetail"} | window]
    assert peoplehr.bodies("getothereventdetail") == [person_180 | {"Action": "getothereventdetail"} | window]
    assert peoplehr.bodies("GetMaternityPaternityByEmployeeId") == [
        person_180
        | {"Action": "GetMaternityPaternityByEmployeeId", "ActualStartDate": START, "ActualEndDate": end}
    ]
    assert peoplehr.bodies("GetSalaryDetail") == [
        person_180 | {"Action": "GetSalaryDetail", "IsIncludeHistory": "true"}
    ]
    assert peoplehr.bodies("GetBenefitByEmployeeId") == [person_180 | {"Action": "GetBenefitByEmployeeId"}]
    assert not [b for b in peoplehr.bodies() if b.get("EmployeeId") == "PW7"]  # left before start_date


def test_saved_queries_replace_the_fan_out(peoplehr: FakePeopleHR) -> None:
    config = CONFIG | {"holiday_query": "All holidays", "salary_query": "2024", "include_remote_data": True}
    row = {"Employee Id": "180", "Holiday Start Date": "2025/08/19", "Holiday End Date": "2025/08/22"}
    peoplehr.queries = {
        "All holidays": [row],
        "2024": [{"Employee Id": "180", "Effective From": "2024/04/01", "Salary Amount": "33000.0000"}],
    }
    out = sync(config, "time_off_requests", "compensations")
    assert not out.errors, out.errors
    queries = [b["QueryName"] for b in peoplehr.bodies("GetQueryResultByQueryName")]
    assert sorted(queries) == ["2024", "All holidays"]  # a numeric-looking name stays a string
    assert not peoplehr.bodies("GetHolidayDetail") and not peoplehr.bodies("GetSalaryDetail")
    assert len(peoplehr.bodies("GetAbsenceDetail")) == 1  # absences still fan out
    holiday = next(r.record.data for r in out.records if r.record.stream == "time_off_requests")
    assert holiday["start_date"] == "2025-08-19" and holiday["end_date"] == "2025-08-22"
    assert holiday["remote_data"] == [{"path": "/Query GetQueryResultByQueryName All holidays", "data": row}]


def test_a_query_without_its_required_columns_fails_naming_them(peoplehr: FakePeopleHR) -> None:
    peoplehr.answers["GetQueryResultByQueryName"] = [
        envelope([{"Employee Id": "180", "Start": "2025/08/19"}])
    ]
    out = sync(CONFIG | {"holiday_query": "Holidays"}, "time_off_requests")
    messages = " ".join(e.trace.error.message for e in out.errors)
    assert (
        "'Holiday Start Date'" in messages
        and "'Holiday End Date'" in messages
        and "Query Builder" in messages
    )


# -- unwrapping ---------------------------------------------------------------------------------------
def test_display_values_are_unwrapped_and_ids_use_the_unique_key(peoplehr: FakePeopleHR) -> None:
    out = sync(CONFIG, "employees", "departments", "time_off_requests", "compensations")
    records: dict[str, list[dict[str, Any]]] = {}
    for message in out.records:
        records.setdefault(message.record.stream, []).append(message.record.data)
    callum = next(e for e in records["employees"] if e["employee_number"] == "180")
    assert callum["id"] == "peoplehr:acme:employee:3f9c1b2e-7d44-4c1a-9a52-5b0e8e6f2c11"
    assert (callum["first_name"], callum["start_date"], callum["employment_status"]) == (
        "Callum",
        "2020-11-02",
        "ACTIVE",
    )
    assert callum["department_id"] == "peoplehr:acme:department:operations"
    nadia = next(e for e in records["employees"] if e["employee_number"] == "PW7")
    assert nadia["remote_id"] == "PW7"  # no UniqueKey: the EmployeeId is the key
    assert (nadia["employment_status"], nadia["employment_status_raw"]) == ("INACTIVE", "LEFT")
    assert (nadia["termination_date"], nadia["termination_type"]) == ("2023-06-30", "VOLUNTARY")
    assert [d["name"] for d in records["departments"]] == ["Operations"]
    assert records["departments"][0]["member_ids"] == [callum["id"]]
    (holiday,) = records["time_off_requests"]
    assert (holiday["amount"], holiday["unit"], holiday["day_part"], holiday["amount_hours"]) == (
        "0.5",
        "DAYS",
        "AFTERNOON",
        "3.75",
    )
    assert holiday["remote_updated_at"] == "2025-07-02T07:41:15.000000Z"  # UK summer time
    pay = sorted(records["compensations"], key=lambda c: c["remote_id"])
    assert [(c["effective_date"], c.get("end_date"), c["type"], c["amount"]) for c in pay] == [
        ("2023-04-01", "2024-03-31", "BASE_SALARY", "31500.00"),
        ("2023-04-01", "2024-03-31", "ALLOWANCE", "1200.00"),
        ("2024-04-01", None, "BASE_SALARY", "33000.00"),
    ]
    assert {c["currency"] for c in pay} == {"GBP"} and pay[2]["is_current"] is True


# -- status codes -----------------------------------------------------------------------------------
def test_a_wrong_key_fails_check_clearly(peoplehr: FakePeopleHR) -> None:
    peoplehr.answers["GetAllEmployeeDetail"] = [envelope(None, 2, "Invalid API Key.")]
    status = check(CONFIG)
    assert status.status == Status.FAILED
    assert "refused the API key (Invalid API Key.)" in status.message and "Settings > API" in status.message
    assert "Traceback" not in status.message and KEY not in status.message


def test_a_refused_key_costs_one_call_however_many_streams_need_the_list(peoplehr: FakePeopleHR) -> None:
    peoplehr.answers["GetAllEmployeeDetail"] = [envelope(None, 2, "Invalid API Key.")]
    out = sync(CONFIG, "employees", "departments", "locations", "time_off_requests", "benefits")
    per_stream = [e.trace.error for e in out.errors if e.trace.error.stream_descriptor]
    assert len(per_stream) == 5 and all("refused the API key" in e.message for e in per_stream)
    assert len(peoplehr.requests) == 1


def test_leavers_can_be_left_out(peoplehr: FakePeopleHR) -> None:
    sync(CONFIG | {"include_leavers": False}, "employees")
    assert peoplehr.bodies() == [{"APIKey": KEY, "Action": "GetAllEmployeeDetail", "IncludeLeavers": "false"}]


def test_a_missing_area_fails_check_naming_it_unless_it_is_not_read(peoplehr: FakePeopleHR) -> None:
    no_access = envelope(None, 5, "No access on salary schema.")
    peoplehr.answers["GetSalaryDetail"] = [no_access]
    status = check(CONFIG)
    assert status.status == Status.FAILED
    assert "no access to the Salary area (No access on salary schema.)" in status.message
    assert "read_areas" in status.message
    assert len(peoplehr.bodies("GetAbsenceDetail")) == 1  # every area was probed up to the failure
    peoplehr.answers["GetSalaryDetail"] = [no_access]
    told = ["Holiday", "Absence", "OtherEvent", "MaternityPaternity", "Benefit"]
    assert check(CONFIG | {"read_areas": told}).status == Status.SUCCEEDED
    assert peoplehr.answers["GetSalaryDetail"] == [no_access]  # not called at all


def test_a_stream_whose_areas_are_all_switched_off_warns_and_reads_nothing(peoplehr: FakePeopleHR) -> None:
    config = CONFIG | {"read_areas": ["Holiday", "Absence", "OtherEvent", "MaternityPaternity"]}
    out = sync(config, "compensations", "time_off_requests")
    assert not out.errors
    assert not [r for r in out.records if r.record.stream == "compensations"]
    assert any("Salary area is not in 'read_areas'" in m.log.message for m in out.logs)
    assert not peoplehr.bodies("GetSalaryDetail")


def test_no_records_is_an_empty_stream(peoplehr: FakePeopleHR) -> None:
    out = sync(CONFIG, "benefits")
    assert not out.errors and not out.records


def test_server_errors_and_foreign_bodies_are_retried(peoplehr: FakePeopleHR, no_sleep: list[float]) -> None:
    peoplehr.answers["GetAllEmployeeDetail"] = [
        envelope(None, 6, "Oops! Something went wrong."),
        {"html": "<h1>maintenance</h1>"},  # not the envelope
    ]
    out = sync(CONFIG, "employees")
    assert not out.errors and len(out.records) == 2
    assert len(peoplehr.bodies("GetAllEmployeeDetail")) == 3 and len(no_sleep) >= 2


def test_an_employee_gone_mid_sync_is_skipped_not_fatal(peoplehr: FakePeopleHR) -> None:
    peoplehr.answers["GetHolidayDetail"] = [envelope(None, 5, "EmployeeId does not exists.")]
    out = sync(CONFIG, "time_off_requests")
    assert not out.errors and not out.records


@pytest.fixture(scope="module")
def handler() -> Any:
    """The manifest's error handler as the connector builds it (the suite's factory adds its bounds)."""
    definition = SourcePeopleHR(config=CONFIG).resolved_manifest["definitions"]["error_handler"]
    return UnifiedComponentFactory().create_component(HandlerModel, definition, CONFIG)


def response(body: Any, status: int = 200, endpoint: str = "Salary") -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer.headers["Content-Type"] = "application/json"
    answer.url = f"{BASE}/{endpoint}"
    return answer


@pytest.mark.parametrize(
    ("body", "status", "action", "failure", "says"),
    [
        (envelope([{"x": 1}]), 200, ResponseAction.SUCCESS, None, None),
        (envelope(None, 10, "No records found."), 200, ResponseAction.IGNORE, None, "no records"),
        (envelope(None, 1, "API key is missing."), 200, ResponseAction.FAIL, "config_error", "'api_key'"),
        (envelope(None, 2, "Invalid API Key."), 200, ResponseAction.FAIL, "config_error", "'api_key'"),
        (
            envelope(None, 5, "API Key does not exists."),
            200,
            ResponseAction.FAIL,
            "config_error",
            "'api_key'",
        ),
        (
            envelope(None, 5, "No access on salary schema."),
            200,
            ResponseAction.FAIL,
            "config_error",
            "Salary area",
        ),
        (envelope(None, 5, "Invalid query name."), 200, ResponseAction.FAIL, "config_error", "Query Builder"),
        (envelope(None, 5, "EmployeeId does not exists."), 200, ResponseAction.IGNORE, None, "read again"),
        (
            envelope(None, 0, "The request processed successfully."),
            200,
            ResponseAction.RETRY,
            None,
            "no Result",
        ),
        (
            envelope(None, 5, "StartDate contains invalid data."),
            200,
            ResponseAction.FAIL,
            "system_error",
            "bug",
        ),
        (envelope(None, 4, "Invalid Action."), 200, ResponseAction.FAIL, "system_error", "bug"),
        (envelope(None, 6, "Oops! Something went wrong."), 200, ResponseAction.RETRY, None, "retrying"),
        (
            {"IsError": True, "Status": 2, "Message": "Invalid API Key."},
            200,
            ResponseAction.FAIL,
            "config_error",
            "'api_key'",
        ),
        (b'{"isError": false, "Status": 0, "Res', 200, ResponseAction.RETRY, None, "not its JSON envelope"),
        (b"<html>Service Unavailable</html>", 503, ResponseAction.RETRY, None, None),
        (envelope(None, 6, "Rate limit exceeded"), 429, ResponseAction.RATE_LIMITED, None, "call limit"),
        (b"<html>Not Found</html>", 404, ResponseAction.FAIL, "config_error", "'base_url'"),
        (b"<html>Header too large</html>", 431, ResponseAction.FAIL, "system_error", "not retried"),
    ],
)
def test_status_codes_map_to_actions(
    handler: Any, body: Any, status: int, action: ResponseAction, failure: str | None, says: str | None
) -> None:
    resolution = handler.interpret_response(response(body, status))
    assert resolution.response_action == action
    if failure:
        assert resolution.failure_type.value == failure
    if says:
        assert says in (resolution.error_message or ""), resolution.error_message


# -- leave kinds, their hours, and the job history ------------------------------------------------------
def leave(**fields: Any) -> dict[str, Any]:
    return {"Status": "Approved", "LastActionDateTime": "2025-07-01 10:00:00", **fields}


def test_other_events_maternity_and_absences_are_time_off_with_hours_from_the_working_day(
    peoplehr: FakePeopleHR,
) -> None:
    peoplehr.employees[0] |= {
        "HolidayAllowanceDays": {"DisplayValue": "25.00"},
        "HolidayAllowanceMins": {"DisplayValue": "6000"},  # the allowance in minutes: 4 hours a day
    }
    peoplehr.answers["getothereventdetail"] = [
        envelope(
            [
                leave(StartDate="2025-08-04", EndDate="2025-08-04", DurationType=2, DurationInDays=0.5,
                      DurationInMinutes=120, StartTime="09:00", EndTime="11:00", Reason="Medical appointment"),
                leave(StartDate="2025-08-11", EndDate="2025-08-13", DurationType=1, DurationInDays=3.0,
                      DurationInMinutes=720, StartTime="", EndTime="", Reason="Unpaid leave"),
            ]
        )
    ]  # fmt: skip
    peoplehr.answers["GetMaternityPaternityByEmployeeId"] = [replayed("peoplehr", "GetMaternityPaternityByEmployeeId")]
    peoplehr.answers["GetAbsenceDetail"] = [replayed("peoplehr", "GetAbsenceDetail")]
    out = sync(CONFIG, "time_off_requests")
    assert not out.errors, out.errors
    by_kind = {r.record.data["type_name"]: r.record.data for r in out.records}
    medical = by_kind["Medical appointment"]
    assert (medical["category"], medical["unit"], medical["amount"], medical["amount_hours"]) == (
        "PERSONAL", "HOURS", "2", "2"
    )  # fmt: skip
    assert medical["start_time"] == "2025-08-04T08:00:00.000000Z" and medical["day_part"] == "CUSTOM"
    unpaid = by_kind["Unpaid leave"]
    assert (unpaid["category"], unpaid["unit"], unpaid["amount"], unpaid["amount_hours"], unpaid["is_paid"]) == (
        "UNPAID", "DAYS", "3", "12", False
    )  # fmt: skip
    parental = by_kind["Maternity/paternity leave"]  # dates only: Monday to Friday, 4 hours each
    assert (parental["category"], parental["status"], parental["amount"], parental["amount_hours"]) == (
        "PARENTAL", "APPROVED", "10", "40"
    )  # fmt: skip
    sick = by_kind["Sickness absence"]
    assert (sick["amount"], sick["unit"], sick["amount_hours"]) == ("2", "DAYS", "8")


def test_without_an_allowance_in_minutes_the_configured_working_day_gives_the_hours(
    peoplehr: FakePeopleHR,
) -> None:
    absence = {"StartDate": "2025-03-11", "EndDate": "2025-03-12", "DurationDays": "2.00"}
    for config, hours in ((CONFIG, "15"), (CONFIG | {"hours_per_day": 8}, "16")):
        peoplehr.answers["GetAbsenceDetail"] = [envelope([absence])]
        out = sync(config, "time_off_requests")
        [sick] = [r.record.data for r in out.records if r.record.data["category"] == "SICK"]
        assert sick["amount_hours"] == hours


def test_the_job_history_comes_from_each_employees_detail(peoplehr: FakePeopleHR) -> None:
    def history(field: str, *rows: tuple[str, str]) -> dict[str, Any]:
        value = "FieldData" if field == "FieldHistoryForEffectiveDate" else "JobRole"
        return {
            "DisplayValue": rows[-1][1],
            field: [{"EffectiveDate": d, value: v} for d, v in reversed(rows)],
        }

    detail = replayed("peoplehr", "GetAllEmployeeDetail")["Result"][0] | {
        "JobRole": history("FieldHistoryForJobRole", ("2020-11-02", "Picker"), ("2023-04-01", "Supervisor")),
        "Department": history(
            "FieldHistoryForEffectiveDate", ("2020-11-02", "Warehouse"), ("2022-01-10", "Operations")
        ),
        "EmploymentType": history("FieldHistoryForEffectiveDate", ("2020-11-02", "Part Time")),
    }
    peoplehr.answers["GetEmployeeDetailById"] = [envelope(detail)]
    out = sync(CONFIG, "employments")
    assert not out.errors, out.errors
    rows = [r.record.data for r in out.records]
    assert [(r["effective_date"], r.get("end_date"), r["job_title"], r["department_id"]) for r in rows] == [
        ("2020-11-02", "2022-01-09", "Picker", "peoplehr:acme:department:warehouse"),
        ("2022-01-10", "2023-03-31", "Picker", "peoplehr:acme:department:operations"),
        ("2023-04-01", None, "Supervisor", "peoplehr:acme:department:operations"),
    ]
    assert all((r["time_type"], r["worker_type"]) == ("PART_TIME", "EMPLOYEE") for r in rows)
    assert [r["is_current"] for r in rows] == [False, False, True]
    assert peoplehr.bodies("GetEmployeeDetailById") == [
        {"APIKey": KEY, "Action": "GetEmployeeDetailById", "EmployeeId": "180"}
    ]  # the early leaver has no call


# -- booking ids, absence facts and salary items (issue 16) ---------------------------------------------
def test_bookings_use_their_own_ids_and_fall_back_to_the_vendor_key_without_one(peoplehr: FakePeopleHR) -> None:
    same_dates = {"StartDate": "2025-08-18", "EndDate": "2025-08-19", "DurationType": 1, "DurationInDays": 2}
    peoplehr.answers["GetHolidayDetail"] = [
        envelope(
            [
                leave(AnnualLeaveTxnId=184420917, **same_dates, Status="Declined"),
                leave(AnnualLeaveTxnId=184420990, **same_dates),  # the approved rebooking
                leave(StartDate="2025-09-01", EndDate="2025-09-01", DurationType=1, DurationInDays=1),
            ]
        )
    ]
    peoplehr.answers["GetAbsenceDetail"] = [
        envelope([{"AbsenceLeaveTxnId": 77, "StartDate": "2025-03-11", "EndDate": "2025-03-11", "DurationDays": "1.00"}])
    ]
    out = sync(CONFIG, "time_off_requests")
    assert not out.errors, out.errors
    got = {(r.record.data["remote_id"], r.record.data["remote_id_is_synthetic"], r.record.data["status"])
           for r in out.records}  # fmt: skip
    key = "3f9c1b2e-7d44-4c1a-9a52-5b0e8e6f2c11"
    assert got == {
        ("holiday:184420917", False, "DECLINED"),
        ("holiday:184420990", False, "APPROVED"),
        (f"holiday:{key}:2025-09-01:2025-09-01", True, "APPROVED"),  # no AnnualLeaveTxnId: the old key
        ("absence:77", False, "APPROVED"),
    }


@pytest.mark.parametrize(
    ("code", "setting", "paid"),
    [(1, None, True), (2, None, False), ("1", None, True), (2, 2, True), (1, 2, False), (None, None, None)],
)
def test_absence_paid_status_gives_is_paid_and_its_flags_go_to_custom_fields(
    peoplehr: FakePeopleHR, code: Any, setting: int | None, paid: bool | None
) -> None:
    absence = {
        "AbsenceLeaveTxnId": 5, "StartDate": "2025-03-03", "EndDate": "2025-03-07", "DurationDays": "5.00",
        "AbsencePaidStatus": code, "BackToWorkInterviewRequried": True, "BackToWorkInterviewDate": "2025-03-10",
        "MedicalCertificateType": 1, "MedicalCertificateReceivedDate": "2025-03-07", "EmergencyLeave": False,
        "Comments": [{"Comments": "Called in at 08:00", "PostedBy": "Nadia Okafor"}],
    }  # fmt: skip
    peoplehr.answers["GetAbsenceDetail"] = [envelope([absence])]
    config = CONFIG if setting is None else CONFIG | {"paid_absence_status": setting}
    out = sync(config, "time_off_requests")
    assert not out.errors, out.errors
    [sick] = [r.record.data for r in out.records if r.record.data["category"] == "SICK"]
    assert sick.get("is_paid") is paid
    assert sick["custom_fields"] == {
        **({"paid_status_raw": str(code)} if code is not None else {}),
        "back_to_work_interview_required": True,
        "back_to_work_interview_date": "2025-03-10",
        "medical_certificate_type": "1",
        "medical_certificate_received_date": "2025-03-07",
        "emergency_leave": False,
        "comments": [{"comment": "Called in at 08:00", "posted_by": "Nadia Okafor"}],
    }


def test_deductions_totals_and_percentages_of_a_salary(peoplehr: FakePeopleHR) -> None:
    peoplehr.answers["GetSalaryDetail"] = [replayed("peoplehr", "GetSalaryDetail_deductions")]
    out = sync(CONFIG, "compensations")
    assert not out.errors, out.errors
    rows = {r.record.data["name"]: r.record.data for r in out.records}
    assert rows["Salary"]["custom_fields"] == {"total_salary_amount": "31500.00"}
    weighting = rows["London weighting"]
    assert (weighting["type"], weighting["amount"], weighting["annualized_amount"]) == ("ALLOWANCE", "1500.00", "1500.00")
    assert weighting["custom_fields"] == {
        "percentage": "5", "include_in_total_salary": True, "display_as_amount_or_percentage": False
    }
    club = rows["Social Club"]
    assert (club["type"], club["type_raw"], club["amount"], club["note"]) == ("OTHER", "Deduction", "-120.00", "Monthly 10")
    assert club["remote_id"] == "3f9c1b2e-7d44-4c1a-9a52-5b0e8e6f2c11:2024-04-01:deduction:Social Club"


def test_a_timesheet_day_gives_its_pairs_as_work_and_the_gaps_as_breaks(peoplehr: FakePeopleHR) -> None:
    blank = {f"Time{way}{n}": "" for way in ("In", "Out") for n in range(1, 16)}
    peoplehr.answers["GetTimesheetDetail"] = [
        envelope(
            [
                blank | {"TimesheetDate": "2025-07-14", "TimeIn1": "08:30", "TimeOut1": "12:00", "TimeIn2": "12:45",
                         "TimeOut2": "17:15", "TimesheetState": "Complete", "ChangedDate": "2025-07-14"},
                blank | {"TimesheetDate": "2025-07-15", "TimeIn1": "22:00", "TimeOut1": "02:00", "TimeIn2": "09:00"},
            ]
        )
    ]  # fmt: skip
    out = sync(CONFIG, "work_entries")
    assert not out.errors, out.errors
    assert peoplehr.bodies("GetTimesheetDetail")[0]["StartDate"] == START
    rows = [r.record.data for r in out.records]
    assert [(r["type"], r["type_raw"], r["clock_in"], r.get("clock_out"), r.get("worked_seconds")) for r in rows] == [
        ("WORK", "TimeIn1-TimeOut1", "2025-07-14T07:30:00.000000Z", "2025-07-14T11:00:00.000000Z", 12600),
        ("BREAK", "TimeOut1-TimeIn2", "2025-07-14T11:00:00.000000Z", "2025-07-14T11:45:00.000000Z", 2700),
        ("WORK", "TimeIn2-TimeOut2", "2025-07-14T11:45:00.000000Z", "2025-07-14T16:15:00.000000Z", 16200),
        ("WORK", "TimeIn1-TimeOut1", "2025-07-15T21:00:00.000000Z", "2025-07-16T01:00:00.000000Z", 14400),
        ("BREAK", "TimeOut1-TimeIn2", "2025-07-16T01:00:00.000000Z", "2025-07-16T08:00:00.000000Z", 25200),
        ("WORK", "TimeIn2-TimeOut2", "2025-07-16T08:00:00.000000Z", None, None),  # still clocked in
    ]  # UK summer time; past midnight is the next day
    key = "3f9c1b2e-7d44-4c1a-9a52-5b0e8e6f2c11"
    assert rows[0]["remote_id"] == f"{key}:2025-07-14:08:30" and rows[1]["remote_id"] == f"{key}:2025-07-14:break:12:00"
    assert rows[0]["custom_fields"] == {"timesheet_state": "Complete", "changed_date": "2025-07-14"}


def test_phones_probation_legal_entity_and_the_opt_in_identifiers(peoplehr: FakePeopleHR) -> None:
    peoplehr.employees[0] |= {
        "ContactDetail": {"PersonalPhoneNumber": wrapped("0113 496 0001"), "Mobile": wrapped("07700 900612")},
        "ProbationEndDate": wrapped("2021-05-02"),
        "Company": wrapped("Harbourlight Logistics Ltd", "FieldHistoryForEffectiveDate"),
        "NISNumber": wrapped("QQ123456B"),
        "BankDetail": {"BankName": wrapped("Test Bank"), "BankCode": wrapped("TESTGB2X"),
                       "AccountNumber": wrapped("GB00 TEST 0000 0000 1234 56"), "AccountName": wrapped("C Price")},
    }  # fmt: skip
    peoplehr.employees[1] |= {
        "BankDetail": {"BankCode": wrapped("20-00-00"), "AccountNumber": wrapped("55779911")},
    }
    for sensitive in (False, True):
        out = sync(CONFIG | {"include_sensitive": sensitive}, "employees")
        callum, nadia = sorted((r.record.data for r in out.records), key=lambda e: e["employee_number"])
        assert (callum["home_phone_number"], callum["mobile_phone_number"]) == ("0113 496 0001", "07700 900612")
        assert callum["probation_end_date"] == "2021-05-02"
        assert callum["legal_entity_id"] == "peoplehr:acme:legal_entity:harbourlight-logistics-ltd"
        if not sensitive:
            assert callum.get("ssn") is None and callum.get("bank_accounts") is None
            continue
        assert callum["ssn"] == "QQ123456B"
        assert callum["bank_accounts"] == [
            {"iban": "GB00TEST00000000123456", "account_number": None, "sort_code": None, "bic": "TESTGB2X",
             "bank_name": "Test Bank", "account_holder": "C Price"}
        ]  # fmt: skip
        assert nadia["bank_accounts"] == [
            {"iban": None, "account_number": "55779911", "sort_code": "20-00-00", "bic": None,
             "bank_name": None, "account_holder": None}
        ]  # fmt: skip


def test_other_event_reasons_in_other_languages_and_the_users_categories(peoplehr: FakePeopleHR) -> None:
    reasons = ["Cita médica", "Congé sans solde", "Elternzeit", "Licença por luto", "Study Leave", "Jurado"]
    events = [
        leave(StartDate=f"2025-08-{10 + n:02d}", EndDate=f"2025-08-{10 + n:02d}", DurationType=1,
              DurationInDays=1, DurationInMinutes=450, Reason=reason)
        for n, reason in enumerate(reasons)
    ]  # fmt: skip
    expected = ["PERSONAL", "UNPAID", "PARENTAL", "BEREAVEMENT", "OTHER", "JURY_DUTY"]
    overrides = {"study leave": "PERSONAL", "Jurado": "OTHER"}
    for config, categories in (
        (CONFIG, expected),
        (CONFIG | {"time_off_categories": overrides}, [*expected[:4], "PERSONAL", "OTHER"]),
    ):
        peoplehr.answers["getothereventdetail"] = [envelope(events)]
        out = sync(config, "time_off_requests")
        assert not out.errors, out.errors
        got = {r.record.data["type_name"]: r.record.data["category"] for r in out.records}
        assert [got[reason] for reason in reasons] == categories
    with pytest.raises(AirbyteTracedException, match="time_off_categories"):
        SourcePeopleHR(config=CONFIG).validate_config(CONFIG | {"time_off_categories": {"x": "HOLIDAY"}})
