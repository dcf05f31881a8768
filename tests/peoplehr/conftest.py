"""Shared fixtures of the PeopleHR tests: a sandbox per module and a runner of the real console script."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conformance.runner import ConnectorRunner
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app

BIN = str(Path(sys.executable).parent)
AS_OF = date(2026, 3, 2)


def runner() -> ConnectorRunner:
    """The installed ``source-peoplehr`` script (the venv's bin first on PATH)."""
    return ConnectorRunner(["source-peoplehr"], env={"PATH": BIN + os.pathsep + os.environ.get("PATH", "")})


def serve(employees: int = 40, seed: int = 11, **options: object) -> SandboxServer:
    company = Company.generate(employees=employees, seed=seed, as_of=AS_OF)
    return SandboxServer(create_app("peoplehr", company, **{"rate_limit": 0, **options})).start()


def pytest_configure(config: pytest.Config) -> None:
    # Markers of the CDK's standard suite (its image tests are switched off: no Docker engine here).
    config.addinivalue_line("markers", "image_tests: CDK standard tests that build a Docker image")
    config.addinivalue_line("markers", "requires_creds: CDK standard scenarios that need secrets")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    server = serve()
    yield server
    server.stop()
