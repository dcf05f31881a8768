"""The key never leaks, in any form, and no personal data stays on disk.

A key pasted with surrounding whitespace and characters that need escaping (quote, backslash, slash,
plus, equals, percent, ampersand, a non-ASCII letter) is stripped before use, and none of its forms
(as typed, stripped, JSON-escaped, ``repr``, URL-encoded) appears in anything the connector writes:
messages, logs, traces, debug dumps (``--debug`` and ``LOG_LEVEL=debug``), the provider's error text
echoing the key, PeopleHR's logged request body. A killed sync's temporary list cache (names of
employees) is removed by the next sync on the machine."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from conformance.runner import ConnectorRunner, RunResult, configured_catalog
from hris_sandbox import Company, Fault, SandboxServer
from hris_sandbox.providers import create_app

from .conftest import AS_OF, CONNECTORS, PEOPLEHR, SAGE, SESAME, Connector

pytestmark = pytest.mark.slow

ODD_KEY = '  SENTINEL-k3y/5e+3c=1b"7a\\9d%2f&4e\u00e968\t '
CORE = "SENTINEL-k3y"  # plain characters every form of the key keeps: it must never appear


def forms(key: str) -> set[str]:
    out = set()
    for text in (key, key.strip()):
        out |= {
            text,
            json.dumps(text)[1:-1],
            json.dumps(text, ensure_ascii=False)[1:-1],
            repr(text)[1:-1],
            repr(text.encode())[2:-1],
            quote(text, safe=""),
            quote_plus(text),
        }
    return out


def assert_masked(result: RunResult) -> None:
    written = result.stdout + result.stderr
    leaked = [form for form in forms(ODD_KEY) if form in written]
    assert not leaked and CORE not in written, f"the key leaked as {leaked or CORE!r}"


class OddKey:
    """A connector, its sandbox accepting the stripped odd key, and a config holding it as typed."""

    def __init__(self, connector: Connector, tmp_path: Path) -> None:
        company = Company.generate(connector.employees, seed=3, as_of=AS_OF)
        options = {"rate_limit": 0} if connector is PEOPLEHR else {}
        app = create_app(connector.name, company, **{connector.key_option: ODD_KEY.strip(), **options})
        self.connector = connector
        self.sandbox = SandboxServer(app).start()
        self.config = {**app.connector_config(self.sandbox.url), **connector.config}
        self.config[connector.key_field] = ODD_KEY
        self.tmp = tmp_path

    def run(self, verb: str, *args: str, variables: dict[str, str] | None = None, **kwargs: Any) -> RunResult:
        runner = ConnectorRunner(self.connector.command, env={"TMPDIR": str(self.tmp), **(variables or {})})
        result = runner.run(verb, self.config, extra_args=args, **kwargs)
        assert_masked(result)
        return result

    def catalog(self) -> dict[str, Any]:
        discovered = self.run("discover").raise_on_failure().catalog()
        return configured_catalog(discovered, incremental=True, streams=[self.connector.stream])


@pytest.fixture(params=CONNECTORS, ids=str)
def odd(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    setup = OddKey(request.param, tmp_path)
    try:
        yield setup
    finally:
        setup.sandbox.stop()


def echoing(connector: Connector) -> list[Fault]:
    """Error answers that quote the key back (as the provider's error text might) in several forms."""
    key = ODD_KEY.strip()
    said = f"bad key {key} ({json.dumps(key)}, {quote(key)})"
    if connector is PEOPLEHR:  # an error the connector reports as its own bug: it logs the request body
        return [
            Fault(
                "body",
                path=PEOPLEHR.list_path,
                times=-1,
                body={"isError": True, "Status": 3, "Message": said, "Result": None},
            )
        ]
    body = {"error_code": "unauthorized", "errors": [said]} if connector is SAGE else {"error": said}
    return [Fault("status", path=".*", status=401, times=-1, body=body)]


def test_an_odd_key_is_stripped_used_and_never_written(odd: OddKey) -> None:
    assert odd.run("check").connection_status()["status"] == "SUCCEEDED"
    catalog = odd.catalog()
    assert odd.run("read", catalog=catalog).raise_on_failure().records()
    assert odd.run("read", "--debug", catalog=catalog).raise_on_failure().records()
    assert odd.run("read", catalog=catalog, variables={"LOG_LEVEL": "debug"}).raise_on_failure().records()


def test_an_error_text_that_echoes_the_key_is_masked(odd: OddKey) -> None:
    catalog = odd.catalog()
    for fault in echoing(odd.connector):
        odd.sandbox.faults.add(fault)
    status = odd.run("check").connection_status()
    assert status["status"] == "FAILED" and status.get("message")
    for args in ((), ("--debug",)):
        failed = odd.run("read", *args, catalog=catalog)
        assert failed.returncode != 0 and failed.errors()


def list_cache_folders(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("unified-hris-lists-*"))


@pytest.mark.parametrize("connector", [SAGE, SESAME], ids=str)
def test_a_killed_syncs_list_cache_is_removed_by_the_next_sync(connector: Connector, tmp_path: Path) -> None:
    setup = OddKey(connector, tmp_path)
    try:
        catalog = setup.catalog()
        runner = ConnectorRunner(connector.command, env={"TMPDIR": str(tmp_path)})
        (tmp_path / "run").mkdir()
        for name, payload in (("config", setup.config), ("catalog", catalog)):
            (tmp_path / "run" / f"{name}.json").write_text(json.dumps(payload))
        setup.sandbox.faults.add(Fault("slow", path=connector.list_path, after=1, delay=30))
        killed = subprocess.Popen(
            [
                *runner.invocation(
                    "read",
                    tmp_path,
                    {f"--{n}": tmp_path / "run" / f"{n}.json" for n in ("config", "catalog")},
                )
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=runner.env,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and killed.poll() is None:
                if any(e.fault == "slow" for e in setup.sandbox.log.snapshot()):  # held mid-listing
                    break
                time.sleep(0.05)
            left = list_cache_folders(tmp_path)
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait()
        assert [p for p in left if re.search(rf"-{killed.pid}-", p.name)], "no list cache was written"
        setup.sandbox.faults.clear()
        setup.run("read", catalog=catalog).raise_on_failure()
        assert list_cache_folders(tmp_path) == [], "the killed sync's list cache is still on disk"
        files = [p for p in tmp_path.rglob("*") if p.is_file() and "run" not in p.parts]
        assert files == [], f"files left in the temporary directory: {files}"
    finally:
        setup.sandbox.stop()
