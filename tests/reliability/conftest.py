"""One description per connector, so every reliability scenario runs for all three through their console
scripts against their sandboxes. Every run made through `Env.run` is scanned for the sentinel key."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from conformance.runner import ConnectorRunner, RunResult, configured_catalog
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from installed import source_script

#: The only key the sandboxes accept in these tests; nothing a connector writes may contain it.
SENTINEL = "SENTINEL-k3y-5e3c1b7a9d2f4e68"
AS_OF = date.today()  # PeopleHR and Sesame read 'today' from the clock


@dataclass(frozen=True, eq=False)
class Connector:
    name: str
    key_option: str  # the sandbox option that sets the accepted credential
    key_field: str  # the config field holding it
    stream: str  # a stream whose listing the fault scenarios break
    list_path: str  # regex of that listing's path
    employees: int  # small, but the listing still pages
    config: Mapping[str, Any] = field(default_factory=dict)  # overrides of the sandbox's config
    paged: bool = True

    @property
    def command(self) -> list[str]:
        return [source_script(self.name)]

    def __str__(self) -> str:
        return self.name


SAGE = Connector("sage-hr", "api_key", "api_key", "employments", r"^/api/employees$", 70)
PEOPLEHR = Connector(
    "peoplehr", "api_key", "api_key", "employees", r"^/Employee$", 12, {"requests_per_minute": 100_000}, False
)
SESAME = Connector(
    "sesame-hr", "token", "api_token", "employees", r"^/core/v3/employees$", 12, {"page_size": 5}
)
CONNECTORS = [SAGE, PEOPLEHR, SESAME]


@dataclass
class Env:
    """A connector, its sandbox (serving the sentinel key) and a baseline read of its fault stream."""

    connector: Connector
    sandbox: SandboxServer
    config: dict[str, Any]
    catalog: dict[str, Any]
    runner: ConnectorRunner
    baseline: list[tuple[str, str]] = field(default_factory=list)

    def run(
        self,
        verb: str,
        config: Mapping[str, Any] | None = None,
        variables: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> RunResult:
        """One command; `variables` are environment variables for this run only."""
        runner = (
            ConnectorRunner(self.connector.command, env=variables, timeout=300) if variables else self.runner
        )
        result = runner.run(verb, self.config if config is None else config, **kwargs)
        assert_no_secret(result)
        return result

    def read(
        self,
        *streams: str,
        config: Mapping[str, Any] | None = None,
        state: Any = None,
        variables: Mapping[str, str] | None = None,
    ) -> RunResult:
        catalog = configured_catalog(
            self.catalog, incremental=True, streams=streams or [self.connector.stream]
        )
        return self.run("read", config, variables, catalog=catalog, state=state)


def assert_no_secret(result: RunResult) -> None:
    """Everything a connector wrote (messages, logs, traces, state, records, stderr) is free of the key."""
    assert SENTINEL not in result.stdout, "the API key leaked into the connector's output"
    assert SENTINEL not in result.stderr, "the API key leaked into the connector's stderr"


def fingerprints(result: RunResult, stream: str) -> list[tuple[str, str]]:
    """(id, record_hash) of every record of `stream`, sorted: equal lists mean the same records, once each."""
    return sorted((r["id"], r.get("record_hash", "")) for r in result.records(stream))


def start_sandbox(connector: Connector, host: str = "127.0.0.1", **options: Any) -> SandboxServer:
    company = Company.generate(connector.employees, seed=3, as_of=AS_OF)
    if connector is PEOPLEHR:
        options.setdefault("rate_limit", 0)
    app = create_app(connector.name, company, **{connector.key_option: SENTINEL, **options})
    return SandboxServer(app, host=host).start()


def make_env(connector: Connector, sandbox: SandboxServer, env: Mapping[str, str] | None = None) -> Env:
    config = {**sandbox.app.connector_config(sandbox.url), **connector.config}
    assert config[connector.key_field] == SENTINEL
    runner = ConnectorRunner(connector.command, env=env, timeout=300)
    discovered = runner.run("discover", config)
    assert_no_secret(discovered)
    return Env(connector, sandbox, config, discovered.raise_on_failure().catalog(), runner)


@pytest.fixture(scope="module", params=CONNECTORS, ids=str)
def env(request: pytest.FixtureRequest) -> Iterator[Env]:
    """Per connector and test module: a sandbox, its config and a clean read of the fault stream."""
    sandbox = start_sandbox(request.param)
    try:
        setup = make_env(request.param, sandbox)
        setup.baseline = fingerprints(setup.read().raise_on_failure(), request.param.stream)
        assert setup.baseline
        yield setup
    finally:
        sandbox.stop()


@pytest.fixture
def clean(env: Env) -> Iterator[Env]:
    """`env` with no faults and an empty request log before and after the test."""
    env.sandbox.faults.clear()
    env.sandbox.log.clear()
    yield env
    env.sandbox.faults.clear()


Check = Callable[[RunResult], None]


def destination(*runs: RunResult, stream: str) -> dict[str, dict[str, Any]]:
    """The deduplicated destination table of `stream` after `runs`, in order: the last record per id."""
    table: dict[str, dict[str, Any]] = {}
    for run in runs:
        for record in run.records(stream):
            table[record["id"]] = record
    return table


def deleted(result: RunResult, stream: str) -> list[str]:
    """Ids `result` reported deleted in `stream`."""
    return [r["id"] for r in result.records(stream) if r.get("is_deleted")]
