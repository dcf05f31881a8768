"""Bounded failures: a server that trickles a byte at a time meets the total request deadline, an API
that never comes back ends the sync when the sync's retry budget is spent (all streams together), and a
client error is not retried. Each with its time measured."""

from __future__ import annotations

import time

import pytest
from hris_sandbox import Fault

from .conftest import Env

pytestmark = pytest.mark.slow

FAST = {"request_timeout_seconds": 2}
BUDGET = {"UNIFIED_HRIS_RETRY_BUDGET_SECONDS": "8"}


def timed_read(env: Env, *streams: str, **kwargs):
    started = time.monotonic()
    result = env.read(*streams, **kwargs)
    return result, time.monotonic() - started


def test_a_trickling_answer_meets_the_deadline_and_is_retried(clean: Env) -> None:
    clean.sandbox.faults.add(Fault("trickle", path=clean.connector.list_path, delay=0.5))
    result, seconds = timed_read(clean, config={**clean.config, **FAST})
    assert result.returncode == 0 and not result.errors(), [e["message"] for e in result.errors()]
    assert (
        sorted((r["id"], r["record_hash"]) for r in result.records(clean.connector.stream)) == clean.baseline
    )
    assert seconds < 60, f"{seconds:.0f} s"


def test_a_server_that_always_trickles_fails_the_sync_in_bounded_time(clean: Env) -> None:
    clean.sandbox.faults.add(Fault("trickle", path=clean.connector.list_path, delay=0.5, times=-1))
    result, seconds = timed_read(clean, config={**clean.config, **FAST}, variables=BUDGET)
    messages = " ".join(e["message"] for e in result.errors())
    assert result.returncode != 0 and "retry budget" in messages, messages[:300]
    assert seconds < 60, f"{seconds:.0f} s"


def test_an_api_that_never_comes_back_ends_every_stream_within_the_budget(clean: Env) -> None:
    streams = [s["name"] for s in clean.catalog["streams"]]
    clean.sandbox.faults.add(Fault("status", path=".*", status=503, times=-1))
    result, seconds = timed_read(clean, *streams, variables=BUDGET)
    assert result.returncode != 0
    assert any("retry budget" in e["message"] for e in result.errors())
    assert seconds < 90, f"{seconds:.0f} s for a sync whose retry budget is 8 s"


@pytest.mark.parametrize("status", [400, 409, 422, 431])
def test_a_client_error_is_not_retried(clean: Env, status: int) -> None:
    clean.sandbox.faults.add(
        Fault("status", path=clean.connector.list_path, status=status, retry_after="1", times=-1, body={})
    )
    result, _ = timed_read(clean)
    assert result.returncode != 0 and result.errors()
    listing = [e for e in clean.sandbox.log.snapshot() if e.fault]
    assert len(listing) == 1, f"HTTP {status} was sent {len(listing)} times"


def test_a_request_timeout_answer_is_retried(clean: Env) -> None:
    clean.sandbox.faults.add(Fault("status", path=clean.connector.list_path, status=408, body={}))
    result, _ = timed_read(clean)
    assert result.returncode == 0 and not result.errors()
    assert (
        sorted((r["id"], r["record_hash"]) for r in result.records(clean.connector.stream)) == clean.baseline
    )
