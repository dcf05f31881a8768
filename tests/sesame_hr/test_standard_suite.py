"""The Airbyte CDK's standard source tests (spec, check, discover, read), configured against the Sesame
sandbox through ``connectors/source-sesame-hr/acceptance-test-config.yml``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from airbyte_cdk.test.standard_tests import pytest_hooks
from conformance.standard import SandboxStandardSuite
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers.sesame_hr import SesameHRApp
from source_sesame_hr import SourceSesameHR

from .conftest import CONNECTOR_ROOT

CONFIGS = CONNECTOR_ROOT / "integration_tests"

# The suite's hooks (scenarios from acceptance-test-config.yml), without `-p` on the command line.
pytest_generate_tests = pytest_hooks.pytest_generate_tests
read_from_streams = pytest_hooks.read_from_streams
read_scenarios = pytest_hooks.read_scenarios
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def sandbox_configs() -> Iterator[None]:
    with SandboxServer(SesameHRApp(Company.generate(employees=25, seed=3), rate_limit=0)) as server:
        config = {**server.app.connector_config(server.url), "requests_per_minute": 100_000}
        written = {
            CONFIGS / "sandbox_config.json": config,
            CONFIGS / "sandbox_wrong_token_config.json": {
                **config,
                "api_token": "not-a-sesame-token-000000000",
            },
        }
        for path, content in written.items():
            path.write_text(json.dumps(content, indent=2))
        try:
            yield
        finally:
            for path in written:
                path.unlink(missing_ok=True)


class TestSesameHRStandard(SandboxStandardSuite):
    connector_root = CONNECTOR_ROOT
    source_class = SourceSesameHR
