"""The Sage HR sandbox behaves as ``providers/sage-hr.md`` describes the real API."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from hris_sandbox.providers.sage_hr import API_KEY, NON_ADMIN_KEY

from .conftest import AS_OF, sage_sandbox

AUTH = {"X-Auth-Token": API_KEY}


def get(
    sandbox: SandboxServer, path: str, headers: dict[str, str] | None = None, **params: object
) -> requests.Response:
    return requests.get(
        f"{sandbox.url}/api{path}", headers=AUTH if headers is None else headers, params=params
    )


def test_auth_missing_wrong_and_non_admin_keys(sandbox):
    assert get(sandbox, "/teams", headers={}).status_code == 401
    wrong = get(sandbox, "/teams", headers={"X-Auth-Token": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error_code"] == "unauthorized"
    forbidden = get(sandbox, "/teams", headers={"X-Auth-Token": NON_ADMIN_KEY})
    assert forbidden.status_code == 403 and forbidden.json()["error_code"] == "forbidden"
    assert get(sandbox, "/teams").status_code == 200


def test_fixed_pages_of_fifty_with_meta_and_empty_page_past_the_end(sandbox):
    company = sandbox.app.company
    active = len(company.active_employees())
    first = get(sandbox, "/employees", per_page=200).json()
    assert len(first["data"]) == 50, "per_page is ignored on core lists"
    pages = -(-active // 50)
    assert first["meta"] == {
        "current_page": 1,
        "next_page": 2,
        "previous_page": None,
        "total_pages": pages,
        "per_page": 50,
        "total_entries": active,
    }
    last = get(sandbox, "/employees", page=pages).json()
    assert last["meta"]["next_page"] is None and last["meta"]["previous_page"] == pages - 1
    assert len(last["data"]) == active - 50 * (pages - 1)
    beyond = get(sandbox, "/employees", page=pages + 1).json()
    assert beyond["data"] == [] and beyond["meta"]["current_page"] == pages + 1


def test_active_and_terminated_lists_are_disjoint_and_cover_everyone(sandbox):
    def ids(path: str) -> set[int]:
        out, page = set(), 1
        while page:
            body = get(sandbox, path, page=page).json()
            out |= {e["id"] for e in body["data"]}
            page = body["meta"]["next_page"]
        return out

    active, terminated = ids("/employees"), ids("/terminated-employees")
    assert active and terminated and not active & terminated
    assert active | terminated == set(sandbox.app.company.employees)
    leaver = min(terminated)
    detail = get(sandbox, f"/terminated-employees/{leaver}").json()["data"]
    assert set(detail["termination"]) == {"reason", "comments"} and detail["termination"]["reason"]
    assert get(sandbox, f"/employees/{leaver}").json() == {"error_code": "not_found", "errors": []}
    assert get(sandbox, f"/terminated-employees/{min(active)}").status_code == 404


def test_history_arrays_only_with_their_flags(sandbox):
    plain = get(sandbox, "/employees").json()["data"][0]
    assert not {"team_history", "employment_status_history", "position_history"} & set(plain)
    some = get(sandbox, "/employees", team_history="true", position_history="1").json()["data"][0]
    assert "team_history" in some and "position_history" in some and "employment_status_history" not in some
    one = get(sandbox, f"/employees/{plain['id']}", employment_status_history="true").json()["data"]
    assert set(one["employment_status_history"][0]) == {
        "employment_status_id",
        "start_date",
        "end_date",
        "employment_statu_name",  # the API's own spelling
    }


def test_leave_requests_window_rules(sandbox):
    company = sandbox.app.company
    assert get(
        sandbox, "/leave-management/requests", **{"from": "2025-01-01", "to": "2025-03-07"}
    ).json() == {
        "error_code": "validation_failed",
        "errors": ["Days between from date and to date must be less than 65"],
    }
    assert (
        get(sandbox, "/leave-management/requests", **{"from": "2025-01-01", "to": "2025-03-06"}).status_code
        == 200
    )
    assert get(sandbox, "/leave-management/requests", **{"from": "1 May"}).status_code == 422
    # No window: the current month; a window lists every request overlapping it, of every status.
    month = get(sandbox, "/leave-management/requests").json()
    first_day = AS_OF.replace(day=1)
    last_day = (first_day + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    expected = [r for r in company.all_requests() if r.start <= last_day and r.end >= first_day]
    assert month["meta"]["total_entries"] == len(expected)
    lo, hi = date(2025, 4, 1), date(2025, 5, 30)
    listed, page = [], 1
    while page:
        body = get(
            sandbox, "/leave-management/requests", page=page, **{"from": lo.isoformat(), "to": hi.isoformat()}
        ).json()
        listed += body["data"]
        page = body["meta"]["next_page"]
    overlapping = {r.key for r in company.all_requests() if r.start <= hi and r.end >= lo}
    assert {r["id"] for r in listed} == overlapping
    assert any(r["start_date"] < lo.isoformat() for r in listed), (
        "a request crossing the window start is listed"
    )
    assert {r["status_code"] for r in listed} >= {"approved", "declined"}


def test_cancelled_spelling_is_a_switch():
    company = Company.generate(40, seed=3, as_of=AS_OF)
    cancelled = next(r for r in company.all_requests() if r.status == "cancelled")
    window = {"from": cancelled.start.isoformat(), "to": cancelled.start.isoformat()}
    for spelling in ("cancelled", "canceled"):
        with SandboxServer(create_app("sage-hr", company, cancelled_spelling=spelling)) as server:
            rows = get(server, "/leave-management/requests", **window).json()["data"]
            assert next(r for r in rows if r["id"] == cancelled.key)["status_code"] == spelling
    with pytest.raises(ValueError, match="cancelled_spelling"):
        create_app("sage-hr", company, cancelled_spelling="annulled")
    with pytest.raises(ValueError, match="unknown sage-hr sandbox options"):
        create_app("sage-hr", company, colour="blue")


def test_per_employee_endpoints_and_unknown_ids(sandbox):
    employee = sandbox.app.company.employee_list()[0]
    compensations = get(sandbox, f"/employees/{employee.key}/compensations").json()
    assert compensations["meta"]["total_entries"] == len(employee.compensations)
    assert all("id" not in row for row in compensations["data"]), "compensations carry no id"
    fields = get(sandbox, f"/employees/{employee.key}/custom-fields").json()
    assert "meta" not in fields and {f["type"] for f in fields["data"]} == {
        "CustomDropdownField",
        "CustomTags",
    }
    balances = get(sandbox, f"/employees/{employee.key}/leave-management/balances").json()
    assert "meta" not in balances and {b["policy_id"] for b in balances["data"]} == {
        t.key for t in sandbox.app.company.time_off_types
    }
    policies = get(sandbox, "/leave-management/policies").json()
    assert "meta" not in policies and isinstance(policies["data"][0]["default_allowance"], str)
    for path in ("/employees/999999/compensations", "/employees/abc/custom-fields", "/no-such-endpoint"):
        assert get(sandbox, path).json() == {"error_code": "not_found", "errors": []}


def test_allowances_report_pages_and_agrees_with_the_balances_and_the_company(sandbox):
    company = sandbox.app.company
    year = company.as_of.year
    first = get(sandbox, "/leave-management/reports/individual-allowances").json()
    assert first["meta"]["per_page"] == 30 and len(first["data"]) == min(30, len(company.active_employees()))
    capped = get(sandbox, "/leave-management/reports/individual-allowances", per_page="500").json()
    assert capped["meta"]["per_page"] == 100
    rows = capped["data"]
    assert [r["id"] for r in rows] == [e.key for e in company.active_employees()][:100]
    holiday = company.time_off_types[0]
    for row in rows[:20]:
        employee = company.employees[row["id"]]
        eligibility = next(x for x in row["eligibilities"] if x["policy"]["id"] == holiday.key)
        assert Decimal(eligibility["quantity"]) == company.entitlement(employee, holiday, year)
        assert isinstance(eligibility["quantity"], str) and eligibility["carryover"] == "0.0"
        balance = get(sandbox, f"/employees/{employee.key}/leave-management/balances").json()["data"][0]
        assert Decimal(str(balance["used"])) == company.used(employee, holiday, year)
        assert Decimal(str(balance["available"])) == (
            company.entitlement(employee, holiday, year) - company.used(employee, holiday, year)
        ).quantize(Decimal("0.01"))


def test_policy_detail_is_one_object_in_an_array_with_the_companys_switches(sandbox):
    for typ in sandbox.app.company.time_off_types:
        body = get(sandbox, f"/leave-management/policies/{typ.key}").json()
        assert "meta" not in body and len(body["data"]) == 1
        policy = body["data"][0]
        assert (policy["only_full_days"], policy["auto_approves"]) == (not typ.half_days, not typ.requires_approval)
    assert get(sandbox, "/leave-management/policies/999").json() == {"error_code": "not_found", "errors": []}


def test_rate_limit_mode_answers_429_with_retry_after():
    with sage_sandbox(20, rate_limit="3") as server:
        codes = [get(server, "/teams").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = get(server, "/teams")
        assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.json()["error_code"] == "too_many_requests"


def test_renders_follow_company_changes_and_position_ids_do_not_depend_on_read_order():
    company = Company.generate(30, seed=4, as_of=AS_OF)
    with (
        SandboxServer(create_app("sage-hr", company)) as first,
        SandboxServer(create_app("sage-hr", company)) as second,
    ):
        by_positions_first = {p["title"]: p["id"] for p in get(first, "/positions").json()["data"]}
        get(second, "/employees")
        by_employees_first = {p["title"]: p["id"] for p in get(second, "/positions").json()["data"]}
        assert by_positions_first == by_employees_first
        key = company.active_employees()[0].key
        company.edit_employee(key, last_name="Renamed")
        assert (
            next(e for e in get(first, "/employees").json()["data"] if e["id"] == key)["last_name"]
            == "Renamed"
        )
        company.delete_employee(key)
        assert key not in {e["id"] for e in get(first, "/employees").json()["data"]}
        assert get(first, f"/employees/{key}/compensations").status_code == 404
