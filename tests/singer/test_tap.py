"""The connectors as Singer taps (`unified_hris_cdk.singer`), through their console scripts against the
sandboxes, each run compared with the same connector's Airbyte entrypoint.

The shared machinery is exercised on Sage HR (the tap class is the same for every connector); the
catalogs of all three. Meltano on top of it: `tests/packaging/test_meltano.py`.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import backoff
import pytest
import requests
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
from conformance.runner import ConnectorRunner, configured_catalog
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers import create_app
from installed import source_script, tap_script
from source_sage_hr.source import SourceSageHR
from unified_hris_cdk.singer.read import SharedRead

pytestmark = pytest.mark.slow
SINGER_TYPES = {"SCHEMA", "RECORD", "STATE", "ACTIVATE_VERSION", "BATCH"}
SENTINEL = "SENTINEL-singer-k3y-9b1e5c7a2d4f"
#: Compared between the tap and the Airbyte entrypoint: `modified_at` is each sync's own start time.
VOLATILE = {"modified_at"}
OPTIONS = {"peoplehr": {"rate_limit": "0"}}


@dataclass
class TapRun:
    returncode: int
    messages: list[dict[str, Any]]
    stderr: str

    def records(self, stream: str | None = None) -> list[dict[str, Any]]:
        return [m["record"] for m in self.messages if m["type"] == "RECORD" and stream in (None, m["stream"])]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for m in self.messages:
            if m["type"] == "RECORD":
                out[m["stream"]] = out.get(m["stream"], 0) + 1
        return out

    def state(self) -> dict[str, Any]:
        return [m for m in self.messages if m["type"] == "STATE"][-1]["value"]


def run_tap(
    provider: str,
    config: Mapping[str, Any],
    *args: str,
    catalog: Mapping[str, Any] | None = None,
    state: Mapping[str, Any] | None = None,
) -> TapRun:
    """Runs the tap; every line it writes to stdout must be a Singer message."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for flag, payload in (("--config", config), ("--catalog", catalog), ("--state", state)):
            if payload is not None:
                path = Path(tmp) / f"{flag[2:]}.json"
                path.write_text(json.dumps(payload))
                files += [flag, str(path)]
        proc = subprocess.run(
            [tap_script(provider), *files, *args], capture_output=True, text=True, timeout=600, cwd=tmp
        )
    messages = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert {m["type"] for m in messages} <= SINGER_TYPES, "the tap's stdout carries only Singer messages"
    return TapRun(proc.returncode, messages, proc.stderr)


def comparable(record: Mapping[str, Any]) -> str:
    """A record without what each sync sets itself: `modified_at`, and a tombstone's deletion time (in
    `remote_deleted_at` and `_ab_cdc_deleted_at`, which its `record_hash` covers)."""
    deletion_time = {"remote_deleted_at", "_ab_cdc_deleted_at", "record_hash"}
    volatile = VOLATILE | (deletion_time if record.get("is_deleted") else set())
    return json.dumps(
        {k: v for k, v in record.items() if k not in volatile and v is not None}, sort_keys=True
    )


def without_airbyte_type(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: without_airbyte_type(v) for k, v in schema.items() if k != "airbyte_type"}
    return [without_airbyte_type(v) for v in schema] if isinstance(schema, list) else schema


def serve(provider: str, employees: int = 12, **options: Any) -> SandboxServer:
    company = Company.generate(employees=employees, seed=7)
    return SandboxServer(create_app(provider, company, **{**OPTIONS.get(provider, {}), **options}))


@pytest.fixture
def sage() -> Iterator[SandboxServer]:
    with serve("sage-hr", api_key=SENTINEL) as server:
        yield server


@pytest.mark.parametrize("provider", ["sage-hr", "peoplehr", "sesame-hr"])
def test_the_catalog_is_the_airbyte_catalog(provider: str) -> None:
    with serve(provider, employees=3) as server:
        config = server.app.connector_config(server.url)
        airbyte = ConnectorRunner([source_script(provider)]).discover(config)["streams"]
        proc = subprocess.run(
            [tap_script(provider), "--discover", "--config", "/dev/stdin"],
            input=json.dumps(config),
            capture_output=True,
            text=True,
            check=True,
        )
    singer = {s["tap_stream_id"]: s for s in json.loads(proc.stdout)["streams"]}
    assert set(singer) == {s["name"] for s in airbyte}
    for stream in airbyte:
        entry = singer[stream["name"]]
        # Singer has no `airbyte_type` (the SDK drops it): the decimals stay exact strings there
        assert entry["schema"] == without_airbyte_type(stream["json_schema"])
        assert entry["key_properties"] == [key[0] for key in stream["source_defined_primary_key"]]
        assert entry["replication_key"] == stream["default_cursor_field"][0] == "modified_at"
        assert entry["replication_method"] == "INCREMENTAL"


def test_one_read_gives_the_airbyte_records_with_the_airbyte_calls(sage: SandboxServer) -> None:
    config = sage.app.connector_config(sage.url)
    airbyte = ConnectorRunner([source_script("sage-hr")]).read(config).raise_on_failure()
    airbyte_calls = sage.log.as_json()["by_route"]
    sage.log.clear()
    tap = run_tap("sage-hr", config)
    assert tap.returncode == 0, tap.stderr[-3000:]
    assert sage.log.as_json()["by_route"] == airbyte_calls, "the tap makes the Airbyte sync's calls"
    streams = {m["record"]["stream"] for m in airbyte.of_type("RECORD")}
    assert len(streams) >= 5
    for stream in streams:
        expected = sorted(comparable(r) for r in airbyte.records(stream))
        assert sorted(comparable(r) for r in tap.records(stream)) == expected, stream
    assert SENTINEL not in json.dumps(tap.messages) + tap.stderr


def test_each_run_reads_only_what_changed_since_the_state_it_is_given(sage: SandboxServer) -> None:
    config = sage.app.connector_config(sage.url)
    first = run_tap("sage-hr", config)
    state = first.state()
    assert all("airbyte_state" in mark for mark in state["bookmarks"].values())
    assert run_tap("sage-hr", config, state=state).counts() == {}

    company = sage.app.company
    active = [e for e in company.employee_list() if e.status(company.as_of) == "active"]
    mutations = [
        {"op": "edit_employee", "key": active[0].key, "last_name": "Singer-Edited"},
        {"op": "delete_employee", "key": active[1].key},
    ]
    for mutation in mutations:
        requests.post(f"{sage.url}/__sandbox__/mutate", json=mutation, timeout=10).raise_for_status()
    airbyte_state = [
        {
            "type": "STREAM",
            "stream": {"stream_descriptor": {"name": name}, "stream_state": mark["airbyte_state"]},
        }
        for name, mark in state["bookmarks"].items()
    ]
    expected = (
        ConnectorRunner([source_script("sage-hr")]).read(config, state=airbyte_state).raise_on_failure()
    )
    third = run_tap("sage-hr", config, state=state)
    assert third.returncode == 0, third.stderr[-3000:]
    assert sorted(comparable(r) for r in third.records()) == sorted(comparable(r) for r in expected.records())
    employees = {r["last_name"] if not r["is_deleted"] else "deleted" for r in third.records("employees")}
    assert employees >= {"Singer-Edited", "deleted"}


def test_selection_and_full_table_reach_the_airbyte_read(sage: SandboxServer) -> None:
    config = sage.app.connector_config(sage.url)
    first = run_tap("sage-hr", config)
    catalog = json.loads(
        subprocess.run(
            [tap_script("sage-hr"), "--discover", "--config", "/dev/stdin"],
            input=json.dumps(config),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    for entry in catalog["streams"]:
        chosen = entry["tap_stream_id"] in ("employees", "departments")
        for item in entry["metadata"]:
            if item["breadcrumb"] == []:
                item["metadata"]["selected"] = chosen
            elif entry["tap_stream_id"] == "employees":
                item["metadata"]["selected"] = item["breadcrumb"][-1] == "last_name"
        if entry["tap_stream_id"] == "departments":
            entry["replication_method"] = "FULL_TABLE"
    sage.log.clear()
    run = run_tap("sage-hr", config, catalog=catalog, state=first.state())
    assert run.returncode == 0, run.stderr[-3000:]
    assert set(run.counts()) == {"departments"}, "employees unchanged: nothing; departments in full"
    assert run.counts()["departments"] == first.counts()["departments"]
    assert not [
        route for route in sage.log.as_json()["by_route"] if "leave" in route or "compensation" in route
    ]

    sage.app.company.edit_employee(sage.app.company.employee_list()[0].key, last_name="Selected")
    run = run_tap("sage-hr", config, catalog=catalog, state=first.state())
    assert [sorted(r) for r in run.records("employees")] == [["id", "last_name", "modified_at"]]


def test_unset_null_and_sdk_settings_never_reach_the_connector(sage: SandboxServer) -> None:
    config = {
        **sage.app.connector_config(sage.url),
        "future_horizon_days": None,  # what an unset setting could look like
        "policy_categories": None,
        "flattening_enabled": False,  # a setting of the Singer SDK, not of the connector
        "request_timeout_seconds": "30.5",  # a number setting, as text: its Meltano kind is string
    }
    assert (
        ConnectorRunner([source_script("sage-hr")]).run("check", config).connection_status()["status"]
        == "FAILED"
    )
    run = run_tap("sage-hr", config)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.counts()["employees"] >= 12


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"api_key": None}, "Invalid 'api_key': enter the API key from Sage HR"),
        ({"api_key": 987654321987654321}, "Invalid 'api_key': enter the API key from Sage HR"),
        ({"subdomain": "acme.example.com"}, "Invalid 'subdomain'"),
        ({"request_timeout_seconds": "soon"}, "Invalid 'request_timeout_seconds'"),
    ],
)
def test_a_bad_setting_fails_with_the_connectors_message(
    sage: SandboxServer, change: dict[str, Any], message: str
) -> None:
    config = {**sage.app.connector_config(sage.url), **change}
    for args in ([], ["--discover"]):
        run = run_tap("sage-hr", config, *args)
        assert run.returncode == 1
        assert message in run.stderr
        assert "Traceback" not in run.stderr
        assert "987654321987654321" not in run.stderr and SENTINEL not in run.stderr


def test_a_refused_key_fails_the_run_without_showing_the_key() -> None:
    with serve("sage-hr", api_key="the-key-the-sandbox-accepts") as server:
        config = {**server.app.connector_config(server.url), "api_key": SENTINEL}
        run = run_tap("sage-hr", config)
    assert run.returncode == 1
    assert run.records() == []
    assert SENTINEL not in run.stderr and SENTINEL not in json.dumps(run.messages)


def test_an_interrupted_read_keeps_nothing_and_the_next_stream_is_read_whole(sage: SandboxServer) -> None:
    config = sage.app.connector_config(sage.url)
    airbyte = ConnectorRunner([source_script("sage-hr")])
    catalog = ConfiguredAirbyteCatalogSerializer.load(
        configured_catalog(airbyte.discover(config), incremental=True)
    )
    expected = airbyte.read(config, streams=["employees", "departments"]).raise_on_failure().record_counts()
    read = SharedRead(SourceSageHR, config, catalog.streams, {}, logging.getLogger("airbyte"))
    employees = read.records("employees")
    next(employees)
    employees.close()  # as the Singer SDK's --test does after one record
    assert read.state("employees") is None
    departments = list(read.records("departments"))
    assert len(departments) == expected["departments"] and read.state("departments")
    assert len(list(read.records("employees"))) == expected["employees"], (
        "replayed from the second read's spool"
    )
    read.close()


def test_the_singer_extra_leaves_the_cdk_the_backoff_it_is_built_for() -> None:
    """singer-sdk's python-backoff and the CDK's backoff install the same module: it must be the CDK's."""
    assert backoff.__version__ == importlib.metadata.version("backoff")


def test_without_the_singer_extra_the_tap_says_what_to_install() -> None:
    code = "import sys; sys.modules['singer_sdk'] = None; from source_sage_hr.run import tap; tap()"
    proc = subprocess.run([sys.executable, "-c", code, "--about"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "pip install 'unified-hris-source-sage-hr[singer]'" in proc.stderr
