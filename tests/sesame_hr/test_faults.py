"""What goes wrong with the real API, injected into the sandbox, through the console script: lists whose
`meta` block is missing or partial are each read as their last page with a warning, so a tenant whose
lists fit one page syncs completely (the sandbox's ``meta`` option)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from conformance.runner import ConnectorRunner, configured_catalog
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers.sesame_hr import TOKEN, SesameHRApp

from .conftest import CONNECTOR

pytestmark = pytest.mark.slow
STREAMS = ["employees", "employments", "time_off_types", "locations"]


def sync(meta: str) -> tuple[dict[str, list[str]], list[str]]:
    company = Company.generate(employees=20, seed=4)
    with SandboxServer(SesameHRApp(company, rate_limit=0, meta=meta)) as server:
        config = server.app.connector_config(server.url)
        runner = ConnectorRunner([CONNECTOR])
        catalog = configured_catalog(runner.discover(config), True, STREAMS)
        run = runner.run("read", config, catalog).raise_on_failure()
    ids = {s: sorted(r["record_hash"] for r in run.records(s)) for s in STREAMS}
    return ids, [line for line in run.logs(("WARN",)) if "complete `meta` block" in line]


@pytest.mark.parametrize("meta", ["missing", "partial"])
def test_lists_without_complete_meta_are_read_whole_with_a_warning(meta: str) -> None:
    expected, quiet = sync("full")
    got, warnings = sync(meta)
    assert not quiet and warnings
    assert got == expected and all(got[s] for s in STREAMS)


def test_the_sandbox_leaves_meta_out_or_partial_on_request() -> None:
    company = Company.generate(employees=3, seed=4)
    bodies: dict[str, Any] = {}
    for meta in ("missing", "partial"):
        with SandboxServer(SesameHRApp(company, rate_limit=0, meta=meta)) as server:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            bodies[meta] = requests.get(server.url + "/core/v3/offices", headers=headers, timeout=10).json()
    assert "meta" not in bodies["missing"] and bodies["missing"]["data"]
    assert set(bodies["partial"]["meta"]) == {"total", "perPage"}
