"""`make bench`: speed, memory and API calls of every connector, against the floor and the call minimum.

For each target and tenant size: a full sync and an incremental sync with no changes, each a whole
``read`` process over loopback against a sandbox in its own process. Recorded: wall and CPU time,
records per second, peak RSS, calls per route, final state size; the floor (the same requests replayed
by a plain ``requests`` loop) and the call minimum of the API. Start-up (``spec``) is measured apart.

Writes ``bench/results/latest.{json,md,png}`` and keeps the run before as ``previous.*``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BIN, SandboxProcess, replay_floor, run_connector
from targets import TARGETS, Target

RESULTS = Path(__file__).resolve().parent / "results"


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


def bench_target(target: Target, size: int) -> dict[str, Any]:
    with SandboxProcess(target.provider, size, target.sandbox_options(size)) as sandbox:
        config = target.config(sandbox)
        catalog = configured_catalog(discover(target, config), target.streams)
        full = run_connector(target.command, "read", sandbox, config, catalog)
        if full.exit_code != 0:
            raise RuntimeError(f"{target.name} @ {size}: full sync failed: {full.error}")
        floor = replay_floor(sandbox, target.floor_headers(config))
        incremental = run_connector(target.command, "read", sandbox, config, catalog, full.state)
        minimum_full = target.call_minimum(sandbox.counts, config, incremental=False)
        minimum_incremental = target.call_minimum(sandbox.counts, config, incremental=True)
    row = {
        "target": target.name,
        "employees": size,
        "sandbox_generation_seconds": round(sandbox.generation_seconds, 1),
        "full": full.summary(),
        "incremental": incremental.summary(),
        "floor": {"wall_seconds": floor.wall_seconds, "cpu_seconds": floor.cpu_seconds, "calls": floor.calls},
        "call_minimum": {"full": minimum_full, "incremental": minimum_incremental},
    }
    row["ratios"] = {
        "wall_vs_floor": round(full.wall_seconds / floor.wall_seconds, 2),
        "cpu_vs_floor": round(full.cpu_seconds / floor.cpu_seconds, 2) if floor.cpu_seconds else None,
        "records_per_second_vs_floor": round(
            (full.total_records / full.wall_seconds) / (full.total_records / floor.wall_seconds), 2
        ),
        "calls_vs_minimum_full": round(full.total_calls / minimum_full, 3) if minimum_full else None,
        "calls_vs_minimum_incremental": (
            round(incremental.total_calls / minimum_incremental, 3) if minimum_incremental else None
        ),
    }
    return row


def startup(target: Target) -> dict[str, float]:
    from harness import run_process

    spec = run_process([*target.command, "spec"], Path("/tmp/bench-spec.out"))
    return {
        "spec_wall_seconds": round(spec[1], 2),
        "spec_cpu_seconds": round(spec[2], 2),
        "spec_peak_rss_mb": round(spec[3], 1),
    }


def machine() -> dict[str, Any]:
    import os

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cdk_import_seconds": _cdk_import_seconds(),
    }


def _cdk_import_seconds() -> float:
    from harness import run_process

    result = run_process(
        [str(BIN / "python"), "-c", "import airbyte_cdk.sources.declarative.yaml_declarative_source"],
        Path("/tmp/bench-import.out"),
    )
    return round(result[1], 2)


def _fmt(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Measured {results['machine']['date']} on {results['machine']['cpus']} CPUs, Python {results['machine']['python']}; "
        f"importing the CDK's declarative source alone takes {results['machine']['cdk_import_seconds']} s.",
        "",
        "| connector | employees | sync | records | wall s | CPU s | records/s | peak RSS MB | calls | call minimum | state KB | wall ÷ floor | CPU ÷ floor |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["rows"]:
        for mode in ("full", "incremental"):
            m = row[mode]
            floor = row["floor"] if mode == "full" else None
            lines.append(
                f"| {row['target']} | {row['employees']:,} | {mode} | {m['total_records']:,} | {m['wall_seconds']:.1f} | "
                f"{m['cpu_seconds']:.1f} | {m['records_per_second'] or 0:,.0f} | {m['peak_rss_mb']:.0f} | {m['total_calls']:,} | "
                f"{_fmt(row['call_minimum'][mode])} | {m['state_bytes'] / 1024:.0f} | "
                + (
                    f"{m['wall_seconds'] / floor['wall_seconds']:.2f} | {m['cpu_seconds'] / max(floor['cpu_seconds'], 1e-9):.2f} |"
                    if floor
                    else "– | – |"
                )
            )
    lines += ["", "| connector | start-up (`spec`) wall s | CPU s | peak RSS MB |", "|---|---:|---:|---:|"]
    for name, s in results["startup"].items():
        lines.append(
            f"| {name} | {s['spec_wall_seconds']} | {s['spec_cpu_seconds']} | {s['spec_peak_rss_mb']} |"
        )
    return "\n".join(lines) + "\n"


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name in dict.fromkeys(r["target"] for r in results["rows"]):
        rows = sorted((r for r in results["rows"] if r["target"] == name), key=lambda r: r["employees"])
        sizes = [r["employees"] for r in rows]
        left.plot(sizes, [r["full"]["wall_seconds"] for r in rows], marker="o", label=f"{name} full")
        left.plot(
            sizes,
            [r["floor"]["wall_seconds"] for r in rows],
            linestyle=":",
            marker=".",
            label=f"{name} floor",
        )
        right.plot(sizes, [r["full"]["peak_rss_mb"] for r in rows], marker="o", label=name)
    left.set(title="Full sync wall time", xlabel="employees", ylabel="seconds", xscale="log", yscale="log")
    right.set(title="Peak RSS of the connector", xlabel="employees", ylabel="MB", xscale="log")
    right.axhline(300, color="grey", linewidth=0.8, linestyle="--")
    for axis in (left, right):
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated: " + ", ".join(TARGETS))
    parser.add_argument("--sizes", default=None, help="override tenant sizes, e.g. 1000,10000")
    args = parser.parse_args()
    names = [n for n in args.targets.split(",") if n]
    results: dict[str, Any] = {"machine": machine(), "rows": [], "startup": {}}
    started = time.monotonic()
    for name in names:
        target = TARGETS[name]
        if not target.installed():
            print(f"skip {name}: {target.command[0]} is not installed")
            continue
        results["startup"][name] = startup(target)
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else target.sizes
        for size in sizes:
            print(f"{name} @ {size:,} employees ...", flush=True)
            row = bench_target(target, size)
            results["rows"].append(row)
            print(
                f"  full {row['full']['wall_seconds']:.1f}s ({row['ratios']['wall_vs_floor']}x floor), "
                f"{row['full']['total_calls']:,} calls (minimum {_fmt(row['call_minimum']['full'])}), "
                f"incremental {row['incremental']['wall_seconds']:.1f}s / {row['incremental']['total_records']} records, "
                f"peak {row['full']['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    results["elapsed_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    for suffix in ("json", "md", "png"):
        latest = RESULTS / f"latest.{suffix}"
        if latest.exists():
            shutil.copy(latest, RESULTS / f"previous.{suffix}")
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))
    (RESULTS / "latest.md").write_text(markdown(results))
    if results["rows"]:
        chart(results, RESULTS / "latest.png")
    print(markdown(results))
    print(f"bench took {results['elapsed_seconds']} s; results in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
