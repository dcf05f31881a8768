"""Never a false deletion: an employee list that comes back empty or "no records", a listing that stays
malformed, a per-employee call that fails, each after a clean sync whose state knows the tenant. Each
ends in complete data or a named failure with no tombstone, and a clean sync after it leaves every
record the provider has present in the destination (the last record per id, as Append + Deduped keeps
it). A real mass deletion is reported once the user allows it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hris_sandbox import Fault
from unified_hris_cdk.state_codec import fingerprints

from .conftest import (
    PEOPLEHR,
    SAGE,
    SESAME,
    Connector,
    Env,
    deleted,
    destination,
    make_env,
    start_sandbox,
)

pytestmark = pytest.mark.slow

#: The employee list and a per-employee stream of each connector.
STREAMS = {
    SAGE: ("employees", "compensations"),
    PEOPLEHR: ("employees", "compensations"),
    SESAME: ("employees", "employments"),
}
#: The retry budget for faults that never clear: the sync fails in seconds, not minutes.
QUICK_FAILURE = {"UNIFIED_HRIS_RETRY_BUDGET_SECONDS": "3"}
SAGE_META = {"current_page": 1, "next_page": None, "previous_page": None, "total_pages": 1, "per_page": 50}


def empty_lists(connector: Connector) -> dict[str, list[Fault]]:
    """Answers that say the tenant has no employees (every one, each time it is asked)."""
    if connector is SAGE:
        page = {"data": [], "meta": {**SAGE_META, "total_entries": 0}}
        return {
            "empty lists": [
                Fault("body", path=r"^/api/(employees|terminated-employees)$", times=-1, body=page)
            ]
        }
    if connector is SESAME:
        page = {"data": [], "meta": {"currentPage": 1, "lastPage": 1, "total": 0, "perPage": 5}}
        return {"empty list": [Fault("body", path=SESAME.list_path, times=-1, body=page)]}
    no_records = {"isError": True, "Status": 10, "Message": "No records found."}
    return {
        f"{name}": [Fault("body", path=PEOPLEHR.list_path, times=-1, body=body)]
        for name, body in {
            "Status 10, Result null": {**no_records, "Result": None},
            "Status 10, Result []": {**no_records, "Result": []},
            "Status 0, Result []": {"isError": False, "Status": 0, "Message": "OK", "Result": []},
        }.items()
    }


def malformed_lists(connector: Connector) -> dict[str, list[Fault]]:
    """Listings that stay malformed: retried, then the stream fails (the retry budget is small here)."""
    if connector is PEOPLEHR:
        body = {"isError": False, "Status": 0, "Message": "OK", "Result": None}
        return {"success without a Result": [Fault("body", path=PEOPLEHR.list_path, times=-1, body=body)]}
    page = (
        {"data": None, "meta": {"currentPage": 2, "lastPage": 3}} if connector is SESAME else {"data": None}
    )
    first = {"data": [], "total": 1} if connector is SESAME else {"data": []}
    return {
        "data null on a later page": [Fault("body", path=connector.list_path, after=1, times=-1, body=page)],
        "a first page without meta": [Fault("body", path=connector.list_path, times=-1, body=first)],
    }


def assert_nothing_lost(env: Env, first: Any, faulty: Any, streams: tuple[str, ...] = ()) -> None:
    """No tombstone from the fault, and after a clean sync every record of the first is present (but
    those the provider itself marks deleted, as Sesame's soft-deleted requests)."""
    streams = streams or STREAMS[env.connector]
    assert not any(deleted(faulty, s) for s in streams), "a fault produced tombstones"
    env.sandbox.faults.clear()
    after = env.read(*streams, state=faulty.final_state()).raise_on_failure()
    for stream in streams:
        assert not deleted(after, stream)
        table = destination(first, faulty, after, stream=stream)
        gone = [r["id"] for r in first.records(stream) if not r["is_deleted"] and table[r["id"]]["is_deleted"]]
        assert not gone, f"{stream}: shown deleted although the provider has them: {gone[:3]}"


def read_with_faults(
    env: Env, faults: list[Fault], state: Any, streams: tuple[str, ...] = (), **kwargs: Any
) -> Any:
    env.sandbox.faults.clear()
    for fault in faults:
        env.sandbox.faults.add(fault)
    return env.read(*(streams or STREAMS[env.connector]), state=state, **kwargs)


def test_an_empty_or_no_records_employee_list_deletes_nothing(clean: Env) -> None:
    first = clean.read(*STREAMS[clean.connector]).raise_on_failure()
    assert all(first.records(s) for s in STREAMS[clean.connector])
    for name, faults in empty_lists(clean.connector).items():
        faulty = read_with_faults(clean, faults, first.final_state())
        errors = faulty.errors()
        assert faulty.returncode != 0, f"{name}: the sync succeeded"
        assert any(
            e["failure_type"] == "config_error" and "max_deletion_percent" in e["message"] for e in errors
        ), f"{name}: {[e['message'][:200] for e in errors]}"
        assert_nothing_lost(clean, first, faulty)


def test_a_listing_that_stays_malformed_fails_without_tombstones(clean: Env) -> None:
    first = clean.read(*STREAMS[clean.connector]).raise_on_failure()
    for name, faults in malformed_lists(clean.connector).items():
        faulty = read_with_faults(clean, faults, first.final_state(), variables=QUICK_FAILURE)
        assert faulty.returncode != 0 and faulty.errors(), f"{name}: the sync succeeded"
        assert "Traceback" not in " ".join(e["message"] for e in faulty.errors())
        assert_nothing_lost(clean, first, faulty)


#: A per-employee call of the first read (path regex of the route) whose failure the test injects.
PER_EMPLOYEE = {
    SAGE: r"^/api/employees/\d+/compensations$",
    PEOPLEHR: r"^/Salary$",
    SESAME: r"^/contract/v1/contracts/[^/]+$",
}


def failing_call(env: Env) -> list[Fault]:
    """Faults that make one employee's per-employee call(s) fail for a whole sync, the first employee
    whose call the sandbox saw."""
    entry = next(e for e in env.sandbox.log.snapshot() if re.search(PER_EMPLOYEE[env.connector], e.path))
    if env.connector is PEOPLEHR:
        employee = re.search(r'"EmployeeId":\s*"([^"]+)"', entry.body.decode())
        assert employee is not None
        body = {"isError": True, "Status": 5, "Message": "EmployeeId does not exists.", "Result": None}
        return [
            Fault(
                "body",
                path=PER_EMPLOYEE[PEOPLEHR],
                body_match=rf'"EmployeeId":\s*"{re.escape(employee[1])}"',
                times=-1,
                body=body,
            )
        ]
    body = {"error_code": "not_found", "errors": []} if env.connector is SAGE else {"error": "not found"}
    faults = [Fault("status", path=f"^{re.escape(entry.path)}$", status=404, times=-1, body=body)]
    if env.connector is SAGE:  # the same employee's custom fields, read by the employees stream
        custom = entry.path.replace("/compensations", "/custom-fields")
        faults.append(Fault("status", path=f"^{re.escape(custom)}$", status=404, times=-1, body=body))
    return faults


#: The streams whose records depend on the per-employee call (Sesame's day-off requests count their
#: hours by the employee's contracts).
DEPENDENT_STREAMS = {**STREAMS, SESAME: (*STREAMS[SESAME], "time_off_requests")}


def test_a_failing_per_employee_call_never_tombstones_that_employee(clean: Env) -> None:
    streams = DEPENDENT_STREAMS[clean.connector]
    first = clean.read(*streams).raise_on_failure()
    faults = failing_call(clean)
    clean.sandbox.log.clear()
    faulty = read_with_faults(clean, faults, first.final_state(), streams).raise_on_failure()
    served = {e.path for e in clean.sandbox.log.snapshot() if e.fault}
    assert len(served) == len(faults), f"faults served on {served}"
    for stream in streams:
        before, kept = (stream_state(run, stream) for run in (first, faulty))
        assert fingerprints(before) == fingerprints(kept), (
            f"{stream}: the skipped employee's fingerprints changed"
        )
    assert_nothing_lost(clean, first, faulty, streams)


def stream_state(result: Any, stream: str) -> dict[str, Any]:
    return next(
        s["stream"]["stream_state"]
        for s in result.final_state()
        if s["stream"]["stream_descriptor"]["name"] == stream
    )


@pytest.mark.parametrize("connector", [SAGE, PEOPLEHR, SESAME], ids=str)
def test_a_real_mass_deletion_is_reported_once_the_user_allows_it(connector: Connector) -> None:
    sandbox = start_sandbox(connector)
    try:
        env = make_env(connector, sandbox)
        first = env.read("employees").raise_on_failure()
        company = sandbox.app.company
        everyone = [e.key for e in company.employee_list()]
        victims = everyone[: len(everyone) * 3 // 5] if len(everyone) >= 50 else everyone
        for key in victims:
            company.delete_employee(key)
        refused = env.read("employees", state=first.final_state())
        assert refused.returncode != 0 and not deleted(refused, "employees")
        assert any("max_deletion_percent" in e["message"] for e in refused.errors())
        allowed = env.read(
            "employees", config={**env.config, "max_deletion_percent": 100}, state=refused.final_state()
        ).raise_on_failure()
        tombstones = [r for r in allowed.records("employees") if r["is_deleted"]]
        assert len(tombstones) == len(victims)
        assert all(t["_ab_cdc_deleted_at"] == t["remote_deleted_at"] is not None for t in tombstones)
    finally:
        sandbox.stop()
