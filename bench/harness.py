"""Benchmark machinery: a sandbox in its own process, a measured connector process, and the floor.

- `SandboxProcess` runs ``hris-sandbox serve`` in a separate process (so it never shares a GIL with
  what is measured) and talks to it through its control endpoints.
- `run_connector` runs one ``read`` as a whole process and measures wall time, CPU time and peak RSS
  of exactly that process (``os.wait4``), the records per stream, the final state's size and the API
  calls per route from the sandbox's request log.
- `replay_floor` is the floor: a plain loop that sends exactly the requests the connector sent, with
  the same HTTP client (a ``requests.Session``), and does nothing with the responses. It also times,
  apart, parsing each body with ``orjson`` (what any client that reads the records must pay).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
import requests

BIN = Path(sys.executable).parent


class SandboxProcess:
    def __init__(
        self, provider: str, employees: int, options: Mapping[str, str] | None = None, seed: int = 1
    ) -> None:
        args = [
            str(BIN / "hris-sandbox"),
            "serve",
            provider,
            "--employees",
            str(employees),
            "--seed",
            str(seed),
        ]
        for name, value in (options or {}).items():
            args += ["--option", f"{name}={value}"]
        started = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"sandbox {provider} did not start")
        info = json.loads(line)
        self.generation_seconds = time.monotonic() - started
        self.url: str = info["url"]
        self.credentials: dict[str, Any] = info["credentials"]
        self.counts: dict[str, int] = info["counts"]
        self.connector_config: dict[str, Any] | None = info["connector_config"]
        self.session = requests.Session()

    def control(self, method: str, action: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.url}/__sandbox__/{action}", timeout=600, **kwargs)
        response.raise_for_status()
        return response.json()

    def log(self, entries: bool = False) -> dict[str, Any]:
        return self.control("GET", "log", params={"entries": 1} if entries else None)

    def clear_log(self) -> None:
        self.control("DELETE", "log")

    def info(self) -> dict[str, Any]:
        return self.control("GET", "info")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Measurement:
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    records: dict[str, int]
    state_bytes: int
    calls: dict[str, int]
    exit_code: int
    error: str | None = None
    state: list[dict[str, Any]] = field(default_factory=list, repr=False)
    #: when the process was started (``time.time()``, the clock of the sandbox's request log)
    started_at: float = 0.0

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("state")
        data.pop("started_at")
        data["total_records"] = self.total_records
        data["total_calls"] = self.total_calls
        data["records_per_second"] = (
            round(self.total_records / self.wall_seconds, 1) if self.wall_seconds else None
        )
        return data


#: Runs one command and writes its own exit status, wall time, CPU time and peak RSS to a file. A child
#: started by this (large) process would inherit its peak RSS: Linux carries the parent's high-water
#: mark into the child's ``ru_maxrss`` when the child execs from the parent's memory (vfork, or a
#: copy by fork). This small launcher forks the measured process from about 10 MB instead.
_LAUNCHER = """
import os, sys, time
report, command = sys.argv[1], sys.argv[2:]
started = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.monotonic() - started
with open(report, "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
"""


def run_process(
    args: Sequence[str], stdout_path: Path, stderr_path: Path | None = None
) -> tuple[int, float, float, float]:
    """Run a process to completion: (exit code, wall s, CPU s, peak RSS MB) of that process alone."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        report = Path(tmp) / "usage"
        with open(stdout_path, "wb") as out, open(stderr_path or os.devnull, "wb") as err:
            subprocess.run(
                [sys.executable, "-S", "-c", _LAUNCHER, str(report), *args], stdout=out, stderr=err
            )
        code, wall, cpu, rss = report.read_text().split()
    return int(code), float(wall), float(cpu), int(rss) / 1024


def run_connector(
    command: Sequence[str],
    verb: str,
    sandbox: SandboxProcess | None = None,
    config: Mapping[str, Any] | None = None,
    catalog: Mapping[str, Any] | None = None,
    state: Sequence[Mapping[str, Any]] | None = None,
) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        args = [*command, verb]
        for flag, payload in (("--config", config), ("--catalog", catalog), ("--state", state)):
            if payload is not None:
                path = Path(tmp) / f"{flag[2:]}.json"
                path.write_text(json.dumps(payload))
                args += [flag, str(path)]
        if sandbox:
            sandbox.clear_log()
        out, err = Path(tmp) / "stdout.jsonl", Path(tmp) / "stderr.txt"
        started_at = time.time()
        code, wall, cpu, rss = run_process(args, out, err)
        records: Counter[str] = Counter()
        last_state: dict[str, dict[str, Any]] = {}
        error = None
        with open(out, "rb") as lines:
            for line in lines:
                if line.startswith(b'{"type":"RECORD"'):
                    records[json.loads(line)["record"]["stream"]] += 1
                elif line.startswith(b'{"type":"STATE"'):
                    message = json.loads(line)["state"]
                    last_state[message["stream"]["stream_descriptor"]["name"]] = {
                        "type": "STREAM",
                        "stream": message["stream"],
                    }
                elif line.startswith(b'{"type":"TRACE"') and b'"ERROR"' in line:
                    error = json.loads(line)["trace"]["error"]["message"]
        if code != 0 and error is None:
            error = f"exit code {code}: " + err.read_text(errors="replace")[-2000:]
        calls = sandbox.log()["by_route"] if sandbox else {}
    states = list(last_state.values())
    return Measurement(
        wall, cpu, rss, dict(records), len(json.dumps(states)), calls, code, error, states, started_at
    )


@dataclass
class Floor:
    wall_seconds: float
    cpu_seconds: float
    calls: int
    #: CPU seconds spent parsing the bodies (``orjson``), not part of the two figures above.
    parse_cpu_seconds: float


def replay_floor(sandbox: SandboxProcess, headers: Mapping[str, str]) -> Floor:
    """Send again exactly the requests of the sandbox's current log, with a plain `requests.Session`."""
    entries = sandbox.log(entries=True)["entries"]
    session = requests.Session()
    session.headers.update(headers)
    sandbox.clear_log()
    parse = 0.0
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    for entry in entries:
        url = f"{sandbox.url}{entry['path']}" + (f"?{entry['query']}" if entry["query"] else "")
        body = entry["body"].encode() if entry["body"] else None
        content = session.request(entry["method"], url, data=body, timeout=600).content
        before = time.process_time()
        with contextlib.suppress(orjson.JSONDecodeError):
            orjson.loads(content)
        parse += time.process_time() - before
    wall = time.monotonic() - started - parse
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime) - parse
    return Floor(wall, cpu, len(entries), parse)
