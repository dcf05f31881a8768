"""What the benchmark runs: one `Target` per row family, with its sizes, streams, config and call minimum.

Rows are chosen so that `make bench` ends in under 20 minutes on a 2-core machine:
- ``<connector>``: the two streams the CPU target is about (employees and time-off requests, three
  years of requests: about 19 per employee) at 1,000 and 5,000 employees.
- ``<connector>-employees``: the employees stream alone at 1,000 and 50,000 employees: the memory
  target (peak RSS flat in tenant size) and the largest tenant (a million time-off requests at
  50,000 employees would take most of the 20 minutes by themselves).
- ``<connector>-all``: every stream at 1,000 employees, the whole call formula against the minimum.
- PeopleHR at 1,000 only (its sandbox limit lifted): per-employee fan-out, and saved queries in bulk.
  Its model at the real 30 calls a minute is `peoplehr_model.py`, checked by `realistic.py`.
- ``realistic.py`` models every provider at its real limit with 150 ms a call from the calls of the
  ``-all``, ``peoplehr`` and ``peoplehr-queries`` rows, checked at a reduced scale; ``peer.py`` runs
  Airbyte's own Sage HR manifest beside ours (given with ``--peer-manifest``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from harness import BIN, SandboxProcess
from unified_hris import names

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Target:
    name: str
    provider: str
    command: list[str]
    sizes: list[int]
    #: Headers the floor sends (PeopleHR's key travels in the replayed body).
    floor_headers: Callable[[Mapping[str, Any]], dict[str, str]]
    #: Streams to read (None: all); `describe` says what the row covers.
    streams: list[str] | None = None
    describe: str = ""
    #: Whether `minimum.py` models this provider's call minimum.
    has_minimum: bool = True
    options: dict[str, str] = field(default_factory=dict)
    config_overrides: dict[str, Any] = field(default_factory=dict)

    def installed(self) -> bool:
        return Path(self.command[0]).exists()

    def config(self, sandbox: SandboxProcess) -> dict[str, Any]:
        assert sandbox.connector_config is not None, f"{self.provider} sandbox gives no connector config"
        return {**sandbox.connector_config, **self.config_overrides}


def _script(provider: str) -> list[str]:
    return [str(BIN / names.source_script(provider))]


def _sage(config: Mapping[str, Any]) -> dict[str, str]:
    return {"X-Auth-Token": config["api_key"]}


def _bearer(config: Mapping[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {config['api_token']}"}


_CPU_STREAMS = ["employees", "time_off_requests"]
_SESAME = {"requests_per_minute": 1_000_000, "num_workers": 4}
#: The CPU and memory rows leave out each employee's contracts (one call per employee since
#: 2026-12-02: 50,606 calls at 50,000 employees, more than the 20 minutes alone); `-all` reads them.
_SESAME_NO_CONTRACTS = {**_SESAME, "read_contracts": False}
_PEOPLEHR_QUERIES = {
    "holiday_query": "Connector Holidays",
    "absence_query": "Connector Absences",
    "salary_query": "Connector Salaries",
}

_SAGE_NO_CUSTOM = {"include_custom_fields": False}
_sage_target = partial(Target, provider="sage-hr", command=_script("sage-hr"), floor_headers=_sage)
_sesame_target = partial(
    Target,
    provider="sesame-hr",
    command=_script("sesame-hr"),
    floor_headers=_bearer,
    options={"rate_limit": "0"},
    config_overrides=_SESAME,
)
_peoplehr_target = partial(
    Target,
    provider="peoplehr",
    command=_script("peoplehr"),
    sizes=[1000],
    floor_headers=lambda config: {},
    options={"rate_limit": "0"},
)

TARGETS: dict[str, Target] = {
    target.name: target
    for target in [
        _sage_target(
            name="sage-hr",
            sizes=[1000, 5000],
            streams=_CPU_STREAMS,
            describe="employees (with leaver details, without the per-employee custom fields) + time-off requests",
            config_overrides=_SAGE_NO_CUSTOM,
        ),
        _sage_target(
            name="sage-hr-employees",
            sizes=[1000, 50000],
            streams=["employees"],
            describe="employees (with leaver details, without the per-employee custom fields)",
            config_overrides=_SAGE_NO_CUSTOM,
        ),
        _sage_target(name="sage-hr-all", sizes=[1000], describe="all 7 streams"),
        _sesame_target(
            name="sesame-hr",
            sizes=[1000, 5000],
            streams=_CPU_STREAMS,
            describe="employees (4 joined lists, without contracts) + time-off requests, 3 years",
            config_overrides=_SESAME_NO_CONTRACTS,
        ),
        _sesame_target(
            name="sesame-hr-employees",
            sizes=[1000, 50000],
            streams=["employees"],
            describe="employees (4 joined lists, without contracts)",
            config_overrides=_SESAME_NO_CONTRACTS,
        ),
        _sesame_target(name="sesame-hr-all", sizes=[1000], describe="all 8 streams"),
        _peoplehr_target(
            name="peoplehr", describe="all 8 streams, per-employee fan-out (sandbox limit lifted)"
        ),
        _peoplehr_target(
            name="peoplehr-queries",
            describe="all 8 streams, saved queries for holidays, absences, salaries (the other areas per employee)",
            config_overrides=_PEOPLEHR_QUERIES,
        ),
    ]
}

#: What `make bench` runs by default.
DEFAULT = [
    "sage-hr",
    "sage-hr-employees",
    "sage-hr-all",
    "sesame-hr",
    "sesame-hr-employees",
    "sesame-hr-all",
    "peoplehr",
    "peoplehr-queries",
]
