"""The refresh budget through the console script: an unchanged incremental sync re-checks at most
`refresh_budget` employees per stream, all of the stream's areas for each (areas read by a saved query
are not limited), every employee is re-checked within ceil(N / budget) syncs, and nothing is re-sent
or deleted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from conformance.runner import RunResult
from hris_sandbox import SandboxServer

from .conftest import runner, serve

pytestmark = pytest.mark.slow

BUDGET = 10
TIME_OFF = {"GetHolidayDetail", "GetAbsenceDetail", "getothereventdetail", "GetMaternityPaternityByEmployeeId"}
STREAMS = {"compensations": {"GetSalaryDetail"}, "time_off_requests": TIME_OFF}


@dataclass
class Sync:
    result: RunResult
    called: dict[str, list[tuple[str, str]]]  # stream -> (action, EmployeeId) of its per-employee calls


def per_employee_calls(server: SandboxServer) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {stream: [] for stream in STREAMS}
    for entry in server.log.snapshot():
        body = json.loads(entry.body or b"{}")
        for stream, actions in STREAMS.items():
            if body.get("Action") in actions and "EmployeeId" in body:
                out[stream].append((body["Action"], str(body["EmployeeId"])))
    return out


def employees_of(calls: list[tuple[str, str]]) -> set[str]:
    return {employee for _, employee in calls}


@dataclass
class Chain:
    full: Sync
    everyone: Sync  # an unchanged incremental sync with no budget
    unchanged: list[Sync]
    query: Sync  # holidays and absences by saved query
    query_calls: int


@pytest.fixture(scope="module")
def chain() -> Iterator[Chain]:
    server = serve(employees=16, seed=3)
    config = server.app.connector_config(server.url) | {"refresh_budget": BUDGET}
    run = runner()

    def read(state, settings=config) -> Sync:
        server.log.clear()
        result = run.read(settings, state=state, streams=list(STREAMS)).raise_on_failure()
        return Sync(result, per_employee_calls(server))

    full = read(None)
    # what an incremental sync re-checks when nothing limits it (settled leavers are never re-read)
    everyone = read(full.result.final_state(), config | {"refresh_budget": 0})
    employees = len(employees_of(everyone.called["time_off_requests"]))
    state, unchanged = everyone.result.final_state(), []
    for _ in range(-(-employees // BUDGET)):
        unchanged.append(read(state))
        state = unchanged[-1].result.final_state()
    with_queries = config | {"holiday_query": "Connector Holidays", "absence_query": "Connector Absences"}
    query = read(state, with_queries)
    yield Chain(full, everyone, unchanged, query, server.log.count(route="/Query"))
    server.stop()


def test_an_unchanged_sync_rechecks_the_budget_s_employees_with_all_their_areas(chain: Chain) -> None:
    assert len(employees_of(chain.everyone.called["compensations"])) > BUDGET, "the tenant must exceed the budget"
    for sync in chain.unchanged:
        assert sync.result.record_counts() == {}, "nothing re-sent, nothing reported deleted"
        for stream, calls in sync.called.items():
            assert len(employees_of(calls)) == BUDGET, stream
            assert len(calls) == BUDGET * len(STREAMS[stream]), f"{stream}: every area of each employee"


def test_every_employee_is_rechecked_within_the_staleness_bound(chain: Chain) -> None:
    for stream, everyone in chain.everyone.called.items():
        bound = -(-len(employees_of(everyone)) // BUDGET)
        seen = {call for sync in chain.unchanged[:bound] for call in sync.called[stream]}
        assert seen == set(everyone), f"{stream}: not re-checked in {bound} syncs: {set(everyone) - seen}"


def test_areas_read_by_saved_query_are_not_limited(chain: Chain) -> None:
    assert chain.query_calls == 2, "one call per saved query, every sync"
    calls = chain.query.called["time_off_requests"]
    assert {action for action, _ in calls} <= {"getothereventdetail", "GetMaternityPaternityByEmployeeId"}
    assert len(employees_of(calls)) <= BUDGET
