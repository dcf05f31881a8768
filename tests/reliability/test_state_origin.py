"""A state steers a sync only when it is this connection's: another tenant's or connector's state, a
changed start date or a cursor after the sync's start make the stream read in full (a log line says
why), never skip history; a cursor far in the future is refused naming the file; a record's
`modified_at` never goes back, whatever the clock says."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conformance.runner import RunResult
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from unified_hris.conventions import format_timestamp, parse_timestamp

from .conftest import AS_OF, PEOPLEHR, SAGE, SENTINEL, SESAME, Env

pytestmark = pytest.mark.slow

#: A stream of each connector whose reads the cursor narrows (windows, settled leavers, updated-since).
HISTORY = {SAGE: "time_off_requests", PEOPLEHR: "time_off_requests", SESAME: "work_entries"}


def ids(result: RunResult, stream: str) -> set[str]:
    return {r["id"] for r in result.records(stream)}


def warnings(result: RunResult) -> str:
    return " ".join(result.logs(("WARN",)))


def with_stream_state(states: list[dict[str, Any]], change: Any) -> list[dict[str, Any]]:
    """A copy of `states` with `change` applied to every stream state."""
    out = copy.deepcopy(states)
    for state in out:
        change(state["stream"]["stream_state"])
    return out


def other_tenant(env: Env) -> tuple[dict[str, Any], SandboxServer | None]:
    """A config for another tenant of the same connector (Sesame's tenant is the token's company)."""
    if env.connector is SAGE:
        return {**env.config, "subdomain": "another-company"}, None
    if env.connector is PEOPLEHR:
        return {**env.config, "account": "another-company"}, None
    company = Company.generate(env.connector.employees, seed=4, as_of=AS_OF)
    sandbox = SandboxServer(create_app("sesame-hr", company, token=SENTINEL)).start()
    return {**sandbox.app.connector_config(sandbox.url), **env.connector.config}, sandbox


def test_a_state_of_another_tenant_reads_everything_of_this_one(clean: Env) -> None:
    stream = HISTORY[clean.connector]
    first = clean.read(stream).raise_on_failure()
    config, second_sandbox = other_tenant(clean)
    try:
        fresh = clean.read(stream, config=config).raise_on_failure()
        foreign = clean.read(stream, config=config, state=first.final_state()).raise_on_failure()
    finally:
        if second_sandbox:
            second_sandbox.stop()
    assert ids(foreign, stream) == ids(fresh, stream), "history of the new tenant was skipped"
    assert not [r for r in foreign.records(stream) if r["is_deleted"]]
    assert "comes from" in warnings(foreign)


def test_a_state_of_another_connector_reads_in_full(clean: Env) -> None:
    """The employees state of another connector (a copied state file) is not this one's."""
    donor = {SAGE: PEOPLEHR, PEOPLEHR: SESAME, SESAME: SAGE}[clean.connector]
    prefix = {SAGE: "sage_hr:x:employee:", PEOPLEHR: "peoplehr:x:employee:", SESAME: "sesame_hr:x:employee:"}
    fresh = clean.read("employees").raise_on_failure()
    state = with_stream_state(
        fresh.final_state(),
        lambda s: s["change_detection"].update(prefix=prefix[donor], origin=prefix[donor][:-10]),
    )
    foreign = clean.read("employees", state=state).raise_on_failure()
    assert ids(foreign, "employees") == ids(fresh, "employees") and "comes from" in warnings(foreign)
    assert not [r for r in foreign.records("employees") if r["is_deleted"]]


def test_an_earlier_start_date_reads_the_history_it_adds(clean: Env) -> None:
    stream = "time_off_requests"  # the requests before a start date are not listed
    late = {**clean.config, "start_date": (AS_OF - timedelta(days=120)).isoformat()}
    first = clean.read(stream, config=late).raise_on_failure()
    full = clean.read(stream).raise_on_failure()
    earlier = clean.read(stream, state=first.final_state()).raise_on_failure()
    assert ids(full, stream) > ids(first, stream), "the earlier start date adds nothing to test"
    assert ids(first, stream) | ids(earlier, stream) == ids(full, stream)
    assert "'start_date' changed" in warnings(earlier)


def edit_history(env: Env) -> None:
    """Change one record of the history stream in the sandbox (now, by the sandbox's clock)."""
    company = env.sandbox.app.company
    if env.connector is SESAME:
        employee = next(e for e in company.employee_list() if e.work_entries)
        entry = employee.work_entries[-1]
        company.edit_work_entry(employee.key, entry.key, clock_out=entry.clock_in + timedelta(hours=3))
        return
    employee = next(e for e in company.active_employees() if e.requests)
    request = employee.requests[-1]
    status = "declined" if request.status != "declined" else "approved"
    company.edit_time_off_request(employee.key, request.key, status=status)


def test_a_cursor_after_the_sync_start_reads_in_full_and_stamps_after_it(clean: Env) -> None:
    stream = HISTORY[clean.connector]
    first = clean.read(stream).raise_on_failure()
    ahead = format_timestamp(datetime.now(UTC) + timedelta(hours=2))  # the last sync's clock was ahead

    def skewed(stream_state: dict[str, Any]) -> None:
        stream_state["modified_at"] = ahead
        stream_state["change_detection"]["clock"] = ahead

    edit_history(clean)
    skewed_run = clean.read(stream, state=with_stream_state(first.final_state(), skewed)).raise_on_failure()
    changed = skewed_run.records(stream)
    assert changed, "the change made after the last sync was skipped"
    assert "after the start of this sync" in warnings(skewed_run)
    assert all(parse_timestamp(r["modified_at"]) > parse_timestamp(ahead) for r in changed), (
        "modified_at went back"
    )


def test_a_cursor_far_in_the_future_is_refused_naming_the_state(clean: Env) -> None:
    stream = HISTORY[clean.connector]
    first = clean.read(stream).raise_on_failure()
    state = with_stream_state(
        first.final_state(), lambda s: s.update(modified_at="2999-01-01T00:00:00.000000Z")
    )
    result = clean.read(stream, state=state)
    (error,) = result.errors()
    assert result.returncode == 1 and error["failure_type"] == "config_error"
    assert "state file" in error["message"] and repr(stream) in error["message"]
    assert "2999" in error["message"] and "Traceback" not in result.stdout + result.stderr
    assert date.today().isoformat() in error["message"], "the message says what the clock says"
