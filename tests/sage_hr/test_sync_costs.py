"""A 1,000-employee tenant with 3 years of history: complete syncs, the documented call formula, and
changes that arrive exactly once. One sandbox and one chain of syncs through the console script."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from conformance.runner import ConnectorRunner, RunResult, configured_catalog
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from hris_sandbox.providers.sage_hr.render import status_name

from .conftest import CONNECTOR

pytestmark = pytest.mark.slow

WINDOW_DAYS, LOOKBACK_DAYS, HORIZON_DAYS = 65, 90, 365


def pages(count: int, per_page: int = 50) -> int:
    return max(1, -(-count // per_page))


def windows(start: date, end: date) -> list[tuple[date, date]]:
    out, lo = [], start
    while lo <= end:
        out.append((lo, min(lo + timedelta(days=WINDOW_DAYS - 1), end)))
        lo += timedelta(days=WINDOW_DAYS)
    return out


def expected_calls(
    company: Company, config: dict[str, Any], leavers_to_fetch: int, last_sync: date | None
) -> dict[str, int]:
    """The call formula of the README, from the sandbox's own data."""
    active, leavers = company.active_employees(), company.terminated_employees()
    everyone = active + leavers
    requests = [r for r in company.all_requests() if getattr(r, "deleted_at", None) is None]
    grid = windows(date.fromisoformat(config["start_date"]), date.today() + timedelta(days=HORIZON_DAYS))
    if last_sync is not None:
        grid = [w for w in grid if w[1] >= last_sync - timedelta(days=LOOKBACK_DAYS)]
    calls = {
        # each list once, whichever streams read it
        "GET /api/employees": pages(len(active)),
        "GET /api/terminated-employees": pages(len(leavers)),
        "GET /api/terminated-employees/{id}": leavers_to_fetch,
        "GET /api/termination-reasons": pages(len(company.termination_reasons)) if leavers_to_fetch else 0,
        "GET /api/employees/{id}/custom-fields": len(everyone),
        "GET /api/teams": pages(len(company.departments)),
        # time_off_types and the requests' policy names; each policy's detail for time_off_types
        "GET /api/leave-management/policies": 1,
        "GET /api/leave-management/policies/{id}": len(company.time_off_types),
        # the balances' entitlements and carry-over, 100 employees a page
        "GET /api/leave-management/reports/individual-allowances": pages(len(active), 100),
        "GET /api/leave-management/requests": sum(
            pages(sum(1 for r in requests if r.start <= hi and r.end >= lo)) for lo, hi in grid
        ),
        "GET /api/employees/{id}/compensations": sum(pages(len(e.compensations)) for e in everyone),
        "GET /api/employees/{id}/leave-management/balances": len(active),
    }
    return {route: n for route, n in calls.items() if n}


def collapsed_history(company: Company) -> int:
    """Job-history periods Sage HR can express: consecutive periods with the same title, team and
    contract type are one (the API keeps a history per attribute, not per change)."""
    total = 0
    for employee in company.active_employees():
        keys = [(p.title, p.department_key, status_name(employee, p)) for p in employee.history]
        total += sum(1 for i, key in enumerate(keys) if i == 0 or key != keys[i - 1])
    return total


@dataclass
class Chain:
    company: Company
    config: dict[str, Any]
    first: RunResult
    first_calls: dict[str, int]
    first_expected: dict[str, int]
    first_windows: list[tuple[str, str]]
    unchanged: RunResult
    unchanged_calls: dict[str, int]
    unchanged_expected: dict[str, int]
    changes: dict[str, Any]
    after: RunResult
    after_calls: dict[str, int]
    after_expected: dict[str, int]
    again: RunResult


def _read(
    runner: ConnectorRunner,
    sandbox: SandboxServer,
    config: dict[str, Any],
    catalog: dict[str, Any],
    state: Any = None,
) -> tuple[RunResult, dict[str, int]]:
    sandbox.log.clear()
    result = runner.run("read", config, catalog, state).raise_on_failure()
    return result, sandbox.log.by_route()


@pytest.fixture(scope="module")
def chain() -> Chain:
    company = Company.generate(1000, seed=1, years=3)
    today = date.today()
    with SandboxServer(create_app("sage-hr", company)) as sandbox:
        # every employee re-checked every sync: the complete formula (the budget: test_refresh_budget)
        config = sandbox.app.connector_config(sandbox.url) | {"refresh_budget": 0}
        runner = ConnectorRunner([CONNECTOR])
        catalog = configured_catalog(runner.discover(config), incremental=True)
        first_expected = expected_calls(company, config, len(company.terminated_employees()), None)
        first, first_calls = _read(runner, sandbox, config, catalog)
        first_windows = [
            (parse_qs(e.query)["from"][0], parse_qs(e.query)["to"][0])
            for e in sandbox.log.snapshot()
            if e.route == "/api/leave-management/requests" and "page" not in parse_qs(e.query)
        ]
        unchanged_expected = expected_calls(company, config, 0, today)
        unchanged, unchanged_calls = _read(runner, sandbox, config, catalog, first.final_state())

        active = [e for e in company.active_employees() if e.status(company.as_of) == "active" and e.key > 10]
        edited, deleted, requester, leaver = active[0], active[1], active[2], active[3]
        pending = next(
            r for e in active[4:] for r in e.requests if r.status == "pending" and r.start > company.as_of
        )
        floor = today - timedelta(days=LOOKBACK_DAYS)
        reread = [
            w
            for w in windows(date.fromisoformat(config["start_date"]), today + timedelta(days=HORIZON_DAYS))
            if w[1] >= floor
        ]
        # requests naming the deleted person as their replacement lose it (in the re-read windows)
        replaced = {
            str(row["id"])
            for lo, hi in reread
            for row in sandbox.app.view.requests_overlapping(lo, hi)
            if (row["replacement"] or {}).get("id") == deleted.key and row["employee_id"] != deleted.key
        }
        company.edit_employee(edited.key, last_name="Scale-Edited")
        company.delete_employee(deleted.key)
        new_request = company.add_time_off_request(requester.key, start=company.as_of + timedelta(days=20))
        company.edit_time_off_request(pending.employee_key, pending.key, status="approved")
        company.edit_employee(
            leaver.key, termination_date=company.as_of - timedelta(days=1), termination_reason=1
        )
        changes = {
            "edited": edited.key,
            "deleted": deleted,
            "leaver": leaver,
            "new_request": new_request.key,
            "approved": pending.key,
            "replaced": replaced,
            # the deleted person's requests that a re-read window lists (older windows are not re-read)
            "deleted_requests": {
                str(r.key)
                for r in deleted.requests
                if any(r.start <= hi and r.end >= lo for lo, hi in reread)
            },
        }
        after_expected = expected_calls(company, config, 1, today)
        after, after_calls = _read(runner, sandbox, config, catalog, unchanged.final_state())
        again, _ = _read(runner, sandbox, config, catalog, after.final_state())
        return Chain(
            company,
            config,
            first,
            first_calls,
            first_expected,
            first_windows,
            unchanged,
            unchanged_calls,
            unchanged_expected,
            changes,
            after,
            after_calls,
            after_expected,
            again,
        )


def test_first_sync_is_complete(chain):
    # Counts as the sandbox had them at the first sync (the changes came later): rebuild that tenant.
    company = Company.generate(1000, seed=1, years=3)
    everyone, active = company.employee_list(), company.active_employees()
    counts = chain.first.record_counts()
    assert counts == {
        "employees": company.counts()["employees"],
        "departments": company.counts()["departments"],
        "employments": collapsed_history(company),
        "time_off_types": company.counts()["time_off_types"],
        "time_off_requests": company.counts()["time_off_requests"],
        "compensations": company.counts()["compensations"],
        "time_off_balances": len(active) * len(company.time_off_types),
    }
    assert counts["employees"] == len(everyone) == 1000
    leavers = [r for r in chain.first.records("employees") if r["employment_status"] == "INACTIVE"]
    assert len(leavers) == len(company.terminated_employees())
    assert all(r.get("termination_reason") and r.get("termination_type") for r in leavers)


def test_first_sync_calls_follow_the_formula(chain):
    assert chain.first_calls == chain.first_expected
    grid = windows(
        date.fromisoformat(chain.config["start_date"]), date.today() + timedelta(days=HORIZON_DAYS)
    )
    expected = [(lo.isoformat(), hi.isoformat()) for lo, hi in grid]
    assert sorted(chain.first_windows) == expected, (
        f"each window once: missing {sorted(set(expected) - set(chain.first_windows))}, "
        f"repeated {[w for w, n in Counter(chain.first_windows).items() if n > 1]}"
    )
    assert all((hi - lo).days < 65 for lo, hi in grid)


def test_unchanged_incremental_sync_emits_nothing_and_costs_the_formula(chain):
    assert chain.unchanged.record_counts() == {}
    assert chain.unchanged_calls == chain.unchanged_expected
    assert "GET /api/terminated-employees/{id}" not in chain.unchanged_calls, (
        "leavers' reasons come from state"
    )


def test_changes_arrive_exactly_once(chain):
    changes, after = chain.changes, chain.after
    deleted, leaver = changes["deleted"], changes["leaver"]
    for stream in after.record_counts():
        ids = Counter(r["id"] for r in after.records(stream))
        assert max(ids.values()) == 1, f"{stream}: emitted twice"
    employees = {r["remote_id"]: r for r in after.records("employees")}
    assert set(employees) == {str(changes["edited"]), str(deleted.key), str(leaver.key)}
    assert employees[str(changes["edited"])]["last_name"] == "Scale-Edited"
    assert employees[str(deleted.key)]["is_deleted"] is True
    gone = employees[str(leaver.key)]
    assert (gone["employment_status"], gone["termination_reason"], gone["termination_type"]) == (
        "INACTIVE",
        "Relocation",
        "VOLUNTARY",
    )
    requests = {r["remote_id"]: r for r in after.records("time_off_requests")}
    assert (
        set(requests)
        == {str(changes["new_request"]), str(changes["approved"])}
        | changes["deleted_requests"]
        | changes["replaced"]
    )
    assert changes["replaced"] and all(
        "replacement_employee_id" not in (requests[rid].get("custom_fields") or {}) for rid in changes["replaced"]
    )
    assert requests[str(changes["new_request"])]["status"] == "REQUESTED"
    assert requests[str(changes["approved"])]["status"] == "APPROVED"
    assert all(requests[rid]["is_deleted"] for rid in changes["deleted_requests"])
    compensations = after.records("compensations")
    assert len(compensations) == len(deleted.compensations) and all(r["is_deleted"] for r in compensations)
    # Sage HR serves job history and balances for active employees only: the deleted person's and the
    # new leaver's rows end (README, known gaps).
    tombstoned = {r["remote_id"].split(":")[0] for r in after.records("employments") if r["is_deleted"]}
    assert tombstoned == {str(deleted.key), str(leaver.key)} and all(
        r["is_deleted"] for r in after.records("employments")
    )
    assert {r["remote_id"].split(":")[0] for r in after.records("time_off_balances")} == {
        str(deleted.key),
        str(leaver.key),
    }
    assert chain.after_calls == chain.after_expected
    assert chain.again.record_counts() == {}
