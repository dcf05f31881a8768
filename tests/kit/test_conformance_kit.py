"""The kit against the toy connector: it passes a correct connector and catches broken ones."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from conformance.kit import (
    ConformanceSuite,
    check_bad_credential,
    check_every_stream_read,
    check_ids_stable,
    check_no_records,
    check_records_valid,
)
from conformance.runner import ConnectorRunner
from hris_sandbox import Company, SandboxServer
from sandboxes import create_app

TOY = [sys.executable, str(Path(__file__).resolve().parents[1] / "fixtures" / "toy_connector" / "main.py")]

pytestmark = pytest.mark.slow


def toy_config(sandbox: SandboxServer, **extra: Any) -> dict[str, Any]:
    return {"base_url": sandbox.url, "start_date": "2024-01-01", **sandbox.app.credentials(), **extra}


class TestToyConnectorConforms(ConformanceSuite):
    command = TOY
    provider = "toy-hr"
    streams = frozenset({"employees", "departments", "time_off_requests", "compensations"})

    def connector_config(self, sandbox: SandboxServer) -> dict[str, Any]:
        return toy_config(sandbox)


@pytest.fixture(scope="module")
def toy_sandbox():
    with SandboxServer(create_app("toy-hr", Company.generate(employees=30, seed=3))) as server:
        yield server


def test_kit_catches_schema_invalid_records(toy_sandbox: SandboxServer) -> None:
    run = ConnectorRunner(TOY).read(toy_config(toy_sandbox, toy_defect="schema"), streams=["employees"])
    with pytest.raises(AssertionError, match="is invalid"):
        check_records_valid(run, "toy_hr")


def test_kit_catches_a_stream_offered_but_not_read_or_not_offered(toy_sandbox: SandboxServer) -> None:
    runner = ConnectorRunner(TOY)
    catalog = runner.discover(toy_config(toy_sandbox))
    offered = frozenset(TestToyConnectorConforms.streams)
    run = runner.read(toy_config(toy_sandbox), incremental=False, streams=["employees", "departments"])
    with pytest.raises(AssertionError, match=r"read no records of \['compensations', 'time_off_requests'\]"):
        check_every_stream_read(catalog, run, offered)
    with pytest.raises(AssertionError, match=r"lacks \['holidays'\]"):
        check_every_stream_read(catalog, run, offered | {"holidays"})


def test_kit_catches_unstable_ids(toy_sandbox: SandboxServer) -> None:
    runner = ConnectorRunner(TOY)
    config = toy_config(toy_sandbox, toy_defect="unstable_ids")
    first = runner.read(config, incremental=False, streams=["employees"])
    second = runner.read(config, incremental=False, streams=["employees"])
    with pytest.raises(AssertionError, match="ids differ"):
        check_ids_stable(first, second)


def test_kit_catches_a_connector_that_re_emits_unchanged_data(toy_sandbox: SandboxServer) -> None:
    # A connector that ignores its state behaves like a run without state.
    run = ConnectorRunner(TOY).read(toy_config(toy_sandbox), streams=["departments"])
    with pytest.raises(AssertionError, match="unchanged data emitted records"):
        check_no_records(run)


def test_kit_catches_a_check_that_accepts_any_credential(toy_sandbox: SandboxServer) -> None:
    run = ConnectorRunner(TOY).run("check", toy_config(toy_sandbox))
    with pytest.raises(AssertionError, match="check passed with a wrong credential"):
        check_bad_credential(run, r"token")
