"""Paging, merging and error handling of the connector, in process against ``requests-mock``."""

from __future__ import annotations

import itertools
import logging
import time
from datetime import date, timedelta

import pytest
import requests_mock
from replayed import replayed
from source_sage_hr.source import SourceSageHR

from .helpers import BASE, CONFIG, calls, final_state, paged, records, run_read

TEAMS = [replayed("sage_hr", "team") | {"id": i, "name": f"Team {i}"} for i in range(1, 121)]
NOT_FOUND = replayed("sage_hr", "error_not_found")


def employee(key: int, **extra: object) -> dict[str, object]:
    """The replayed employee as employee `key`."""
    return replayed("sage_hr", "employee") | {"id": key, "email": f"e{key}@acme.example", "first_name": f"First{key}"} | extra


def leaver(key: int, **extra: object) -> dict[str, object]:
    return replayed("sage_hr", "terminated_employee") | {"id": key} | extra


def test_follows_next_page_and_never_asks_past_the_last_page():
    with requests_mock.Mocker() as m:
        m.get(f"{BASE}/teams", json=paged(TEAMS))
        output = run_read(CONFIG, "departments")
        assert len(records(output, "departments")) == 120
        assert [q.get("page") for q in calls(m, "/teams")] == [None, ["2"], ["3"]]


def test_a_list_without_meta_is_one_page_and_a_non_advancing_next_page_stops():
    with requests_mock.Mocker() as m:
        m.get(f"{BASE}/leave-management/policies", json=replayed("sage_hr", "policies"))
        m.get(f"{BASE}/leave-management/policies/1", json=replayed("sage_hr", "policy"))
        m.get(
            f"{BASE}/teams",
            json={"data": TEAMS[:2], "meta": {"current_page": 1, "next_page": 1, "per_page": 50}},
        )
        output = run_read(CONFIG, "time_off_types", "departments")
        assert len(records(output, "time_off_types")) == 1 and len(records(output, "departments")) == 2
        assert len(calls(m, "/leave-management/policies")) == 1 and len(calls(m, "/teams")) == 1


def mock_people(m: requests_mock.Mocker, leaver_entry: dict[str, object]) -> None:
    m.get(f"{BASE}/employees", json=paged([employee(1), employee(2, reports_to_employee_id=1)]))
    m.get(f"{BASE}/terminated-employees", json=paged([leaver_entry]))
    m.get(
        f"{BASE}/terminated-employees/9",
        json={"data": {**leaver_entry, "termination": replayed("sage_hr", "termination")}},
    )
    m.get(f"{BASE}/termination-reasons", json=replayed("sage_hr", "termination_reasons"))
    for key in (1, 2, 9):
        m.get(f"{BASE}/employees/{key}/custom-fields", json=replayed("sage_hr", "custom_fields"))


def test_employees_merge_both_lists_with_termination_reason_and_custom_fields():
    with requests_mock.Mocker() as m:
        mock_people(m, leaver(9))
        people = {r["remote_id"]: r for r in records(run_read(CONFIG, "employees"), "employees")}
    assert set(people) == {"1", "2", "9"}
    assert people["1"]["employment_status"] == "ACTIVE" and people["1"]["time_type"] == "FULL_TIME"
    assert people["2"]["manager_id"] == "sage_hr:acme:employee:1"
    gone = people["9"]
    assert (gone["employment_status"], gone["termination_date"]) == ("INACTIVE", "2025-03-29")
    assert (gone["termination_reason"], gone["termination_type"], gone["termination_type_raw"]) == (
        "Redundancy",
        "INVOLUNTARY",
        "involuntary",
    )
    assert people["1"]["custom_fields"] == {"T-shirt size": "L", "Languages": ["English", "Latvian"]}


def test_termination_details_are_fetched_once_then_only_when_the_leaver_changes():
    with requests_mock.Mocker() as m:
        mock_people(m, leaver(9))
        first = run_read(CONFIG, "employees")
        assert len(calls(m, "/terminated-employees/9")) == 1 and len(calls(m, "/termination-reasons")) == 1
        second = run_read(CONFIG, "employees", state=final_state(first))
        assert records(second, "employees") == []
        assert len(calls(m, "/terminated-employees/9")) == 1, "an unchanged leaver costs no detail call"
        mock_people(m, leaver(9, last_name="Lund-Berg"))
        third = run_read(CONFIG, "employees", state=final_state(second))
        assert len(calls(m, "/terminated-employees/9")) == 2
        assert [(r["remote_id"], r["termination_reason"]) for r in records(third, "employees")] == [
            ("9", "Redundancy")
        ]


def test_custom_fields_cost_nothing_when_switched_off():
    with requests_mock.Mocker() as m:
        mock_people(m, leaver(9))
        output = run_read({**CONFIG, "include_custom_fields": False}, "employees")
        assert all("custom_fields" not in r for r in records(output, "employees"))
        assert not [r for r in m.request_history if r.path.endswith("/custom-fields")]


def test_an_employee_deleted_during_the_sync_is_skipped_with_a_log_line():
    with requests_mock.Mocker() as m:
        mock_people(m, leaver(9))
        m.get(
            f"{BASE}/employees/2/custom-fields",
            status_code=404,
            json=NOT_FOUND,
        )
        m.get(
            f"{BASE}/employees/1/compensations",
            status_code=404,
            json=NOT_FOUND,
        )
        m.get(f"{BASE}/employees/2/compensations", json=replayed("sage_hr", "compensations"))
        m.get(f"{BASE}/employees/9/compensations", json=paged([]))
        output = run_read(CONFIG, "employees", "compensations")
    assert {r["remote_id"] for r in records(output, "employees")} == {"1", "9"}
    assert [r["remote_id"] for r in records(output, "compensations")] == ["2:Salary:2024-01-01"]
    logs = [m.log.message for m in output.logs]
    assert any("employees/1/compensations" in line and "404" in line for line in logs)
    assert any("custom fields of employee 2" in line for line in logs)


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_fails_check_with_what_to_do(status):
    with requests_mock.Mocker() as m:
        m.get(
            f"{BASE}/teams",
            status_code=status,
            json=replayed("sage_hr", "error_unauthorized"),
        )
        result = SourceSageHR(config=CONFIG).check(logging.getLogger("test"), CONFIG)
    assert result.status.value == "FAILED"
    assert "Settings > Integrations > API" in result.message and "lost admin rights" in result.message
    assert CONFIG["api_key"] not in result.message
    assert len(m.request_history) == 1, "a refused key is not retried"


def test_an_unknown_subdomain_fails_with_what_to_enter():
    with requests_mock.Mocker() as m:
        m.get(f"{BASE}/teams", status_code=404, json=NOT_FOUND)
        output = run_read(CONFIG, "departments", fails=True)
    errors = [e.trace.error for e in output.errors]
    assert any(
        "no Sage HR company uses this subdomain (acme)" in e.message
        and e.failure_type.value == "config_error"
        for e in errors
    ), [e.message for e in errors]


def test_server_errors_and_pages_without_data_are_retried():
    with requests_mock.Mocker() as m:
        m.get(
            f"{BASE}/teams",
            [
                {"status_code": 502, "text": "<html>Bad gateway</html>"},
                {"status_code": 200, "text": "<!DOCTYPE html><html>Maintenance</html>"},
                {"status_code": 200, "json": paged(TEAMS[:3])},
            ],
        )
        output = run_read(CONFIG, "departments")
    assert len(records(output, "departments")) == 3 and len(calls(m, "/teams")) == 3


def test_429_waits_as_long_as_retry_after_says():
    with requests_mock.Mocker() as m:
        m.get(
            f"{BASE}/teams",
            [
                {
                    "status_code": 429,
                    "headers": {"Retry-After": "2"},
                    "json": replayed("sage_hr", "error_too_many_requests"),
                },
                {"status_code": 200, "json": paged(TEAMS[:1])},
            ],
        )
        started = time.monotonic()
        output = run_read(CONFIG, "departments")
    assert len(records(output, "departments")) == 1 and len(calls(m, "/teams")) == 2
    assert time.monotonic() - started >= 2, "the retry came before Retry-After allowed it"


def test_any_other_refusal_fails_the_sync_with_the_providers_message():
    with requests_mock.Mocker() as m:
        m.get(
            f"{BASE}/leave-management/requests",
            status_code=422,
            json=replayed("sage_hr", "error_validation_failed"),
        )
        output = run_read(CONFIG, "time_off_requests", fails=True)
    messages = [e.trace.error.message for e in output.errors]
    assert any("validation_failed" in m and "must be less than 65" in m for m in messages), messages


def test_leave_requests_are_walked_in_contiguous_windows_under_65_days():
    with requests_mock.Mocker() as m:
        m.get(f"{BASE}/leave-management/requests", json=paged([]))
        run_read({**CONFIG, "start_date": "2025-01-01", "future_horizon_days": 100}, "time_off_requests")
        windows = sorted(
            (date.fromisoformat(q["from"][0]), date.fromisoformat(q["to"][0]))
            for q in calls(m, "/leave-management/requests")
        )
    assert windows[0][0] == date(2025, 1, 1)
    assert windows[-1][1] == date.today() + timedelta(days=100)
    assert all(0 <= (hi - lo).days < 65 for lo, hi in windows)
    assert all(b[0] == a[1] + timedelta(days=1) for a, b in itertools.pairwise(windows)), "gaps or overlaps"


def test_a_request_in_two_windows_is_emitted_once():
    spanning = replayed("sage_hr", "leave_request")
    with requests_mock.Mocker() as m:
        m.get(f"{BASE}/leave-management/requests", json=paged([spanning]))
        m.get(f"{BASE}/leave-management/policies", json=replayed("sage_hr", "policies_annual_leave"))
        output = run_read({**CONFIG, "start_date": "2026-01-01"}, "time_off_requests")
        assert len(calls(m, "/leave-management/requests")) > 1
        assert len(calls(m, "/leave-management/policies")) == 1, "policy names are read once per sync"
    [request] = records(output, "time_off_requests")
    assert (request["remote_id"], request["type_name"], request["category"]) == (
        "77",
        "Annual leave",
        "VACATION",
    )


def test_an_edge_403_with_retry_after_is_waited_out_not_taken_for_a_bad_key():
    with requests_mock.Mocker() as m:
        m.get(
            f"{BASE}/teams",
            [
                {
                    "status_code": 403,
                    "headers": {"Retry-After": "1"},
                    "text": "<html>Access denied (rate)</html>",
                },
                {"status_code": 200, "json": paged(TEAMS[:2])},
            ],
        )
        output = run_read(CONFIG, "departments")
    assert len(records(output, "departments")) == 2 and len(calls(m, "/teams")) == 2


def allowance(key: int) -> dict[str, object]:
    """The replayed report row as employee `key`'s."""
    return replayed("sage_hr", "individual_allowance") | {"id": key, "full_name": f"First{key} Berg"}


def mock_balances(m: requests_mock.Mocker, keys: list[int]) -> None:
    m.get(f"{BASE}/leave-management/reports/individual-allowances", json=paged([allowance(k) for k in keys], 100))
    for key in keys:
        m.get(f"{BASE}/employees/{key}/leave-management/balances", json=replayed("sage_hr", "leave_balances"))


def test_balances_join_the_allowances_report_to_each_employees_balances():
    with requests_mock.Mocker() as m:
        mock_balances(m, list(range(1, 131)))
        output = run_read(CONFIG, "time_off_balances")
    rows = {r["remote_id"]: r for r in records(output, "time_off_balances")}
    assert len(rows) == 260
    holiday, sick = rows["7:1"], rows["7:2"]
    assert (holiday["entitlement"], holiday["used"], holiday["balance"], holiday["unit"]) == ("25", "6.5", "20.5", "DAYS")
    assert holiday["custom_fields"] == {"carryover": "2"}
    assert (sick["entitlement"], sick["used"], sick.get("balance")) == ("0", "3", None)
    assert [q.get("page") for q in calls(m, "/leave-management/reports/individual-allowances")] == [None, ["2"]]
    assert all(q["per_page"] == ["100"] for q in calls(m, "/leave-management/reports/individual-allowances"))
    assert len([r for r in m.request_history if r.path.endswith("/leave-management/balances")]) == 130


def test_balances_without_usage_read_only_the_report():
    with requests_mock.Mocker() as m:
        mock_balances(m, [1, 2, 3])
        output = run_read({**CONFIG, "include_balance_usage": False}, "time_off_balances")
        assert not [r for r in m.request_history if r.path.endswith("/leave-management/balances")]
    rows = records(output, "time_off_balances")
    assert len(rows) == 6 and all(r.get("used") is None and r.get("balance") is None for r in rows)
    assert {r["entitlement"] for r in rows} == {"25", "0"}


def test_a_balance_call_answering_404_reports_nothing_deleted():
    with requests_mock.Mocker() as m:
        mock_balances(m, [1, 2, 3])
        first = run_read(CONFIG, "time_off_balances")
        mock_balances(m, [1, 2])  # employee 3 left the report ...
        m.get(  # ... and employee 2 is deleted while the sync runs
            f"{BASE}/employees/2/leave-management/balances", status_code=404, json=NOT_FOUND
        )
        second = run_read(CONFIG, "time_off_balances", state=final_state(first))
        assert not [r for r in records(second, "time_off_balances") if r.get("is_deleted")]
        mock_balances(m, [1, 2])
        third = run_read(CONFIG, "time_off_balances", state=final_state(second))
    gone = {r["remote_id"] for r in records(third, "time_off_balances") if r.get("is_deleted")}
    assert gone == {"3:1", "3:2"}
