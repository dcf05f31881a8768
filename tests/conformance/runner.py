"""Run a connector through its real entrypoint (a subprocess speaking the Airbyte protocol)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class RunResult:
    verb: str
    returncode: int
    messages: list[dict[str, Any]]
    stdout: str
    stderr: str
    non_json_lines: list[str] = field(default_factory=list)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def records(self, stream: str | None = None) -> list[dict[str, Any]]:
        return [
            m["record"]["data"]
            for m in self.of_type("RECORD")
            if stream is None or m["record"]["stream"] == stream
        ]

    def record_counts(self) -> dict[str, int]:
        return dict(Counter(m["record"]["stream"] for m in self.of_type("RECORD")))

    def state_messages(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    def final_state(self) -> list[dict[str, Any]]:
        """The last state per stream, in the shape ``--state`` accepts."""
        last: dict[str, dict[str, Any]] = {}
        for state in self.state_messages():
            name = state["stream"]["stream_descriptor"]["name"]
            last[name] = {"type": "STREAM", "stream": state["stream"]}
        return list(last.values())

    def errors(self) -> list[dict[str, Any]]:
        return [m["trace"]["error"] for m in self.of_type("TRACE") if m["trace"].get("type") == "ERROR"]

    def logs(self, levels: Iterable[str] = ("ERROR", "WARN", "FATAL")) -> list[str]:
        wanted = set(levels)
        return [m["log"]["message"] for m in self.of_type("LOG") if m["log"]["level"] in wanted]

    def connection_status(self) -> dict[str, Any]:
        statuses = self.of_type("CONNECTION_STATUS")
        assert statuses, f"no CONNECTION_STATUS message; stderr: {self.stderr[-2000:]}"
        return statuses[-1]["connectionStatus"]

    def catalog(self) -> dict[str, Any]:
        catalogs = self.of_type("CATALOG")
        assert catalogs, f"no CATALOG message; errors: {self.errors()} stderr: {self.stderr[-2000:]}"
        return catalogs[-1]["catalog"]

    def spec(self) -> dict[str, Any]:
        specs = self.of_type("SPEC")
        assert specs, f"no SPEC message; stderr: {self.stderr[-2000:]}"
        return specs[-1]["spec"]

    def stream_statuses(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in self.of_type("TRACE"):
            if m["trace"].get("type") == "STREAM_STATUS":
                status = m["trace"]["stream_status"]
                out[status["stream_descriptor"]["name"]] = status["status"]
        return out

    def raise_on_failure(self) -> RunResult:
        if self.returncode != 0 or self.errors():
            messages = [e.get("message") for e in self.errors()]
            raise AssertionError(
                f"{self.verb} failed (exit {self.returncode}): {messages}; stderr tail: {self.stderr[-1500:]}"
            )
        return self


def configured_catalog(
    catalog: Mapping[str, Any], incremental: bool, streams: Sequence[str] | None = None
) -> dict[str, Any]:
    """A configured catalog selecting every stream (or `streams`) in incremental or full-refresh mode."""
    selected = []
    for stream in catalog["streams"]:
        if streams is not None and stream["name"] not in streams:
            continue
        mode = (
            "incremental"
            if incremental and "incremental" in stream["supported_sync_modes"]
            else "full_refresh"
        )
        selected.append(
            {
                "stream": stream,
                "sync_mode": mode,
                "destination_sync_mode": "append_dedup" if mode == "incremental" else "overwrite",
                "cursor_field": stream.get("default_cursor_field") or [],
                "primary_key": stream.get("source_defined_primary_key") or [],
            }
        )
    return {"streams": selected}


class ConnectorRunner:
    """Runs ``<command> spec|check|discover|read`` with temporary config/catalog/state files."""

    def __init__(
        self, command: Sequence[str], env: Mapping[str, str] | None = None, timeout: float = 900
    ) -> None:
        self.command = list(command)
        self.env = {**os.environ, **(env or {})}
        self.timeout = timeout

    def run(
        self,
        verb: str,
        config: Mapping[str, Any] | None = None,
        catalog: Mapping[str, Any] | None = None,
        state: Sequence[Mapping[str, Any]] | None = None,
        extra_args: Sequence[str] = (),
        raw: Mapping[str, bytes | None] | None = None,
    ) -> RunResult:
        """One command; `raw` gives files by flag (``--state``) as bytes written as they are, None for
        a file that does not exist (for the tests of unreadable files)."""
        with tempfile.TemporaryDirectory(prefix="connector-run-") as tmp:
            os.chmod(tmp, 0o755)  # readable by a container's non-root user too
            files: dict[str, Path] = {}
            contents = {
                flag: None if payload is None else json.dumps(payload).encode()
                for flag, payload in (("--config", config), ("--catalog", catalog), ("--state", state))
            }
            for flag, content in {
                **{f: c for f, c in contents.items() if c is not None},
                **(raw or {}),
            }.items():
                path = Path(tmp) / f"{flag[2:]}.json"
                if content is not None:
                    path.write_bytes(content)
                    path.chmod(0o644)
                files[flag] = path
            proc = subprocess.run(
                [*self.invocation(verb, Path(tmp), files), *extra_args],
                capture_output=True,
                text=True,
                env=self.env,
                timeout=self.timeout,
                cwd=tmp,
            )
        messages, junk = [], []
        for line in proc.stdout.splitlines():
            if not line.strip():
                continue
            try:
                messages.append(json.loads(line))
            except json.JSONDecodeError:
                junk.append(line)
        return RunResult(verb, proc.returncode, messages, proc.stdout, proc.stderr, junk)

    def invocation(self, verb: str, workdir: Path, files: Mapping[str, Path]) -> list[str]:
        """The command line of one run; `files` maps ``--config``/``--catalog``/``--state`` to their files."""
        return [*self.command, verb, *(part for flag, path in files.items() for part in (flag, str(path)))]

    def discover(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return self.run("discover", config).raise_on_failure().catalog()

    def read(
        self,
        config: Mapping[str, Any],
        incremental: bool = True,
        state: Sequence[Mapping[str, Any]] | None = None,
        streams: Sequence[str] | None = None,
        catalog: Mapping[str, Any] | None = None,
    ) -> RunResult:
        catalog = catalog or configured_catalog(self.discover(config), incremental, streams)
        return self.run("read", config, catalog, state)
