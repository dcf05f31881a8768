"""Shared by the Sesame HR tests: where the installed connector is."""

import sys
from pathlib import Path

#: The console script installed next to the running interpreter (PATH may not include the venv).
CONNECTOR = str(Path(sys.executable).with_name("source-sesame-hr"))
CONNECTOR_ROOT = Path(__file__).resolve().parents[2] / "connectors" / "source-sesame-hr"


def pytest_configure(config: object) -> None:
    # Markers of the CDK's standard suite (its image tests are switched off: no Docker engine here).
    config.addinivalue_line("markers", "image_tests: CDK standard tests that build a Docker image")  # type: ignore[attr-defined]
    config.addinivalue_line("markers", "requires_creds: CDK standard scenarios that need secrets")  # type: ignore[attr-defined]
