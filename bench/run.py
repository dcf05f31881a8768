"""`make bench`: speed, memory and API calls of every connector, against the floor and the call minimum.

For each target and tenant size: a full sync and an incremental sync with no changes, each a whole
``read`` process over loopback against a sandbox in its own process. A first full sync, unmeasured
but for its times, warms the sandbox (it renders each collection on first request and keeps it), so
the measured syncs and the floor meet the same warm server. Recorded: wall and CPU time,
records per second, peak RSS, calls per route, final state size; the floor (the same requests replayed
by a plain ``requests`` loop) and the call minimum of the API. Start-up (``spec``) is measured apart.
Then the rows at the providers' real limits with latency (`realistic.py`: modelled, checked by
measured runs at a reduced scale) and, given its manifest, the peer (`peer.py`).

Writes ``bench/results/latest.{json,md,png}`` and keeps the run before as ``previous.*``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import minimum
import peer
import peoplehr_model
import realistic
from harness import BIN, Measurement, SandboxProcess, replay_floor, run_connector, run_process
from hris_sandbox import Company
from hris_sandbox.providers import create_app
from targets import DEFAULT, TARGETS, Target

RESULTS = Path(__file__).resolve().parent / "results"
SEED, YEARS = 1, 3


def configured_catalog(catalog: dict[str, Any], streams: list[str] | None) -> dict[str, Any]:
    chosen = [s for s in catalog["streams"] if streams is None or s["name"] in streams]
    return {
        "streams": [
            {
                "stream": s,
                "sync_mode": "incremental",
                "destination_sync_mode": "append_dedup",
                "cursor_field": s.get("default_cursor_field") or [],
                "primary_key": s.get("source_defined_primary_key") or [],
            }
            for s in chosen
        ]
    }


def discover(target: Target, config: dict[str, Any]) -> dict[str, Any]:
    out = Path("/tmp") / f"bench-discover-{target.name}.jsonl"
    import subprocess

    with open(out, "w") as handle:
        config_path = out.with_suffix(".config.json")
        config_path.write_text(json.dumps(config))
        subprocess.run([*target.command, "discover", "--config", str(config_path)], stdout=handle, check=True)
    for line in out.read_text().splitlines():
        message = json.loads(line)
        if message.get("type") == "CATALOG":
            return message["catalog"]
    raise RuntimeError(f"{target.name}: discover returned no catalog")


def call_minimum(target: Target, size: int, config: dict[str, Any], streams: list[str]) -> dict[str, Any]:
    """The minimum for this tenant, computed in a child process (a 50,000-employee company takes GBs)."""
    if not target.has_minimum:
        return {"full": None, "incremental": None}
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        routes = pool.apply(minimum.call_minimum, (target.provider, size, SEED, YEARS, config, streams))
    return {mode: {"total": sum(calls.values()), "routes": calls} for mode, calls in routes.items()}


def minimum_at(row: dict[str, Any], size: int) -> dict[str, int]:
    """The call minimum of a row's target at another tenant size (its config does not depend on the size)."""
    target = TARGETS[row["target"]]
    base = create_app(target.provider, Company.generate(employees=5, seed=SEED, years=YEARS), rate_limit="0")
    config = {**base.connector_config("http://127.0.0.1"), **target.config_overrides}
    minima = call_minimum(target, size, config, row["streams"])
    return {mode: m["total"] for mode, m in minima.items()}


def realistic_catalog(provider: str, config: dict[str, Any]) -> dict[str, Any]:
    """Every stream, for the measured checks at the real limits."""
    return configured_catalog(discover(TARGETS[provider], config), None)


def throughput_vs_floor(seconds: float, floor_seconds: float, startup_seconds: float) -> float | None:
    """The floor's time over the connector's less its start-up (records are the same, so this is the
    records-per-second ratio); None when start-up is most of the run. On wall time or on CPU time (the
    latter without the machine's load in it)."""
    if seconds <= 2 * startup_seconds:
        return None
    return round(floor_seconds / (seconds - startup_seconds), 2)


def bench_target(
    target: Target, size: int, startup_seconds: float, startup_cpu_seconds: float
) -> dict[str, Any]:
    load_before = os.getloadavg()
    with SandboxProcess(target.provider, size, target.options, seed=SEED) as sandbox:
        config = target.config(sandbox)
        catalog = configured_catalog(discover(target, config), target.streams)
        streams = [s["stream"]["name"] for s in catalog["streams"]]

        def sync(kind: str, state: list[dict[str, Any]] | None = None) -> Measurement:
            measured = run_connector(target.command, "read", sandbox, config, catalog, state)
            if measured.exit_code != 0:
                raise RuntimeError(f"{target.name} @ {size}: {kind} sync failed: {measured.error}")
            return measured

        # The sandbox renders each collection on its first request and keeps it: the first sync warms
        # it, so the floor and the measured sync both meet the same warm server.
        cold = sync("full")
        floor = replay_floor(sandbox, target.floor_headers(config))
        full = sync("full")
        incremental = sync("incremental", full.state)
    minimum_calls = call_minimum(target, size, config, streams)
    row = {
        "target": target.name,
        "covers": target.describe,
        "streams": streams,
        "employees": size,
        "sandbox_generation_seconds": round(sandbox.generation_seconds, 1),
        "load_average": [round(x, 2) for x in (*load_before[:1], *os.getloadavg()[:1])],
        "cold_full": {"wall_seconds": cold.wall_seconds, "cpu_seconds": cold.cpu_seconds},
        "full": full.summary(),
        "incremental": incremental.summary(),
        "floor": {
            "wall_seconds": floor.wall_seconds,
            "cpu_seconds": floor.cpu_seconds,
            "calls": floor.calls,
            "parse_cpu_seconds": round(floor.parse_cpu_seconds, 3),
        },
        "call_minimum": minimum_calls,
    }
    total = {mode: (m or {}).get("total") for mode, m in minimum_calls.items()}
    row["ratios"] = {
        "wall_vs_floor": round(full.wall_seconds / floor.wall_seconds, 2),
        "cpu_vs_floor": round(full.cpu_seconds / floor.cpu_seconds, 2) if floor.cpu_seconds else None,
        "records_per_second_vs_floor": round(floor.wall_seconds / full.wall_seconds, 2),
        # the same without the process's start-up (measured apart: `spec`)
        # (not given when start-up is most of the run: a tiny tenant)
        "throughput_vs_floor": throughput_vs_floor(full.wall_seconds, floor.wall_seconds, startup_seconds),
        "cpu_throughput_vs_floor": throughput_vs_floor(
            full.cpu_seconds, floor.cpu_seconds, startup_cpu_seconds
        ),
        "calls_vs_minimum_full": round(full.total_calls / total["full"], 3) if total["full"] else None,
        "calls_vs_minimum_incremental": (
            round(incremental.total_calls / total["incremental"], 3) if total["incremental"] else None
        ),
    }
    return row


STARTUP_PACKAGES = {
    "sage-hr": "source_sage_hr.source",
    "sesame-hr": "source_sesame_hr.source",
    "peoplehr": "source_peoplehr.source",
}


def _timed(args: list[str], repeat: int = 3) -> tuple[float, float, float]:
    """The quickest of `repeat` runs (the machine is shared: the minimum is the least disturbed)."""
    runs = []
    for _ in range(repeat):
        code, wall, cpu, rss = run_process(args, Path("/tmp/bench-startup.out"))
        if code != 0:
            raise RuntimeError(f"{args} failed")
        runs.append((round(wall, 2), round(cpu, 2), round(rss, 1)))
    return min(runs)


def startup(target: Target) -> dict[str, float]:
    """Start-up apart from throughput: the CDK's import, our package's import on top, and `spec`."""
    python = str(BIN / "python")
    cdk = _timed([python, "-c", "import airbyte_cdk.sources.declarative.yaml_declarative_source"])
    ours = _timed([python, "-c", f"import {STARTUP_PACKAGES[target.provider]}"])
    spec = _timed([*target.command, "spec"])
    return {
        "cdk_import_wall_seconds": cdk[0],
        "connector_import_wall_seconds": ours[0],
        "spec_wall_seconds": spec[0],
        "spec_cpu_seconds": spec[1],
        "spec_peak_rss_mb": spec[2],
    }


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _fmt(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"Measured {m['date']} on {m['cpus']} CPUs ({m.get('memory_gb', '?')} GB), Python {m['python']}, "
        f"load average {m['load_average_at_start'][0]} at the start (other work shares this machine: "
        f"times are noisy, the load of each row is in the JSON). `make bench` took {results.get('elapsed_seconds', 0):.0f} s.",
        "",
        "Wall and CPU are of the whole `read` process, start-up included; *throughput ÷ floor* leaves the "
        "start-up (the `spec` time below) out; *CPU throughput ÷ floor* is the same on CPU time (the floor's CPU "
        "over the connector's less the `spec` CPU), without the machine's load in it. Floor = the same requests replayed by a plain `requests` loop; "
        "call minimum = the fewest calls the API allows for the data (`bench/minimum.py`); *parse CPU s* = the CPU "
        "the floor's loop spends when it also parses each body with `orjson` (what any client that reads the "
        "records pays; not counted in the floor). The measured syncs and the floor meet a warm sandbox (it renders "
        "each collection on first request and keeps it): a first full sync warms it, its wall time is *cold wall s*.",
        "",
        "| row | covers | employees | sync | records | wall s | CPU s | records/s | peak RSS MB | calls | call minimum | state KB | wall ÷ floor | CPU ÷ floor | throughput ÷ floor | CPU throughput ÷ floor | parse CPU s | cold wall s |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["rows"]:
        for mode in ("full", "incremental"):
            r = row[mode]
            floor = row["floor"] if mode == "full" else None
            minimum_total = (row["call_minimum"][mode] or {}).get("total")
            ratios = (
                f"{r['wall_seconds'] / floor['wall_seconds']:.2f} | "
                f"{r['cpu_seconds'] / max(floor['cpu_seconds'], 1e-9):.2f} | {_ratio(row['ratios']['throughput_vs_floor'])} | "
                f"{_ratio(row['ratios'].get('cpu_throughput_vs_floor'))} | {_ratio(floor.get('parse_cpu_seconds'))} | "
                f"{_seconds(row.get('cold_full', {}).get('wall_seconds'))} |"
                if floor
                else "– | – | – | – | – | – |"
            )
            lines.append(
                f"| {row['target']} | {row['covers'] if mode == 'full' else ''} | {row['employees']:,} | {mode} | "
                f"{r['total_records']:,} | {r['wall_seconds']:.1f} | {r['cpu_seconds']:.1f} | "
                f"{r['records_per_second'] or 0:,.0f} | {r['peak_rss_mb']:.0f} | {r['total_calls']:,} | "
                f"{_fmt(minimum_total)} | {r['state_bytes'] / 1024:.0f} | " + ratios
            )
    lines += [
        "",
        "| connector | CDK import s | CDK + connector import s | `spec` wall s | `spec` CPU s | `spec` peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, st in results["startup"].items():
        lines.append(
            f"| {name} | {st['cdk_import_wall_seconds']} | {st['connector_import_wall_seconds']} | "
            f"{st['spec_wall_seconds']} | {st['spec_cpu_seconds']} | {st['spec_peak_rss_mb']} |"
        )
    model = results.get("peoplehr_model")
    for failure in results.get("failures", []):
        lines += ["", f"**Failed:** {failure}"]
    if model:
        lines += [
            "",
            "PeopleHR at its real limit of 30 calls a minute (`bench/peoplehr_model.py`): modelled calls and time "
            "(start-up excluded), all streams.",
            "",
            "| employees | fan-out full | fan-out incremental | saved queries full | saved queries incremental |",
            "|---:|---:|---:|---:|---:|",
        ]
        for row in model["model"]:
            cells = [
                f"{row[k]['calls']:,} calls, {_duration(row[k]['seconds'])}"
                for k in (
                    "fan_out_full",
                    "fan_out_incremental",
                    "saved_queries_full",
                    "saved_queries_incremental",
                )
            ]
            lines.append(f"| {row['employees']:,} | " + " | ".join(cells) + " |")
    lines += realistic_markdown(results.get("realistic"))
    lines += peer_markdown(
        results.get("peer"), results["startup"].get("sage-hr", {}).get("spec_cpu_seconds", 0.0)
    )
    return "\n".join(lines) + "\n"


def peer_markdown(compared: dict[str, Any] | None, startup_cpu: float) -> list[str]:
    if not compared:
        return [
            "",
            "The peer (Airbyte's Sage HR manifest) was not run: it is not part of this project; pass its "
            "`manifest.yaml` with `--peer-manifest` (`bench/peer.py`).",
        ]
    lines = [
        "",
        f"The peer, Airbyte's Sage HR manifest (`bench/peer.py`: its `url_base` pointed at the sandbox), against "
        f"ours (`sage-hr` row config), the same CDK, the same warm sandbox at {compared['employees']:,} employees, "
        f"loopback, no limit. *Net CPU* leaves out the start-up (`spec` CPU, {startup_cpu} s).",
        "",
        "| stream | connector | records | duplicates | calls | wall s | CPU s | net CPU ms per record | net CPU ms per call | CPU ÷ ours | calls ÷ ours |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stream, runs in compared["streams"].items():
        ours = runs["ours"]
        for who, r in runs.items():
            net = max(r["cpu_seconds"] - startup_cpu, 0.0) * 1000
            lines.append(
                f"| {stream} | {who} | {r['records']:,} | {r['duplicates']:,} | {r['calls']:,} | {r['wall_seconds']} | "
                f"{r['cpu_seconds']} | {_ratio(net / r['records'] if r['records'] else None)} | "
                f"{_ratio(net / r['calls'] if r['calls'] else None)} | {_ratio(r['cpu_seconds'] / ours['cpu_seconds'])} | "
                f"{_ratio(r['calls'] / ours['calls'])} |"
            )
    return lines


def realistic_markdown(real: dict[str, Any] | None) -> list[str]:
    if not real:
        return []
    lines = [
        "",
        f"At the providers' real limits with {realistic.LATENCY * 1000:.0f} ms a call and the connectors' default "
        "settings (`bench/realistic.py`): calls at 1,000 employees counted by the loopback rows above, at 5,000 "
        "the call minimum times the connector's calls ÷ minimum at 1,000; wall time modelled (start-up "
        "included) with the calls in flight at once that the provider's check measured; *limit* = the call-bound "
        "limit, the call minimum at the provider's sliding window, or at the connector's concurrency when "
        "latency binds first.",
        "",
        "| provider | row | limit | employees | sync | calls | call minimum | calls in flight | wall | call-bound limit | wall ÷ limit |",
        "|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in real["rows"]:
        provider = realistic.PROVIDERS[r["provider"]]
        lines.append(
            f"| {r['provider']} | {r['row']} | {provider.rate:,} per {provider.window:.0f} s | {r['employees']:,} | "
            f"{r['mode']} | {r['calls']:,}{'' if r['calls_counted'] else ' (scaled)'} | {r['call_minimum']:,} | "
            f"{_ratio(r.get('calls_in_flight'))} | {_duration(r['wall_seconds'])} | {_duration(r['limit_seconds'])} | {_ratio(r['ratio'])} |"
        )
    lines += [
        "",
        "Checks, measured at a reduced scale against the sandbox enforcing the limit and the latency (a fresh "
        "sandbox per sync); *idle* = seconds with no call in flight, from the sandbox's log:",
        "",
        "| provider | employees | sync | calls | 429s | measured s | modelled s | call-bound limit s | measured ÷ limit | first call after s | idle s (longest gap) | calls in flight | most calls in one window |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, c in real["checks"].items():
        if "failed" in c:
            lines.append(f"| {name} | | failed: {c['failed']} |" + " |" * 9)
            continue
        for mode in ("full", "incremental"):
            m = c[mode]
            peak = next(v for k, v in m.items() if k.startswith("peak_calls_in_"))
            lines.append(
                f"| {name} | {c['employees']} | {mode} | {m['calls']} | {m['refused_429']} | {m['measured_seconds']} | "
                f"{m['modelled_seconds']} | {m['limit_seconds']} | {_ratio(m['measured_seconds'] / max(m['limit_seconds'], 1e-9))} | "
                f"{m['first_call_after_seconds']} | {m['idle_seconds']} ({m['longest_idle_seconds']}) | {_ratio(m.get('calls_in_flight'))} | {peak} |"
            )
    return lines


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name in dict.fromkeys(r["target"] for r in results["rows"]):
        rows = sorted((r for r in results["rows"] if r["target"] == name), key=lambda r: r["employees"])
        if len(rows) < 2:
            continue
        sizes = [r["employees"] for r in rows]
        (line,) = left.plot(
            sizes, [r["full"]["wall_seconds"] for r in rows], marker="o", label=f"{name} full"
        )
        left.plot(
            sizes,
            [r["floor"]["wall_seconds"] for r in rows],
            linestyle=":",
            marker=".",
            color=line.get_color(),
            label=f"{name} floor",
        )
        right.plot(sizes, [r["full"]["peak_rss_mb"] for r in rows], marker="o", label=name)
    left.set(title="Full sync wall time", xlabel="employees", ylabel="seconds", xscale="log", yscale="log")
    right.set(title="Peak RSS of the connector (full sync)", xlabel="employees", ylabel="MB", xscale="log")
    right.axhline(300, color="grey", linewidth=0.8, linestyle="--", label="300 MB target")
    right.set_ylim(bottom=0)
    for axis in (left, right):
        axis.grid(True, alpha=0.3)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write(results: dict[str, Any], out: Path) -> None:
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    (out / "latest.md").write_text(markdown(results))
    if results["rows"]:
        chart(results, out / "latest.png")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default=",".join(DEFAULT), help="comma-separated: " + ", ".join(TARGETS))
    parser.add_argument("--sizes", default=None, help="override tenant sizes, e.g. 1000,5000")
    parser.add_argument(
        "--peer-manifest",
        default=os.environ.get("PEER_SAGE_HR_MANIFEST"),
        help="Airbyte's source-sage-hr manifest.yaml (not in this project): adds the peer rows",
    )
    parser.add_argument("--peer-employees", type=int, default=1000)
    parser.add_argument(
        "--no-realistic", action="store_true", help="skip the checks at the providers' real limits"
    )
    parser.add_argument("--results", default=str(RESULTS), help="output folder")
    args = parser.parse_args()
    names = [n for n in args.targets.split(",") if n]
    results: dict[str, Any] = {"machine": machine(), "rows": [], "startup": {}}
    started = time.monotonic()
    out = Path(args.results)
    out.mkdir(exist_ok=True)
    for suffix in ("json", "md", "png"):
        latest = out / f"latest.{suffix}"
        if latest.exists():
            shutil.copy(latest, out / f"previous.{suffix}")
    for name in names:
        target = TARGETS[name]
        if not target.installed():
            print(f"skip {name}: {target.command[0]} is not installed")
            continue
        if target.provider not in results["startup"] and target.provider in STARTUP_PACKAGES:
            results["startup"][target.provider] = startup(target)
        spec_seconds = results["startup"].get(target.provider, {}).get("spec_wall_seconds", 0.0)
        spec_cpu_seconds = results["startup"].get(target.provider, {}).get("spec_cpu_seconds", 0.0)
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else target.sizes
        for size in sizes:
            print(f"{name} @ {size:,} employees ...", flush=True)
            try:
                row = bench_target(target, size, spec_seconds, spec_cpu_seconds)
            except RuntimeError as failure:  # recorded, and the other rows still run
                print(f"  FAILED: {failure}", flush=True)
                results.setdefault("failures", []).append(str(failure))
                continue
            results["rows"].append(row)
            results["elapsed_seconds"] = round(time.monotonic() - started, 1)
            write(results, out)  # after every row: an interrupted run keeps what it measured
            print(
                f"  full {row['full']['wall_seconds']:.1f}s ({row['ratios']['wall_vs_floor']}x floor, "
                f"throughput {row['ratios']['throughput_vs_floor']}x), "
                f"{row['full']['total_calls']:,} calls (minimum {_fmt((row['call_minimum']['full'] or {}).get('total'))}), "
                f"incremental {row['incremental']['wall_seconds']:.1f}s / {row['incremental']['total_records']} records "
                f"/ {row['incremental']['total_calls']:,} calls, peak {row['full']['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    if "peoplehr" in names and TARGETS["peoplehr"].installed():
        results["peoplehr_model"] = {"model": peoplehr_model.model(startup=0.0)}
    spec = {name: st["spec_wall_seconds"] for name, st in results["startup"].items()}
    checked = {
        provider.name: TARGETS[provider.rows[0]].command
        for provider in realistic.PROVIDERS.values()
        if provider.rows[0] in names and TARGETS[provider.rows[0]].installed()
    }
    if args.peer_manifest and TARGETS["sage-hr"].installed():
        print(f"the peer (Airbyte's Sage HR manifest) @ {args.peer_employees:,} employees ...", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
            results["peer"] = peer.compare(
                TARGETS["sage-hr"].command,
                Path(args.peer_manifest),
                args.peer_employees,
                TARGETS["sage-hr"].config_overrides,
                Path(tmp),
            )
    if checked and not args.no_realistic:
        print(
            f"at the providers' real limits, {realistic.LATENCY * 1000:.0f} ms a call: checks ...", flush=True
        )
        checks = realistic.check(checked, realistic_catalog, spec)
        results["realistic"] = {
            "latency_seconds": realistic.LATENCY,
            "rows": realistic.rows(results, minimum_at, spec, checks),
            "checks": checks,
        }
    results["elapsed_seconds"] = round(time.monotonic() - started, 1)
    write(results, out)
    print(markdown(results))
    print(f"bench took {results['elapsed_seconds']} s; results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
