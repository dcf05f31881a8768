"""Fixtures of the Sage HR tests: a sandbox per test module and the connector's console script."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from installed import source_script

CONNECTOR = source_script("sage-hr")
AS_OF = date(2026, 3, 18)


def sage_sandbox(
    employees: int = 60, seed: int = 11, as_of: date | None = AS_OF, **options: object
) -> SandboxServer:
    return SandboxServer(
        create_app("sage-hr", Company.generate(employees, seed=seed, as_of=as_of), **options)
    )


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with sage_sandbox() as server:
        yield server
