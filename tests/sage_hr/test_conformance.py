"""The conformance kit against the Sage HR sandbox, through the installed console script."""

from __future__ import annotations

from typing import Any

import pytest
from conformance.kit import ConformanceSuite
from hris_sandbox import SandboxServer

from .conftest import CONNECTOR

pytestmark = pytest.mark.slow


class TestSageHRConformance(ConformanceSuite):
    command = [CONNECTOR]
    provider = "sage-hr"
    streams = frozenset(
        {"employees", "departments", "employments", "time_off_types", "time_off_requests", "compensations", "time_off_balances"}
    )
    bad_credential_pattern = r"API key.*Settings > Integrations > API"

    def connector_config(self, sandbox: SandboxServer) -> dict[str, Any]:
        return sandbox.app.connector_config(sandbox.url)
