"""The refresh budget through the console script: an unchanged incremental sync makes at most
`refresh_budget` custom-fields, compensations and balance-usage calls, every employee is re-checked
within ceil(N / budget) syncs, a changed employee is read first, and nothing is re-sent or deleted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from conformance.runner import ConnectorRunner, RunResult, configured_catalog
from hris_sandbox import SandboxServer

from .conftest import CONNECTOR, sage_sandbox

pytestmark = pytest.mark.slow

BUDGET = 15
EMPLOYEES = 45
PER_EMPLOYEE = {
    "custom_fields": re.compile(r"^/api/employees/(\d+)/custom-fields$"),
    "compensations": re.compile(r"^/api/employees/(\d+)/compensations$"),
    "balances": re.compile(r"^/api/employees/(\d+)/leave-management/balances$"),
}


@dataclass
class Sync:
    result: RunResult
    called: dict[str, list[str]]  # per-employee route -> employee ids it was called for


def calls(sandbox: SandboxServer) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {name: [] for name in PER_EMPLOYEE}
    for entry in sandbox.log.snapshot():
        for name, pattern in PER_EMPLOYEE.items():
            found = pattern.match(entry.path)
            if found and "page=" not in entry.query:
                out[name].append(found.group(1))
    return out


@dataclass
class Chain:
    full: Sync
    unchanged: list[Sync]
    everyone: set[str]
    active: set[str]
    edited: str
    after_edit: Sync


@pytest.fixture(scope="module")
def chain() -> Chain:
    with sage_sandbox(employees=EMPLOYEES, seed=5) as sandbox:
        company = sandbox.app.company
        config = sandbox.app.connector_config(sandbox.url) | {"refresh_budget": BUDGET}
        runner = ConnectorRunner([CONNECTOR])
        catalog = configured_catalog(
            runner.discover(config),
            incremental=True,
            streams=["employees", "compensations", "time_off_balances"],
        )

        def read(state: Any) -> Sync:
            sandbox.log.clear()
            result = runner.run("read", config, catalog, state).raise_on_failure()
            return Sync(result, calls(sandbox))

        full = read(None)
        everyone = {str(e.key) for e in company.employee_list()}
        active = {str(e.key) for e in company.active_employees()}
        state, unchanged = full.result.final_state(), []
        for _ in range(-(-len(everyone) // BUDGET)):
            unchanged.append(read(state))
            state = unchanged[-1].result.final_state()
        recently = unchanged[-1].called["custom_fields"][0]  # checked by the last sync: not due
        company.edit_employee(int(recently), last_name="Budget-Edited")
        after_edit = read(state)
        return Chain(full, unchanged, everyone, active, recently, after_edit)


def test_a_sync_without_state_reads_every_employee(chain: Chain) -> None:
    assert sorted(chain.full.called["custom_fields"]) == sorted(chain.everyone)
    assert set(chain.full.called["balances"]) == chain.active
    assert len(chain.everyone) > BUDGET


def test_an_unchanged_sync_spends_at_most_the_budget_per_stream_and_emits_nothing(chain: Chain) -> None:
    for sync in chain.unchanged:
        assert sync.result.record_counts() == {}, "nothing re-sent, nothing reported deleted"
        for name, ids in sync.called.items():
            assert len(ids) <= BUDGET, f"{name}: {len(ids)} calls"
        assert len(sync.called["custom_fields"]) == BUDGET


def test_every_employee_is_rechecked_within_the_staleness_bound(chain: Chain) -> None:
    for name, population in (
        ("custom_fields", chain.everyone),
        ("compensations", chain.everyone),
        ("balances", chain.active),
    ):
        bound = -(-len(population) // BUDGET)
        seen = {i for sync in chain.unchanged[:bound] for i in sync.called[name]}
        assert seen == population, f"{name}: not re-checked in {bound} syncs: {sorted(population - seen)}"
        whole_rounds = [i for sync in chain.unchanged[: len(population) // BUDGET] for i in sync.called[name]]
        assert len(set(whole_rounds)) == len(whole_rounds), f"{name}: re-checked twice before everyone once"


def test_a_changed_employee_is_read_first_and_arrives_once(chain: Chain) -> None:
    assert chain.edited in chain.after_edit.called["custom_fields"]
    assert len(chain.after_edit.called["custom_fields"]) == BUDGET
    employees = chain.after_edit.result.records("employees")
    assert [(r["remote_id"], r["last_name"]) for r in employees] == [(chain.edited, "Budget-Edited")]
