"""Shared fixtures of the PeopleHR tests: a sandbox per module and a runner of the real console script."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conformance.runner import ConnectorRunner
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from installed import source_script

BIN = str(Path(sys.executable).parent)
AS_OF = date.today()  # the connector reads 'today' from the clock too


def runner() -> ConnectorRunner:
    """The installed console script (the venv's bin first on PATH)."""
    return ConnectorRunner(
        [source_script("peoplehr")], env={"PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    )


def serve(employees: int = 40, seed: int = 11, **options: object) -> SandboxServer:
    company = Company.generate(employees=employees, seed=seed, as_of=AS_OF)
    return SandboxServer(create_app("peoplehr", company, **{"rate_limit": 0, **options})).start()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    server = serve()
    yield server
    server.stop()


def read_employees(company: Company, start_date: str, last_sync: date | None = None) -> list[Any]:
    """The employees the documented rule gives per-employee calls (``directory.needs_read``):
    employed at some point between `start_date` and a year ahead, and, on an incremental sync, not a
    leaver whose leaving date is more than 31 days before the last complete sync."""
    start, horizon = date.fromisoformat(start_date), date.today() + timedelta(days=366)

    def needs(e: Any) -> bool:
        if (e.termination_date and e.termination_date < start) or e.start_date > horizon:
            return False
        return not (last_sync and e.termination_date and e.termination_date < last_sync - timedelta(days=31))

    return [e for e in company.employee_list() if needs(e)]


def fanned_out(company: Company, start_date: str, last_sync: date | None = None) -> int:
    """How many employees get per-employee calls (`read_employees`)."""
    return len(read_employees(company, start_date, last_sync))


def entitled(company: Company, start_date: str, last_sync: date | None = None) -> int:
    """Of `fanned_out`, those with a holiday entitlement this leave year (the calendar year in the
    sandbox): time_off_balances reads their holidays once more for the days used."""
    year = company.as_of.year
    return sum(
        e.start_date.year <= year and (e.termination_date is None or e.termination_date.year >= year)
        for e in read_employees(company, start_date, last_sync)
    )
