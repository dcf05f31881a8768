"""The Airbyte CDK's standard source tests (spec, check, discover, read), configured against the
Sage HR sandbox through ``connectors/source-sage-hr/acceptance-test-config.yml``."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from airbyte_cdk.test.models import ConnectorTestScenario
from airbyte_cdk.test.standard_tests import pytest_hooks
from conformance.standard import SandboxStandardSuite
from source_sage_hr.source import SourceSageHR

from .conftest import sage_sandbox

ROOT = Path(__file__).resolve().parents[2] / "connectors" / "source-sage-hr"
#: acceptance-test-config.yml names integration_tests/sandbox_config.json; this run writes its own copy
#: (the sandbox's port is random, and test runs in the same checkout must not share the file).
SANDBOX_CONFIG = Path(tempfile.mkdtemp(prefix="source-sage-hr-standard-")) / "sandbox_config.json"

# The suite's hooks (scenarios from acceptance-test-config.yml), without `-p` on the command line.
pytest_generate_tests = pytest_hooks.pytest_generate_tests
read_from_streams = pytest_hooks.read_from_streams
read_scenarios = pytest_hooks.read_scenarios
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def sandbox_config() -> Iterator[None]:
    with sage_sandbox(employees=40, seed=5) as server:
        SANDBOX_CONFIG.write_text(json.dumps(server.app.connector_config(server.url), indent=2))
        yield
    shutil.rmtree(SANDBOX_CONFIG.parent, ignore_errors=True)


class TestSageHRStandard(SandboxStandardSuite):
    connector_root = ROOT
    source_class = SourceSageHR

    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        return [
            s.model_copy(update={"config_path": SANDBOX_CONFIG})
            if s.config_path is not None and s.config_path.name == SANDBOX_CONFIG.name
            else s
            for s in super().get_scenarios()
        ]
