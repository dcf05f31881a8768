"""The Airbyte CDK's standard source tests (spec, check, discover, read), configured against the
PeopleHR sandbox through ``connectors/source-peoplehr/acceptance-test-config.yml``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from airbyte_cdk.test.standard_tests import pytest_hooks
from conformance.standard import SandboxStandardSuite
from source_peoplehr.source import SourcePeopleHR

from .conftest import serve

ROOT = Path(__file__).resolve().parents[2] / "connectors" / "source-peoplehr"
CONFIGS = ROOT / "integration_tests"

# The suite's hooks (scenarios from acceptance-test-config.yml), without `-p` on the command line.
pytest_generate_tests = pytest_hooks.pytest_generate_tests
read_from_streams = pytest_hooks.read_from_streams
read_scenarios = pytest_hooks.read_scenarios
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def sandbox_configs() -> Iterator[None]:
    server = serve(employees=30, seed=5)
    config = server.app.connector_config(server.url)
    written = {
        CONFIGS / "sandbox_config.json": config,
        CONFIGS / "sandbox_wrong_key_config.json": {**config, "api_key": "not-a-peoplehr-key-0000000000"},
    }
    for path, content in written.items():
        path.write_text(json.dumps(content, indent=2))
    yield
    server.stop()
    for path in written:
        path.unlink(missing_ok=True)


class TestPeopleHRStandard(SandboxStandardSuite):
    connector_root = ROOT
    source_class = SourcePeopleHR
