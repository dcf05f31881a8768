"""Per-response latency and the providers' rate limits, as the bench's realistic rows use them."""

from __future__ import annotations

import time
from datetime import date

import pytest
import requests
from conformance.runner import ConnectorRunner, configured_catalog
from hris_sandbox import Company, SandboxServer
from hris_sandbox.latency import Latency
from hris_sandbox.providers import create_app
from hris_sandbox.providers.peoplehr import API_KEY as PEOPLEHR_KEY
from hris_sandbox.providers.sage_hr import API_KEY as SAGE_KEY
from installed import source_script

AS_OF = date(2026, 3, 2)


def _company(employees: int = 5) -> Company:
    return Company.generate(employees, seed=3, as_of=AS_OF)


def test_latency_is_the_same_sequence_for_a_seed_and_within_its_bounds():
    first, again, other = (
        Latency(0.15, 0.05, seed=7),
        Latency(0.15, 0.05, seed=7),
        Latency(0.15, 0.05, seed=8),
    )
    delays = [first.next_delay() for _ in range(50)]
    assert delays == [again.next_delay() for _ in range(50)]
    assert delays != [other.next_delay() for _ in range(50)]
    assert all(0.15 <= d < 0.20 for d in delays) and len(set(delays)) > 40


def test_every_response_waits_its_latency():
    app = create_app("sage-hr", _company(), latency_ms="120", jitter_ms="40", latency_seed="5")
    expected = Latency(0.12, 0.04, seed=5)
    with SandboxServer(app) as server:
        for _ in range(3):
            delay = expected.next_delay()
            started = time.monotonic()
            assert _sage(server).status_code == 200
            elapsed = time.monotonic() - started
            assert delay <= elapsed < delay + 0.1
    with SandboxServer(create_app("sage-hr", _company())) as server:
        started = time.monotonic()
        _sage(server)
        assert time.monotonic() - started < 0.1, "no latency unless asked for"


def _sage(server: SandboxServer) -> requests.Response:
    return requests.get(f"{server.url}/api/teams", headers={"X-Auth-Token": SAGE_KEY}, timeout=5)


def _sesame(server: SandboxServer) -> requests.Response:
    token = server.app.credentials()["api_token"]
    return requests.get(f"{server.url}/core/v3/info", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def _peoplehr(server: SandboxServer) -> requests.Response:
    body = {"APIKey": PEOPLEHR_KEY, "Action": "GetCompanyInformation"}
    return requests.post(f"{server.url}/Employee", json=body, timeout=5)


@pytest.mark.parametrize(
    ("provider", "call", "options"),
    [
        ("sage-hr", _sage, {"rate_limit": "4", "rate_window": "30"}),
        ("sesame-hr", _sesame, {"rate_limit": "4", "rate_window": "30"}),
        ("peoplehr", _peoplehr, {"rate_limit": "4", "rate_limit_window": "30", "retry_after": "true"}),
    ],
)
def test_the_limit_answers_429_with_the_providers_headers_after_n_calls_in_a_window(provider, call, options):
    with SandboxServer(create_app(provider, _company(), **options)) as server:
        answers = [call(server) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 4 + [429] * 2
    for refused in answers[4:]:
        assert 1 <= int(refused.headers["Retry-After"]) <= 30
    if provider == "peoplehr":
        assert answers[4].json()["Status"] == 6 and answers[4].json()["isError"] is True
    if provider == "sage-hr":
        assert answers[4].json()["error_code"] == "too_many_requests"


def test_a_window_frees_its_calls_once_it_has_passed():
    with SandboxServer(create_app("sage-hr", _company(), rate_limit="2", rate_window="1")) as server:
        assert [_sage(server).status_code for _ in range(3)] == [200, 200, 429]
        time.sleep(1.05)
        assert _sage(server).status_code == 200


@pytest.mark.slow
def test_a_sync_above_the_sandbox_limit_retries_its_429s_and_loses_nothing():
    """The connector's budget set far above the sandbox's limit: the 429s are the only brake."""
    runner = ConnectorRunner([source_script("sage-hr")])
    counts = {}
    for options in ({}, {"rate_limit": "8", "rate_window": "2", "latency_ms": "20", "jitter_ms": "10"}):
        with SandboxServer(
            create_app("sage-hr", Company.generate(12, seed=2, as_of=AS_OF), **options)
        ) as server:
            config = {**server.app.connector_config(server.url), "requests_per_minute": 100_000}
            catalog = configured_catalog(runner.discover(config), incremental=False, streams=["employees"])
            server.log.clear()
            counts[bool(options)] = runner.run("read", config, catalog).raise_on_failure().record_counts()
            entries = server.log.snapshot()
        if options:
            assert any(e.status == 429 for e in entries), "the sandbox never refused: the test proves nothing"
            served = sorted(e.at for e in entries if e.status != 429)
            assert all(b - a >= 2.0 - 0.05 for a, b in zip(served, served[8:], strict=False))
    assert counts[True] == counts[False] and counts[False]["employees"] > 0
