"""What the benchmark runs: one `Target` per connector, with its sizes, config and call minimum."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import BIN, SandboxProcess

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Target:
    name: str
    provider: str
    command: list[str]
    sizes: list[int]
    #: Bearer/X-Auth-Token headers the floor sends (PeopleHR's key travels in the replayed body).
    floor_headers: Callable[[Mapping[str, Any]], dict[str, str]]
    #: The fewest calls the API allows for the data (None when not modelled).
    call_minimum: Callable[[Mapping[str, int], Mapping[str, Any], bool], int | None] = (
        lambda counts, config, incremental: None
    )
    streams: list[str] | None = None
    options: Callable[[int], dict[str, str]] = field(default=lambda size: {})
    config_overrides: dict[str, Any] = field(default_factory=dict)

    def installed(self) -> bool:
        return Path(self.command[0]).exists()

    def sandbox_options(self, size: int) -> dict[str, str]:
        return self.options(size)

    def config(self, sandbox: SandboxProcess) -> dict[str, Any]:
        assert sandbox.connector_config is not None, f"{self.provider} sandbox gives no connector config"
        return {**sandbox.connector_config, **self.config_overrides}


TARGETS: dict[str, Target] = {
    "toy-hr": Target(
        name="toy-hr",
        provider="toy-hr",
        command=[sys.executable, str(ROOT / "tests/fixtures/toy_connector/main.py")],
        sizes=[1000],
        floor_headers=lambda config: {"Authorization": f"Bearer {config['api_token']}"},
        streams=["employees", "departments"],
    ),
}

assert BIN  # the connectors' console scripts live next to this interpreter
