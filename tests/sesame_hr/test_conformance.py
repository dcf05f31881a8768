"""The conformance kit against the Sesame sandbox, through the connector's real console script.

Besides the kit's edit, deletion and new request, the journey cancels a granted vacation (a new
``type: delete`` request arrives as OTHER, the act of giving days back, and the granted request, whose
days its calendar no longer grants, arrives again as CANCELLED) and edits and soft-deletes work
entries (they arrive through ``updatedAt[gte]``; the deletion as a deleted record).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from conformance.kit import ConformanceSuite, ExpectedChange
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers.sesame_hr.render import cancellation_id, derived_id

from .conftest import CONNECTOR

pytestmark = pytest.mark.slow


class TestSesameHRConformance(ConformanceSuite):
    command = [CONNECTOR]
    provider = "sesame-hr"
    streams = frozenset(
        {"employees", "departments", "employments", "time_off_types", "time_off_requests", "compensations", "locations", "time_off_balances", "holidays", "work_entries"}
    )
    bad_credential_pattern = r"API token"

    def sandbox_options(self) -> dict[str, Any]:
        return {"rate_limit": 100_000}  # the connector is configured at 60% of it

    def connector_config(self, sandbox: SandboxServer) -> dict[str, Any]:
        return sandbox.app.connector_config(sandbox.url)

    def remote_employee_id(self, employee: Any) -> str:
        return str(employee.uid)

    def remote_time_off_id(self, request: Any) -> str:
        return str(request.uid)

    def make_changes(self, company: Company) -> list[ExpectedChange]:
        expected = super().make_changes(company)
        changed = {c.remote_id for c in expected}
        staff = [
            e for e in company.employee_list() if e.uid not in changed and e.status(company.as_of) == "active"
        ]
        granted = next(
            r
            for e in staff
            for r in e.requests
            if r.status == "approved" and r.type_key == 1 and r.start > company.as_of and r.deleted_at is None
        )
        company.edit_time_off_request(granted.employee_key, granted.key, status="cancelled")
        owner = next(e for e in staff if e.key == granted.employee_key)
        vacation = company.time_off_type(granted.type_key)
        balance = derived_id(company, "calendar", owner.uid, vacation.uid, granted.start.year)
        clocked = next(e for e in staff if len(e.work_entries) >= 2)
        edited, deleted = clocked.work_entries[-1], clocked.work_entries[-2]
        company.edit_work_entry(clocked.key, edited.key, clock_out=edited.clock_out + timedelta(minutes=30))
        pauses = sum(int((end - start).total_seconds()) for start, end in edited.breaks)  # not worked
        company.delete_work_entry(clocked.key, deleted.key)
        return [
            *expected,
            ExpectedChange(
                "time_off_requests", cancellation_id(company, granted), fields={"status": "OTHER"}
            ),
            ExpectedChange("time_off_requests", granted.uid, fields={"status": "CANCELLED"}),
            # the days given back leave the year's vacation calendar: its balance arrives again
            ExpectedChange("time_off_balances", balance),
            ExpectedChange(
                "work_entries",
                edited.uid,
                fields={"worked_seconds": int((edited.clock_out - edited.clock_in).total_seconds()) - pauses},
            ),
            ExpectedChange("work_entries", deleted.uid, deleted=True),
        ]
