"""The peer: Airbyte's own Sage HR manifest (``airbytehq/airbyte``,
``airbyte-integrations/connectors/source-sage-hr/manifest.yaml``), run by the same CDK against the
same sandbox, side by side with our connector, per record and per call.

The manifest is not part of this project (nor of the reference notes kept beside it): pass its path with
``bench/run.py --peer-manifest PATH``. Two adaptations, made here when it is loaded, not in the file:

- ``url_base`` (``https://{subdomain}.sage.hr/api/``) becomes the config's ``base_url``, to reach the
  sandbox;
- with ``window_days``, its ``requests`` stream gets date windows (``from``/``to``, ``window_days``
  apart, the API's 65-day rule) from the config's ``start_date`` to ``window_end``: as published it
  sends no window, so it reads the current month only.

``python bench/peer.py MANIFEST read --config C --catalog K`` runs it as a connector process.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from harness import SandboxProcess, run_process

#: our stream -> the path the peer's stream reads (its leave stream is ``requests`` in the first
#: version, ``leave-requests`` later)
PATHS = {"employees": "/employees", "time_off_requests": "/leave-management/requests"}


def stream_of(manifest: dict[str, Any], path: str) -> str:
    return next(
        name
        for name, stream in manifest["definitions"]["streams"].items()
        if stream["retriever"]["requester"].get("path") == path
    )


def adapted(manifest: dict[str, Any], window_days: int | None) -> dict[str, Any]:
    manifest["definitions"]["base_requester"]["url_base"] = "{{ config['base_url'] }}/"
    if window_days:
        leave = stream_of(manifest, PATHS["time_off_requests"])
        manifest["definitions"]["streams"][leave]["incremental_sync"] = {
            "type": "DatetimeBasedCursor",
            "cursor_field": "start_date",
            "datetime_format": "%Y-%m-%d",
            "start_datetime": "{{ config['start_date'] }}",
            "end_datetime": "{{ config['window_end'] }}",
            "step": f"P{window_days - 1}D",
            "cursor_granularity": "P1D",
            "start_time_option": {
                "type": "RequestOption",
                "inject_into": "request_parameter",
                "field_name": "from",
            },
            "end_time_option": {
                "type": "RequestOption",
                "inject_into": "request_parameter",
                "field_name": "to",
            },
        }
    return manifest


def main(args: list[str]) -> None:
    from airbyte_cdk.entrypoint import launch
    from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

    manifest_path, rest = args[0], args[1:]
    config_path = rest[rest.index("--config") + 1]
    config = json.loads(Path(config_path).read_text())
    manifest = adapted(yaml.safe_load(Path(manifest_path).read_text()), config.get("window_days"))
    catalog = None
    if "--catalog" in rest:
        catalog = ConcurrentDeclarativeSource.read_catalog(rest[rest.index("--catalog") + 1])
    source = ConcurrentDeclarativeSource(catalog=catalog, config=config, state=None, source_config=manifest)
    launch(source, rest)


def _read(
    command: list[str], config: dict[str, Any], stream: str, sandbox: SandboxProcess, tmp: Path
) -> dict[str, Any]:
    catalog = {
        "streams": [
            {
                "stream": {"name": stream, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                "sync_mode": "full_refresh",
                "destination_sync_mode": "overwrite",
            }
        ]
    }
    (tmp / "config.json").write_text(json.dumps(config))
    (tmp / "catalog.json").write_text(json.dumps(catalog))
    sandbox.clear_log()
    out = tmp / f"{stream}.jsonl"
    args = [*command, "read", "--config", str(tmp / "config.json"), "--catalog", str(tmp / "catalog.json")]
    code, wall, cpu, _ = run_process(args, out, tmp / "stderr.txt")
    ids: Counter[Any] = Counter()
    for line in out.read_bytes().splitlines():
        if line.startswith(b'{"type":"RECORD"'):
            data = json.loads(line)["record"]["data"]
            ids[data.get("id") or data.get("source_id") or json.dumps(data, sort_keys=True)] += 1
    if code != 0:
        raise RuntimeError(
            f"{command[-1]} {stream}: exit code {code}: {(tmp / 'stderr.txt').read_text()[-1500:]}"
        )
    records, calls = sum(ids.values()), sandbox.log()["total"]
    return {
        "records": records,
        "duplicates": records - len(ids),
        "calls": calls,
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "cpu_ms_per_record": round(cpu * 1000 / records, 3) if records else None,
        "cpu_ms_per_call": round(cpu * 1000 / calls, 1) if calls else None,
    }


def compare(
    ours: list[str], manifest: Path, employees: int, our_config: dict[str, Any], tmp: Path
) -> dict[str, Any]:
    """Each of `STREAMS` read by our connector and by the peer (as published, and the requests again
    with 65-day windows over our connector's date range), one warm sandbox, loopback, no limit."""
    peer = [sys.executable, str(Path(__file__).resolve()), str(manifest)]
    result: dict[str, Any] = {"employees": employees, "streams": {}}
    with SandboxProcess("sage-hr", employees) as sandbox:
        config = {**(sandbox.connector_config or {}), **our_config}
        # the sandbox's tenant lives today; our connector reads requests up to its future horizon
        window_end = date.today() + timedelta(days=int(config.get("future_horizon_days", 365)))
        peer_config = {
            "api_key": config["api_key"],
            "subdomain": config["subdomain"],
            "base_url": config["base_url"],
            "start_date": config["start_date"],
            "window_end": window_end.isoformat(),
        }
        _read(ours, config, "employees", sandbox, tmp)  # warms the sandbox's renders
        published = yaml.safe_load(manifest.read_text())
        for our_stream, path in PATHS.items():
            peer_stream = stream_of(published, path)
            result["streams"][our_stream] = {
                "ours": _read(ours, config, our_stream, sandbox, tmp),
                "peer": _read(peer, peer_config, peer_stream, sandbox, tmp),
            }
        result["streams"]["time_off_requests"]["peer_65_day_windows"] = _read(
            peer,
            {**peer_config, "window_days": 65},
            stream_of(published, PATHS["time_off_requests"]),
            sandbox,
            tmp,
        )
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
