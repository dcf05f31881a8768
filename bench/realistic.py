"""Sync time at each provider's real limit with 150 ms a call: modelled from counted calls, checked by
measured runs at a reduced scale.

Against the real APIs a sync waits on calls. With the connector's default settings (its own call budget
and concurrency) a sync of C calls takes

    T(C) = start-up + (⌈C / B⌉ − 1) × max(P, B × L / K) + (C − (⌈C / B⌉ − 1) × B) × L / K

where the budget lets B calls through every P seconds, K calls are in flight at once and each takes L
seconds: every batch of B calls waits for its window unless latency makes the batch itself longer.
The **call-bound limit** is what any client needs for the call minimum M at the provider's limit of
R calls per sliding W seconds, or at the connector's concurrency when latency binds first:

    limit = max((⌈M / R⌉ − 1) × W, M × L / K)

K in T(C) is the calls in flight at once that the check measured (at most the connector's workers).

C and M at 1,000 employees are the loopback bench's own rows (``<provider>-all``, ``peoplehr``,
``peoplehr-queries``: all streams); at 5,000 M comes from `minimum.py` and C is M times the
connector's calls ÷ minimum measured at 1,000. `check()` runs, at a reduced scale, a full and an
unchanged incremental sync against the sandbox enforcing the provider's limit and latency, so the
model is tested against measured wall time, and reads from the sandbox's log how long the calls sat
idle (the time between calls when none was in flight).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from harness import SandboxProcess, run_connector

LATENCY = 0.150
SIZES = (1000, 5000)


@dataclass(frozen=True)
class Provider:
    name: str
    #: the loopback rows whose calls the model scales (all streams)
    rows: tuple[str, ...]
    #: the provider's limit: `rate` calls per `window` seconds
    rate: int
    window: float
    #: the connector's defaults (its manifest): `budget` calls per `period` seconds, `concurrency` workers
    budget: int
    period: float
    concurrency: int
    sandbox_options: dict[str, str]
    #: reduced scale of the measured check: enough calls for a few budget windows
    check_employees: int
    #: what the limit is, for the table
    limit_source: str


PROVIDERS = {
    p.name: p
    for p in (
        Provider(
            "sage-hr", ("sage-hr-all",), 60, 60.0, 60, 60.0, 4,
            {"rate_limit": "60"}, 20, "none published; 60/min is the connector's default",
        ),
        Provider(
            "sesame-hr", ("sesame-hr-all",), 1000, 60.0, 150, 10.0, 5,
            {"rate_limit": "1000"}, 100, "1,000/min per company (documented)",
        ),
        Provider(
            "peoplehr", ("peoplehr", "peoplehr-queries"), 30, 60.0, 30, 61.0, 2,
            {"rate_limit": "30"}, 8, "30/min per IP (documented)",
        ),
    )
}  # fmt: skip


def modelled_seconds(
    provider: Provider,
    calls: int,
    startup: float = 0.0,
    latency: float = LATENCY,
    in_flight: float | None = None,
) -> float:
    """`in_flight`: the calls in flight at once as measured (the connector's concurrency if not given)."""
    per_call = latency / min(provider.concurrency, in_flight or provider.concurrency)
    batches = math.ceil(calls / provider.budget)
    last = calls - (batches - 1) * provider.budget
    return startup + (batches - 1) * max(provider.period, provider.budget * per_call) + last * per_call


def call_bound_limit(provider: Provider, minimum: int, latency: float = LATENCY) -> float:
    """The fewest seconds `minimum` calls need: at the provider's sliding window the last window's calls
    go at once, so (⌈M / R⌉ − 1) × W, unless the calls at the connector's concurrency take longer."""
    windows = (math.ceil(minimum / provider.rate) - 1) * provider.window
    return max(windows, minimum * latency / provider.concurrency)


def rows(
    results: dict[str, Any], minimum_at: Any, startup: dict[str, float], checks: dict[str, Any]
) -> list[dict[str, Any]]:
    """The modelled rows at `SIZES`; `minimum_at(row, size)` gives the call minimum of a loopback row's
    target at another size ({"full": n, "incremental": n}). The calls in flight at once are those
    the provider's check measured on its full sync (fewer than the connector's workers where its
    fan-outs are not spread over them)."""
    out = []
    for provider in PROVIDERS.values():
        for name in provider.rows:
            measured = next(
                (r for r in results["rows"] if r["target"] == name and r["employees"] == 1000), None
            )
            if measured is None:
                continue
            for size in SIZES:
                minima = minimum_at(measured, size) if size != 1000 else None
                for mode in ("full", "incremental"):
                    base_calls = measured[mode]["total_calls"]
                    base_minimum = (measured["call_minimum"][mode] or {}).get("total") or base_calls
                    minimum = base_minimum if minima is None else minima[mode]
                    calls = base_calls if minima is None else round(minimum * base_calls / base_minimum)
                    in_flight = checks.get(provider.name, {}).get("full", {}).get("calls_in_flight")
                    wall = modelled_seconds(
                        provider, calls, startup.get(provider.name, 0.0), in_flight=in_flight
                    )
                    limit = call_bound_limit(provider, minimum)
                    out.append(
                        {
                            "provider": provider.name,
                            "row": name,
                            "employees": size,
                            "mode": mode,
                            "calls": calls,
                            "calls_counted": minima is None,
                            "call_minimum": minimum,
                            "wall_seconds": round(wall, 1),
                            "limit_seconds": round(limit, 1),
                            "ratio": round(wall / limit, 2) if limit else None,
                            "calls_in_flight": in_flight,
                        }
                    )
    return out


def _idle(times: list[tuple[float, float]]) -> tuple[float, float]:
    """(seconds with no call in flight between the first call and the last answer, longest such gap)."""
    times = sorted(times)
    idle, longest, busy_until = 0.0, 0.0, times[0][1]
    for start, end in times[1:]:
        if start > busy_until:
            gap = start - busy_until
            idle += gap
            longest = max(longest, gap)
        busy_until = max(busy_until, end)
    return idle, longest


def _peak(times: list[float], seconds: float) -> int:
    times, best, lo = sorted(times), 0, 0
    for hi, moment in enumerate(times):
        while moment - times[lo] >= seconds:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def _measure(provider: Provider, command: list[str], catalog_for: Any, startup: float) -> dict[str, Any]:
    options = {**provider.sandbox_options, "latency_ms": str(int(LATENCY * 1000))}
    result: dict[str, Any] = {"employees": provider.check_employees, "limit": provider.limit_source}
    state = None
    config: dict[str, Any] = {}
    for mode in ("full", "incremental"):
        # a fresh sandbox (same tenant) for each sync, as for a sync an hour later: in the same sandbox
        # the first sync's last window of calls would still count against the second
        with SandboxProcess(provider.name, provider.check_employees, options) as sandbox:
            # the connector's defaults: its own budget and concurrency, as a user runs it
            config = {
                k: v
                for k, v in (sandbox.connector_config or {}).items()
                if k not in ("requests_per_minute", "num_workers")
            }
            catalog = catalog_for(config)
            measured = run_connector(command, "read", sandbox, config, catalog, state)
            entries = sandbox.log(entries=True)["entries"]
        if measured.exit_code != 0:
            raise RuntimeError(f"{provider.name} at its limit, {mode}: {measured.error}")
        state = measured.state
        spans = [(e["at"], e["at"] + LATENCY) for e in entries]
        idle, longest = _idle(spans)
        busy = (max(e for _, e in spans) - min(s for s, _ in spans) - idle) if spans else 0.0
        refused = sum(1 for e in entries if e["status"] == 429)
        calls = measured.total_calls - refused
        in_flight = round(len(spans) * LATENCY / busy, 2) if busy else None
        result[mode] = {
            "calls": calls,
            "refused_429": refused,
            "records": measured.total_records,
            "measured_seconds": round(measured.wall_seconds, 1),
            "modelled_seconds": round(modelled_seconds(provider, calls, startup, in_flight=in_flight), 1),
            "limit_seconds": round(call_bound_limit(provider, calls), 1),
            "first_call_after_seconds": round(entries[0]["at"] - measured.started_at, 1) if entries else None,
            "idle_seconds": round(idle, 1),
            # the calls in flight at once while any is: latency x calls / time with a call in flight
            "calls_in_flight": in_flight,
            "longest_idle_seconds": round(longest, 1),
            f"peak_calls_in_{int(provider.window)}s": _peak([e["at"] for e in entries], provider.window),
        }
    return result


def check(commands: dict[str, list[str]], catalog_for: Any, startup: dict[str, float]) -> dict[str, Any]:
    """The measured checks of every provider in `commands`, at the same time (they wait, they do not
    compute: running them together costs the longest, not the sum)."""
    with ThreadPoolExecutor(len(commands) or 1) as pool:
        futures = {
            name: pool.submit(
                _measure,
                PROVIDERS[name],
                command,
                lambda config, n=name: catalog_for(n, config),
                startup.get(name, 0.0),
            )
            for name, command in commands.items()
        }
        out: dict[str, Any] = {}
        for name, future in futures.items():
            try:
                out[name] = future.result()
            except RuntimeError as failure:
                out[name] = {"failed": str(failure)}
    return out
