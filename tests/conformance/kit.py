"""The conformance kit: what every connector of the suite must do, checked through its real entrypoint.

A connector plugs in by subclassing `ConformanceSuite` in a test module::

    class TestSageHRConformance(ConformanceSuite):
        command = [source_script("sage-hr")]
        provider = "sage-hr"
        streams = frozenset({"employees", "departments", "time_off_balances", ...})

        def connector_config(self, sandbox):
            return {"subdomain": "nordlys", "api_key": sandbox.app.api_key, "base_url": sandbox.url + "/api", ...}

        def remote_employee_id(self, employee):          # how the provider names an employee
            return str(employee.key)

The suite starts the provider's sandbox, then runs one *journey* of syncs (two full syncs, an
incremental sync, one with the resulting state, a change in the sandbox, and two more incremental
syncs) and asserts on it. The `check_*` functions hold the assertions, so the kit's own tests can
prove that each catches a broken connector.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar

import jsonschema
import pytest
from hris_sandbox import Company, SandboxServer
from sandboxes import create_app
from unified_hris.schemas import STREAMS, load_schema

from conformance.runner import ConnectorRunner, RunResult, configured_catalog

TRACEBACK = re.compile(r"Traceback \(most recent call last\)")


# -- checks ---------------------------------------------------------------------------------------
def check_discover_uses_shared_schemas(catalog: Mapping[str, Any]) -> None:
    assert catalog["streams"], "discover returned no streams"
    for stream in catalog["streams"]:
        name = stream["name"]
        assert name in STREAMS, f"stream {name!r} is not a unified stream ({', '.join(STREAMS)})"
        assert stream["json_schema"] == load_schema(name), (
            f"{name}: discover's schema differs from the shared schema"
        )
        assert stream.get("source_defined_primary_key") == [["id"]], f"{name}: primary key must be [id]"
        assert "incremental" in stream["supported_sync_modes"], f"{name}: incremental not supported"
        assert stream.get("default_cursor_field") == ["modified_at"], f"{name}: cursor must be modified_at"


def source_of(provider: str) -> str:
    """The ``source`` a provider's records carry (``sage-hr`` -> ``sage_hr``)."""
    return provider.replace("-", "_")


def _own_source_schema(stream: str, source: str) -> dict[str, Any]:
    """The strict shared schema, with ``source`` allowed only the connector's own name (a test-only
    connector's name is not in the product's enum)."""
    schema = load_schema(stream, strict=True)
    schema["properties"]["source"]["enum"] = [source]
    return schema


def check_records_valid(run: RunResult, source: str) -> None:
    """Every record validates against its shared schema, with the connector's own `source`; ids are
    unique within a stream."""
    run.raise_on_failure()
    validators = {name: jsonschema.Draft7Validator(_own_source_schema(name, source)) for name in STREAMS}
    seen: dict[str, Counter[str]] = {}
    for message in run.of_type("RECORD"):
        stream, data = message["record"]["stream"], message["record"]["data"]
        errors = sorted(validators[stream].iter_errors(data), key=lambda e: list(e.path))
        assert not errors, (
            f"{stream} record {data.get('id')} is invalid: {errors[0].message} at {list(errors[0].path)}"
        )
        seen.setdefault(stream, Counter())[data["id"]] += 1
    for stream, counts in seen.items():
        dupes = [i for i, n in counts.items() if n > 1]
        assert not dupes, f"{stream}: ids emitted more than once in one sync: {dupes[:5]}"


def check_every_stream_read(catalog: Mapping[str, Any], run: RunResult, offered: frozenset[str]) -> None:
    """Discover offers exactly the streams the connector declares, and a full sync of the sandbox
    company (which has data for every stream) reads records of each."""
    run.raise_on_failure()
    discovered = {stream["name"] for stream in catalog["streams"]}
    assert discovered == offered, (
        f"discover offers {sorted(discovered - offered)} beyond and lacks {sorted(offered - discovered)} "
        "of the connector's streams"
    )
    empty = sorted(offered - set(run.record_counts()))
    assert not empty, f"a full sync read no records of {empty}"


def check_ids_stable(first: RunResult, second: RunResult) -> None:
    """Two full syncs of unchanged data give the same ids and the same hashes."""
    for stream in set(first.record_counts()) | set(second.record_counts()):
        a = {r["id"]: r["record_hash"] for r in first.records(stream)}
        b = {r["id"]: r["record_hash"] for r in second.records(stream)}
        assert a.keys() == b.keys(), (
            f"{stream}: ids differ between two full syncs ({len(a.keys() - b.keys())} only in the first, "
            f"{len(b.keys() - a.keys())} only in the second)"
        )
        changed = [i for i in a if a[i] != b[i]]
        assert not changed, f"{stream}: record_hash differs between two full syncs for {changed[:3]}"


def check_state_json_roundtrip(run: RunResult) -> None:
    states = run.state_messages()
    assert states, "an incremental sync emitted no state"
    for state in states:
        assert json.loads(json.dumps(state)) == state
    for stream, count in Counter(s["stream"]["stream_descriptor"]["name"] for s in states).items():
        assert count >= 1, stream


def check_no_records(run: RunResult) -> None:
    run.raise_on_failure()
    counts = run.record_counts()
    assert not counts, f"an incremental sync over unchanged data emitted records: {counts}"


@dataclass
class ExpectedChange:
    stream: str
    remote_id: str
    deleted: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


def check_changes_exactly_once(
    run: RunResult, expected: Sequence[ExpectedChange], follow_up: RunResult
) -> None:
    """Each expected change is emitted once on the next sync, and never again after it."""
    run.raise_on_failure()
    for change in expected:
        hits = [r for r in run.records(change.stream) if r["remote_id"] == change.remote_id]
        assert len(hits) == 1, (
            f"{change.stream} {change.remote_id}: expected once after the change, got {len(hits)}; "
            f"emitted: {run.record_counts()}"
        )
        record = hits[0]
        assert record["is_deleted"] is change.deleted, (
            f"{change.stream} {change.remote_id}: is_deleted should be {change.deleted}"
        )
        assert (record.get("remote_deleted_at") is not None) is change.deleted
        for name, value in change.fields.items():
            assert record.get(name) == value, (
                f"{change.stream} {change.remote_id}: {name}={record.get(name)!r}, expected {value!r}"
            )
    check_no_records(follow_up)


def check_bad_credential(run: RunResult, pattern: str) -> None:
    status = run.connection_status()
    assert status["status"] == "FAILED", f"check passed with a wrong credential: {status}"
    message = status.get("message") or ""
    assert re.search(pattern, message), f"check's message does not say what to fix: {message!r}"
    assert not TRACEBACK.search(message), f"check's message carries a traceback: {message[:500]}"
    assert not TRACEBACK.search(run.stdout + run.stderr), "check printed a traceback"


# -- the suite ------------------------------------------------------------------------------------
@dataclass
class Journey:
    config: dict[str, Any]
    catalog: dict[str, Any]
    full_1: RunResult
    full_2: RunResult
    incremental_1: RunResult
    incremental_2: RunResult
    expected: list[ExpectedChange]
    after_change: RunResult
    after_change_again: RunResult


class ConformanceSuite:
    """Base class of a connector's conformance tests (see the module docstring)."""

    command: ClassVar[list[str]]
    provider: ClassVar[str]
    #: The unified streams the connector offers (discover must list exactly these; each is read).
    streams: ClassVar[frozenset[str]]
    employees: ClassVar[int] = 60
    seed: ClassVar[int] = 7
    #: What `check`'s failure message must mention for a wrong credential.
    bad_credential_pattern: ClassVar[str] = r"(?i)(api[ _-]?key|token|credential)"
    env: ClassVar[dict[str, str]] = {}

    # -- hooks a connector overrides --------------------------------------------------------
    def connector_config(self, sandbox: SandboxServer) -> dict[str, Any]:
        raise NotImplementedError

    def sandbox_options(self) -> dict[str, Any]:
        return {}

    def remote_employee_id(self, employee: Any) -> str:
        return str(employee.key)

    def remote_time_off_id(self, request: Any) -> str:
        return str(request.key)

    def bad_credential_config(self, config: dict[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
        secrets = [
            k for k, v in spec["connectionSpecification"]["properties"].items() if v.get("airbyte_secret")
        ]
        assert secrets, "the spec marks no field as airbyte_secret"
        return {**config, **{k: f"wrong-{config[k]}" for k in secrets if k in config}}

    def make_changes(self, company: Company) -> list[ExpectedChange]:
        """Edit one employee, delete another, add one time-off request; return what must arrive."""
        active = [e for e in company.employee_list() if e.status(company.as_of) == "active" and e.key > 5]
        edited, deleted, requester = active[0], active[1], active[2]
        company.edit_employee(edited.key, last_name="Conformance-Edited")
        company.delete_employee(deleted.key)
        request = company.add_time_off_request(
            requester.key, start=company.as_of + timedelta(days=12), status="pending"
        )
        return [
            ExpectedChange(
                "employees", self.remote_employee_id(edited), fields={"last_name": "Conformance-Edited"}
            ),
            ExpectedChange("employees", self.remote_employee_id(deleted), deleted=True),
            ExpectedChange(
                "time_off_requests", self.remote_time_off_id(request), fields={"status": "REQUESTED"}
            ),
        ]

    # -- fixtures -----------------------------------------------------------------------------
    @pytest.fixture(scope="class")
    def sandbox(self):  # type: ignore[no-untyped-def]
        company = Company.generate(employees=self.employees, seed=self.seed)
        with SandboxServer(create_app(self.provider, company, **self.sandbox_options())) as server:
            yield server

    @pytest.fixture(scope="class")
    def runner(self) -> ConnectorRunner:
        return ConnectorRunner(self.command, env=self.env)

    @pytest.fixture(scope="class")
    def journey(self, sandbox: SandboxServer, runner: ConnectorRunner) -> Journey:
        config = self.connector_config(sandbox)
        discovered = runner.discover(config)
        full = configured_catalog(discovered, incremental=False)
        incremental = configured_catalog(discovered, incremental=True)
        full_1 = runner.run("read", config, full)
        full_2 = runner.run("read", config, full)
        inc_1 = runner.run("read", config, incremental).raise_on_failure()
        inc_2 = runner.run("read", config, incremental, inc_1.final_state())
        expected = self.make_changes(sandbox.app.company)
        after = runner.run("read", config, incremental, inc_2.final_state())
        again = runner.run("read", config, incremental, after.final_state())
        return Journey(config, discovered, full_1, full_2, inc_1, inc_2, expected, after, again)

    # -- tests --------------------------------------------------------------------------------
    def test_spec(self, runner: ConnectorRunner) -> None:
        result = runner.run("spec")
        assert result.returncode == 0, result.stderr[-2000:]
        spec = result.spec()["connectionSpecification"]
        assert spec["type"] == "object" and spec["properties"]
        for name, prop in spec["properties"].items():
            assert prop.get("title") and prop.get("description"), (
                f"spec field {name!r} needs a title and a description"
            )

    def test_check_succeeds(self, sandbox: SandboxServer, runner: ConnectorRunner) -> None:
        status = runner.run("check", self.connector_config(sandbox)).connection_status()
        assert status["status"] == "SUCCEEDED", status

    def test_check_fails_clearly_on_bad_credential(
        self, sandbox: SandboxServer, runner: ConnectorRunner
    ) -> None:
        spec = runner.run("spec").spec()
        check_bad_credential(
            runner.run("check", self.bad_credential_config(self.connector_config(sandbox), spec)),
            self.bad_credential_pattern,
        )

    def test_discover_uses_shared_schemas(self, journey: Journey) -> None:
        check_discover_uses_shared_schemas(journey.catalog)

    def test_records_validate(self, journey: Journey) -> None:
        check_records_valid(journey.full_1, source_of(self.provider))
        check_records_valid(journey.incremental_1, source_of(self.provider))
        assert journey.full_1.record_counts().get("employees"), "no employees were read"

    def test_every_offered_stream_is_read(self, journey: Journey) -> None:
        check_every_stream_read(journey.catalog, journey.full_1, self.streams)

    def test_ids_stable_across_full_syncs(self, journey: Journey) -> None:
        check_ids_stable(journey.full_1, journey.full_2)

    def test_state_is_json(self, journey: Journey) -> None:
        check_state_json_roundtrip(journey.incremental_1)

    def test_unchanged_incremental_emits_nothing(self, journey: Journey) -> None:
        check_no_records(journey.incremental_2)

    def test_changes_arrive_exactly_once(self, journey: Journey) -> None:
        check_changes_exactly_once(journey.after_change, journey.expected, journey.after_change_again)
