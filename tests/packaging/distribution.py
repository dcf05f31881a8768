"""Helpers of the packaging tests: the connectors as distributed, and sandboxes to run them against."""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from unified_hris import names

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: PeopleHR's sandbox enforces the real 30 calls/minute by default; lifted here as in `make demo`.
SANDBOX_OPTIONS: dict[str, dict[str, Any]] = {"peoplehr": {"rate_limit": "0"}}


@dataclass(frozen=True)
class Connector:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def provider(self) -> str:
        return self.name.removeprefix("source-")

    @cached_property
    def project(self) -> dict[str, Any]:
        return tomllib.loads((self.path / "pyproject.toml").read_text())["project"]

    @property
    def distribution(self) -> str:
        return self.project["name"]

    @property
    def version(self) -> str:
        return self.project["version"]

    @cached_property
    def metadata(self) -> dict[str, Any]:
        return yaml.safe_load((self.path / "metadata.yaml").read_text())

    @property
    def image(self) -> str:
        data = self.metadata["data"]
        return f"{data['dockerRepository']}:{data['dockerImageTag']}"

    @property
    def executable(self) -> Path:
        """The Airbyte console script installed (editable) in the development venv."""
        return BIN / names.source_script(self.provider)

    @property
    def tap(self) -> str:
        """The Singer tap: console script and Meltano extractor name."""
        return names.tap_script(self.provider)


CONNECTORS = [Connector(p) for p in sorted((ROOT / "connectors").glob("source-*")) if p.is_dir()]
IDS = [c.name for c in CONNECTORS]


def sandbox_for(connector: Connector, employees: int = 25, seed: int = 5) -> SandboxServer:
    company = Company.generate(employees=employees, seed=seed)
    return SandboxServer(
        create_app(connector.provider, company, **SANDBOX_OPTIONS.get(connector.provider, {}))
    )
