"""`make demo`: sync every connector from its sandbox into one DuckDB file through PyAirbyte.

Starts one sandbox per provider (the same synthetic company rendered in each provider's API shape),
runs each installed connector through the Airbyte protocol with PyAirbyte's DuckDB cache (one schema
per connector), prints a per-stream summary, then a cross-provider query over the unified tables.
Runs offline: PyAirbyte's registry lookups and telemetry are switched off.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("AIRBYTE_NO_UI", "1")
warnings.filterwarnings("ignore")

from hris_sandbox import Company, SandboxServer  # noqa: E402
from hris_sandbox.providers import create_app  # noqa: E402
from unified_hris import names  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: (provider, the connector's folder: its DuckDB schema is the folder's name with underscores)
CONNECTORS = [(provider, f"source-{provider}") for provider in ("sage-hr", "peoplehr", "sesame-hr")]
#: The demo lifts PeopleHR's 30 calls/minute (the sandbox's faithful default), or it would take 20 minutes;
#: the sandbox's connector config then raises the connector's own budget to match.
SANDBOX_OPTIONS = {"peoplehr": {"rate_limit": "0"}}


def _executable(name: str) -> Path | None:
    path = Path(sys.executable).parent / name
    return path if path.exists() else None


def _toy_executable(out: Path) -> Path:
    """Fallback while no real connector is installed: the test fixture connector, behind a wrapper."""
    wrapper = out / "source-toy-hr"
    wrapper.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "tests/fixtures/toy_connector/main.py"}" "$@"\n'
    )
    wrapper.chmod(0o755)
    return wrapper


def sync_all(employees: int, out: Path) -> Any:
    import airbyte as ab
    from airbyte.caches import DuckDBCache

    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "hris.duckdb"
    db_path.unlink(missing_ok=True)
    plan = [(provider, name, _executable(names.source_script(provider))) for provider, name in CONNECTORS]
    plan = [(p, n, exe) for p, n, exe in plan if exe is not None]
    if not plan:
        print("No connector is installed yet: running the toy test connector to show the pipeline.")
        plan = [("toy-hr", "source-toy-hr", _toy_executable(out))]
    print(f"Company: {employees} employees, seed 1; DuckDB file: {db_path}\n")
    summary: list[tuple[str, str, int]] = []
    cache = None
    for provider, name, exe in plan:
        company = Company.generate(employees=employees, seed=1)
        with SandboxServer(create_app(provider, company, **SANDBOX_OPTIONS.get(provider, {}))) as sandbox:
            config = sandbox.app.connector_config(sandbox.url)
            started = time.monotonic()
            source = ab.get_source(exe.name, config=config, local_executable=str(exe))
            source.select_all_streams()
            cache = DuckDBCache(db_path=db_path, schema_name=name.replace("-", "_"))
            result = source.read(cache=cache)
            elapsed = time.monotonic() - started
            for stream, dataset in sorted(result.streams.items()):
                summary.append((name, stream, len(dataset)))
            print(
                f"{name}: {sum(len(d) for d in result.streams.values())} records in {elapsed:.1f}s, "
                f"{sandbox.log.count()} API calls"
            )
    print("\nPer stream:")
    print(f"  {'connector':<18} {'stream':<20} {'rows':>8}")
    for name, stream, rows in summary:
        print(f"  {name:<18} {stream:<20} {rows:>8}")
    return cache


def cross_provider_report(cache: Any) -> None:
    """Queries through the cache's own engine (DuckDB allows one configuration per file and process)."""
    with cache.get_sql_engine().connect() as connection:
        _report(lambda sql: connection.exec_driver_sql(sql).fetchall())


def _report(query: Callable[[str], list[Any]]) -> None:
    schemas = [
        r[0]
        for r in query(
            "select distinct table_schema from information_schema.tables where table_name = 'employees'"
        )
    ]
    if not schemas:
        return
    union = " union all ".join(f"select * from {s}.employees" for s in schemas)
    departments = " union all ".join(
        f"select id, name from {s}.departments"
        for s in schemas
        if query(
            f"select count(*) from information_schema.tables where table_schema='{s}' and table_name='departments'"
        )[0][0]
    )
    print("\nHeadcount (active employees) by provider and department — one query over every provider:")
    sql = f"""
        with e as ({union}), d as ({departments or "select null as id, null as name"})
        select e.source, coalesce(d.name, '(none)') as department, count(*) as headcount
        from e left join d on d.id = e.department_id
        where e.employment_status = 'ACTIVE' and not e.is_deleted
        group by 1, 2 order by 1, 3 desc limit 30"""
    for source, department, headcount in query(sql):
        print(f"  {source:<10} {department:<22} {headcount:>6}")
    requests = [
        s
        for s in schemas
        if query(
            f"select count(*) from information_schema.tables where table_schema='{s}' and table_name='time_off_requests'"
        )[0][0]
    ]
    if requests:
        union_requests = " union all ".join(
            f"select source, status, category, amount, unit from {s}.time_off_requests" for s in requests
        )
        print("\nApproved time off by provider and category:")
        sql = f"""
            select source, coalesce(category, '(unmapped)'), unit, count(*), sum(cast(amount as double))
            from ({union_requests}) where status = 'APPROVED' group by 1, 2, 3 order by 1, 4 desc"""
        for source, category, unit, count, amount in query(sql):
            print(
                f"  {source:<10} {category:<14} {count:>7} requests {amount or 0:>10.1f} {(unit or '').lower()}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=150)
    parser.add_argument("--out", type=Path, default=ROOT / "demo-output")
    args = parser.parse_args()
    cache = sync_all(args.employees, args.out)
    if cache is not None:
        cross_provider_report(cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
