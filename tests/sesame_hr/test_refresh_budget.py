"""The refresh budget through the console script: an unchanged incremental sync reads at most
`refresh_budget` employees in `compensations` (their salaries and assigned compensations together),
every employee is re-checked within ceil(N / budget) syncs, nothing is re-sent or deleted, and
`employments` (whose contracts the other streams read every sync anyway) is read whole."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs

import pytest
from conformance.runner import ConnectorRunner, RunResult, configured_catalog
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers.sesame_hr import SesameHRApp

from .conftest import CONNECTOR

pytestmark = pytest.mark.slow

BUDGET = 12


@dataclass
class Sync:
    result: RunResult
    called: list[tuple[str, str]]  # (salaries | compensations, employee id)
    contracts: int


def pay_calls(server: SandboxServer) -> list[tuple[str, str]]:
    out = []
    for entry in server.log.snapshot():
        if entry.path == "/contract/v1/salaries":
            out.append(("salaries", parse_qs(entry.query)["employeeId"][0]))
        elif entry.path.startswith("/contract/v1/employees/") and entry.path.endswith("/compensations"):
            out.append(("compensations", entry.path.split("/")[4]))
    return out


@pytest.fixture(scope="module")
def chain() -> Iterator[tuple[Sync, list[Sync]]]:
    company = Company.generate(employees=20, seed=4)
    with SandboxServer(SesameHRApp(company, rate_limit=0)) as server:
        config = server.app.connector_config(server.url)
        config |= {"refresh_budget": BUDGET, "requests_per_minute": 1_000_000}
        runner = ConnectorRunner([CONNECTOR])
        catalog = configured_catalog(runner.discover(config), incremental=True, streams=["compensations", "employments"])

        def read(state) -> Sync:
            server.log.clear()
            result = runner.run("read", config, catalog, state).raise_on_failure()
            contracts = sum(1 for e in server.log.snapshot() if e.path.startswith("/contract/v1/contracts/"))
            return Sync(result, pay_calls(server), contracts)

        full = read(None)
        state, unchanged = full.result.final_state(), []
        for _ in range(-(-len({e for _, e in full.called}) // BUDGET)):
            unchanged.append(read(state))
            state = unchanged[-1].result.final_state()
        yield full, unchanged


def test_unchanged_syncs_spend_the_budget_and_recheck_every_employee_within_the_bound(chain) -> None:
    full, unchanged = chain
    endpoints = {endpoint for endpoint, _ in full.called}
    assert endpoints == {"salaries", "compensations"}, "the tenant uses the compensation catalogue"
    assert len({e for _, e in full.called}) > BUDGET and len(set(full.called)) == len(full.called)
    for sync in unchanged:
        assert sync.result.record_counts() == {}, "nothing re-sent, nothing reported deleted"
        assert len({e for _, e in sync.called}) == BUDGET
        assert len(sync.called) == BUDGET * len(endpoints), "both endpoints of each employee"
    assert {call for sync in unchanged for call in sync.called} == set(full.called)


def test_employments_are_read_whole_every_sync(chain) -> None:
    full, unchanged = chain
    employees = len({e for _, e in full.called})
    assert [sync.contracts for sync in unchanged] == [full.contracts] * len(unchanged)
    assert full.contracts >= employees
