"""The shared conformance kit against the PeopleHR sandbox, through the installed console script."""

from __future__ import annotations

import os
from typing import Any

import pytest
from conformance.kit import ConformanceSuite, ExpectedChange
from hris_sandbox import Company, SandboxServer
from installed import source_script

from .conftest import BIN

pytestmark = pytest.mark.slow


class TestPeopleHRConformance(ConformanceSuite):
    command = [source_script("peoplehr")]
    provider = "peoplehr"
    streams = frozenset(
        {"employees", "departments", "employments", "time_off_types", "time_off_requests", "compensations", "locations", "benefits", "time_off_balances", "work_entries"}
    )
    env = {"PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    _company: Company

    def sandbox_options(self) -> dict[str, Any]:
        return {"rate_limit": 100_000}

    def connector_config(self, sandbox: SandboxServer) -> dict[str, Any]:
        return sandbox.app.connector_config(sandbox.url)

    def remote_employee_id(self, employee: Any) -> str:
        return str(employee.uid)  # UniqueKey: EmployeeId can be renamed

    def remote_time_off_id(self, request: Any) -> str:
        return f"holiday:{request.key}"  # AnnualLeaveTxnId

    def make_changes(self, company: Company) -> list[ExpectedChange]:
        self._company = company
        return super().make_changes(company)
