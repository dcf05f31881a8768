"""Kill a connector mid-read after a few checkpoints, rerun it with the last state it emitted: the union of
both runs holds every record, and the second run does not emit again what the state already holds.
Checkpoints are made after every slice here (``UNIFIED_HRIS_CHECKPOINT_SECONDS=0``; 60 s by default)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conformance.runner import ConnectorRunner, configured_catalog
from unified_hris_cdk.state_codec import fingerprints

from .conftest import SENTINEL, Env

pytestmark = pytest.mark.slow

CHECKPOINTS = {"UNIFIED_HRIS_CHECKPOINT_SECONDS": "0"}
KILL_AFTER = 4  # state messages


def read_until_killed(env: Env, catalog: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Messages of a read killed (SIGKILL) right after its `KILL_AFTER`-th state message, and its exit code."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: Path(tmp) / f"{name}.json" for name in ("config", "catalog")}
        paths["config"].write_text(json.dumps(env.config))
        paths["catalog"].write_text(json.dumps(catalog))
        args = [
            *env.connector.command,
            "read",
            "--config",
            str(paths["config"]),
            "--catalog",
            str(paths["catalog"]),
        ]
        proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, **CHECKPOINTS},
        )
        messages, states = [], 0
        assert proc.stdout is not None
        for line in proc.stdout:
            assert SENTINEL not in line
            message = json.loads(line)
            messages.append(message)
            if message["type"] == "STATE":
                states += 1
                if states == KILL_AFTER:
                    proc.send_signal(signal.SIGKILL)
                    break
        proc.stdout.close()
        return messages, proc.wait()


def test_a_killed_sync_resumes_from_its_last_state(clean: Env) -> None:
    runner = ConnectorRunner(clean.connector.command, env=CHECKPOINTS, timeout=300)
    catalog = configured_catalog(clean.catalog, incremental=True)
    full = runner.run("read", clean.config, catalog).raise_on_failure()
    everything = {stream: {r["id"] for r in full.records(stream)} for stream in full.record_counts()}

    messages, code = read_until_killed(clean, catalog)
    assert code == -signal.SIGKILL, "the first run ended before it could be killed; nothing was tested"
    first: dict[str, set[str]] = {}
    last_state: dict[str, dict[str, Any]] = {}
    for m in messages:
        if m["type"] == "RECORD":
            first.setdefault(m["record"]["stream"], set()).add(m["record"]["data"]["id"])
        elif m["type"] == "STATE":
            last_state[m["state"]["stream"]["stream_descriptor"]["name"]] = m["state"]
    assert last_state

    second = runner.run("read", clean.config, catalog, state=list(last_state.values())).raise_on_failure()
    checkpointed = 0
    for stream, ids in everything.items():
        again = {r["id"] for r in second.records(stream)}
        assert ids <= first.get(stream, set()) | again, f"{stream}: records lost across the restart"
        stream_state = last_state.get(stream, {}).get("stream", {}).get("stream_state", {})
        prefix = (stream_state.get("change_detection") or {}).get("prefix", "")
        held = {prefix + rid for scope in fingerprints(stream_state).values() for rid in scope}
        assert not (held & again), f"{stream}: the second run emitted again records its state already held"
        checkpointed += len(held & ids)
    assert checkpointed, "no stream had checkpointed records: the second run started over"
    assert sum(second.record_counts().values()) < sum(full.record_counts().values())
