"""Property, through the sandboxes: after a clean sync, any one faulty answer (drawn by hypothesis: a
status, an empty or "no records" list, a malformed page, a cut or dropped connection, on the employee
list or on one employee's call, once or for the whole sync) followed by a clean sync leaves every record
the provider has present in the deduplicated destination. (An answer that is wrong but plausible, a
page fewer whose deletions stay under the guard's limit, may report records deleted for one sync; the
clean sync brings them back. The deterministic tests check that recognisable faults never do.)

Each example costs two syncs, so the examples are few and derandomised (the cursor-level property in
`tests/shared/test_change_detection.py` runs many more)."""

from __future__ import annotations

from typing import Any

import pytest
from hris_sandbox import Fault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import PEOPLEHR, SAGE, Env, destination
from .test_deletion_safety import PER_EMPLOYEE, QUICK_FAILURE, STREAMS, empty_lists

pytestmark = pytest.mark.slow

KINDS = (
    "status-503",
    "status-404",
    "empty",
    "data-null",
    "no-meta",
    "truncate",
    "malformed",
    "html",
    "reset",
)


def fault_for(env: Env, kind: str, target: str, after: int, times: int) -> list[Fault]:
    """One fault of `kind` on the employee list (`target` "list") or on per-employee calls ("employee")."""
    path = env.connector.list_path if target == "list" else PER_EMPLOYEE[env.connector]
    if kind == "empty":
        return [
            Fault(f.kind, path=f.path, after=after, times=times, body=f.body)
            for f in next(iter(empty_lists(env.connector).values()))
        ]
    if kind.startswith("status-"):
        body = {"error_code": "not_found", "errors": []} if env.connector is SAGE else {"error": "x"}
        return [Fault("status", path=path, status=int(kind[7:]), after=after, times=times, body=body)]
    if kind in ("data-null", "no-meta"):
        if env.connector is PEOPLEHR:
            body: Any = {"isError": False, "Status": 0, "Message": "OK", "Result": None}
        else:
            body = {"data": None, "meta": {}} if kind == "data-null" else {"data": []}
        return [Fault("body", path=path, after=after, times=times, body=body)]
    return [Fault(kind, path=path, after=after, times=times)]


_baselines: dict[str, Any] = {}


def baseline(env: Env) -> Any:
    if env.connector.name not in _baselines:
        env.sandbox.faults.clear()
        _baselines[env.connector.name] = env.read(*STREAMS[env.connector]).raise_on_failure()
    return _baselines[env.connector.name]


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(KINDS),
    target=st.sampled_from(["list", "employee"]),
    after=st.integers(0, 2),
    times=st.sampled_from([1, -1]),
)
def test_one_faulty_answer_then_a_clean_sync_leaves_nothing_deleted(
    env: Env, kind: str, target: str, after: int, times: int
) -> None:
    streams = STREAMS[env.connector]
    first = baseline(env)
    env.sandbox.faults.clear()
    for fault in fault_for(env, kind, target, after, times):
        env.sandbox.faults.add(fault)
    faulty = env.read(*streams, state=first.final_state(), variables=QUICK_FAILURE)
    env.sandbox.faults.clear()
    assert "Traceback" not in " ".join(e["message"] for e in faulty.errors())
    state = faulty.final_state() or first.final_state()
    after_run = env.read(*streams, state=state).raise_on_failure()
    for stream in streams:
        table = destination(first, faulty, after_run, stream=stream)
        gone = [i for i, r in table.items() if r["is_deleted"]]  # the sandbox deleted nothing
        assert not gone, f"{stream} after {kind} on {target} (after {after}, times {times}): {gone[:3]}"
