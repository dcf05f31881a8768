"""Meltano, as a user runs it: Meltano from PyPI in its own venv (`make meltano`), the example project
(`metadata/meltano/example/`) installed from the wheels alone (`meltano install`: no git, no Docker),
then `meltano run <tap> target-jsonl` against each connector's sandbox, again (nothing emitted), and
once more after an edit in the sandbox (only the change).

The expected records come from the connector's own Airbyte `read`: all of them on the first run, and,
after the edit, exactly what the Airbyte connector emits from the state Meltano stored (the Airbyte
state inside the Singer bookmarks). The commands are the README's (`test_the_readme_shows_these_commands`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from conformance.runner import ConnectorRunner
from distribution import CONNECTORS, IDS, ROOT, Connector, sandbox_for

pytestmark = pytest.mark.slow
EXAMPLE = ROOT / "metadata/meltano/example"
MELTANO = ROOT / "build/bin/meltano"
#: What the README's Meltano section runs, in order (`<...>` is the reader's own value).
README_COMMANDS = [
    "make wheels meltano",
    "export PATH=$PWD/build/bin:$PATH UV_FIND_LINKS=$PWD/dist PIP_FIND_LINKS=$PWD/dist",
    "cp -r metadata/meltano/example hris-meltano && cd hris-meltano",
    "meltano install",
    "meltano config set tap-unified-hris-sage-hr subdomain <your subdomain>",
    "export TAP_UNIFIED_HRIS_SAGE_HR_API_KEY=<your API key>",
    "meltano run tap-unified-hris-sage-hr target-jsonl",
    "meltano run tap-unified-hris-sage-hr target-jsonl",
]


@dataclass
class Project:
    """A copy of the example project and the environment its commands run in."""

    path: Path
    env: dict[str, str]
    outputs: list[str] = field(default_factory=list)

    def meltano(self, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [str(MELTANO), *args],
            cwd=self.path,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=900,
        )
        self.outputs.append(proc.stdout + proc.stderr)
        assert proc.returncode == 0, f"meltano {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
        return proc

    def run(self, tap: str, env: Mapping[str, str], *flags: str) -> dict[str, list[dict[str, Any]]]:
        """`meltano run <tap> target-jsonl` into a fresh folder; the records written, per stream."""
        output = self.path / f"output-{len(self.outputs)}"
        output.mkdir()
        self.meltano(
            "run", *flags, tap, "target-jsonl", env={**env, "TARGET_JSONL_DESTINATION_PATH": str(output)}
        )
        records: dict[str, list[dict[str, Any]]] = {}
        for path in output.glob("*.jsonl"):
            stream = path.name.rsplit("-", 1)[0]
            records[stream] = [json.loads(line) for line in path.read_text().splitlines()]
        return records

    def bookmarks(self, tap: str) -> dict[str, Any]:
        proc = self.meltano("state", "get", f"dev:{tap}-to-target-jsonl")
        return json.loads(proc.stdout)["singer_state"]["bookmarks"]


def counts(records: Mapping[str, list[Any]]) -> dict[str, int]:
    return {stream: len(rows) for stream, rows in records.items() if rows}


def settings_env(tap: str, config: Mapping[str, Any]) -> dict[str, str]:
    """The config as Meltano setting environment variables (`<PLUGIN>_<SETTING>`)."""
    prefix = tap.upper().replace("-", "_")
    return {
        f"{prefix}_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
        for name, value in config.items()
    }


def airbyte_state(bookmarks: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "type": "STREAM",
            "stream": {"stream_descriptor": {"name": name}, "stream_state": mark["airbyte_state"]},
        }
        for name, mark in bookmarks.items()
    ]


@pytest.fixture(scope="module")
def project(wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    proc = subprocess.run(["make", "-s", "meltano"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, f"make meltano failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    path = tmp_path_factory.mktemp("meltano") / "hris-meltano"
    shutil.copytree(EXAMPLE, path)
    env = {
        **os.environ,
        "PATH": f"{MELTANO.parent}{os.pathsep}{os.environ['PATH']}",
        "UV_FIND_LINKS": str(wheels),
        "PIP_FIND_LINKS": str(wheels),
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    created = Project(path, env)
    created.meltano("install")
    for connector in CONNECTORS:  # singer-sdk's python-backoff and the CDK's backoff share a module
        python = path / ".meltano/extractors" / connector.tap / "venv/bin/python"
        check = "import backoff, importlib.metadata as m; assert backoff.__version__ == m.version('backoff')"
        subprocess.run([str(python), "-c", check], check=True)
    yield created


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_meltano_runs_everything_then_nothing_then_only_the_change(
    project: Project, connector: Connector
) -> None:
    with sandbox_for(connector) as sandbox:
        config = sandbox.app.connector_config(sandbox.url)
        env = settings_env(connector.tap, config)
        if connector.provider == "sage-hr":  # as the README does it
            project.meltano(
                "config", "set", connector.tap, "subdomain", env.pop("TAP_UNIFIED_HRIS_SAGE_HR_SUBDOMAIN")
            )
        native = ConnectorRunner([str(connector.executable)])

        expected = native.read(config).raise_on_failure().record_counts()
        first = project.run(connector.tap, env)
        assert counts(first) == expected, "the first run carries every record of an Airbyte read"

        bookmarks = project.bookmarks(connector.tap)
        assert set(bookmarks) >= set(expected) and all("airbyte_state" in bookmarks[s] for s in expected)
        assert counts(project.run(connector.tap, env)) == {}, "an unchanged rerun emits nothing"

        company = sandbox.app.company
        edited = next(e for e in company.employee_list() if e.status(company.as_of) == "active")
        edit = {"op": "edit_employee", "key": edited.key, "last_name": "Meltano-Edited"}
        requests.post(f"{sandbox.url}/__sandbox__/mutate", json=edit, timeout=10).raise_for_status()
        bookmarks = project.bookmarks(connector.tap)
        change = native.read(config, state=airbyte_state(bookmarks)).raise_on_failure().record_counts()
        assert change.get("employees") == 1, change
        third = project.run(connector.tap, env)
        assert counts(third) == change, (
            "after the edit, only what the Airbyte connector emits from that state"
        )
        assert [e["last_name"] for e in third["employees"]] == ["Meltano-Edited"]

    secret = config.get("api_key") or config["api_token"]
    assert not [out for out in project.outputs if secret in out], "the API key leaked into Meltano's output"


def test_meltano_gives_the_tap_only_the_settings_that_have_a_value(project: Project) -> None:
    connector = next(c for c in CONNECTORS if c.provider == "peoplehr")
    env = settings_env(connector.tap, {"api_key": "a-key-for-this-test-only", "start_date": "2024-01-01"})
    proc = project.meltano("invoke", "--dump=config", connector.tap, env=env)
    config = json.loads(proc.stdout)
    assert config == {"api_key": "a-key-for-this-test-only", "account": "acme", "start_date": "2024-01-01"}


def test_meltano_select_reads_only_the_selected_stream_and_fields(project: Project) -> None:
    connector = next(c for c in CONNECTORS if c.provider == "sage-hr")
    project.meltano("select", connector.tap, "employees", "last_name")
    try:
        with sandbox_for(connector) as sandbox:
            config = sandbox.app.connector_config(sandbox.url)
            employees = ConnectorRunner([str(connector.executable)]).read(config, streams=["employees"])
            employee_routes = set(sandbox.log.as_json()["by_route"])
            sandbox.log.clear()
            records = project.run(
                connector.tap,
                settings_env(connector.tap, config),
                "--full-refresh",
                "--state-id-suffix=select",
            )
            routes = set(sandbox.log.as_json()["by_route"])
    finally:
        project.meltano("select", connector.tap, "--rm", "employees", "last_name")
    assert set(records) == {"employees"} and len(records["employees"]) == len(employees.records())
    assert {tuple(sorted(r)) for r in records["employees"]} == {("id", "last_name", "modified_at")}
    assert routes == employee_routes, "only the employees stream's requests"


def test_meltano_add_from_ref_gives_the_example_projects_definitions(tmp_path: Path) -> None:
    env = {**os.environ, "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run(
        [str(MELTANO), "init", "fresh", "--no-usage-stats"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    for connector in CONNECTORS:
        ref = ROOT / "metadata/meltano/extractors" / f"{connector.tap}.yml"
        proc = subprocess.run(
            [str(MELTANO), "add", "--from-ref", str(ref), connector.tap, "--no-install"],
            cwd=tmp_path / "fresh",
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
    added = yaml.safe_load((tmp_path / "fresh/meltano.yml").read_text())["plugins"]
    assert set(added) == {"extractors"}, "each definition is added as an extractor"
    example = yaml.safe_load((EXAMPLE / "meltano.yml").read_text())
    assert "include_paths" not in example, "a project includes nothing outside its own folder"
    definitions = [{k: v for k, v in p.items() if k != "config"} for p in example["plugins"]["extractors"]]
    assert sorted(added["extractors"], key=lambda p: p["name"]) == sorted(
        definitions, key=lambda p: p["name"]
    )


def test_the_readme_shows_these_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Meltano") :]
    block = section[section.index("```sh") + len("```sh") : section.index("```", section.index("```sh") + 5)]
    commands = [re.sub(r"\s+#.*$", "", line).strip() for line in block.strip().splitlines()]
    assert [c for c in commands if c] == README_COMMANDS
