"""`make demo`: sync every connector from its sandbox into one DuckDB file through PyAirbyte.

Starts one sandbox per provider (the same synthetic company rendered in each provider's API shape),
runs each installed connector through the Airbyte protocol with PyAirbyte's DuckDB cache (one schema
per connector), prints a per-stream summary, then asks the analyst questions of the equivalence test
(``tests/equivalence``) of every provider side by side, and the differences the providers' APIs explain.
Runs offline: PyAirbyte's registry lookups and telemetry are switched off.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from equivalence.questions import (  # noqa: E402
    BY_ID,
    PROVIDERS,
    QUESTIONS,
    ask,
    compare,
    create_views,
    load_differences,
    populations,
)
from equivalence.warehouse import load  # noqa: E402
from hris_sandbox import Company  # noqa: E402
from unified_hris import names  # noqa: E402

#: (provider, the connector's folder: its DuckDB schema is the folder's name with underscores)
CONNECTORS = [(provider, f"source-{provider}") for provider in ("sage-hr", "peoplehr", "sesame-hr")]
#: The demo lifts PeopleHR's 30 calls/minute (the sandbox's faithful default), or it would take 20 minutes;
#: the sandbox's connector config then raises the connector's own budget to match.
SANDBOX_OPTIONS = {"peoplehr": {"rate_limit": "0"}}
SEED = 1
#: Questions shown as tables, provider by provider (the others, per person, as one line each).
TABLES = ("employees_by_status", "headcount_by_department", "headcount_by_location")
TIME_OFF = ("time_off_count", "time_off_days", "time_off_hours")
Query = Callable[[str], list[tuple[Any, ...]]]


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
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "hris.duckdb"
    db_path.unlink(missing_ok=True)
    plan = [(provider, name, _executable(names.source_script(provider))) for provider, name in CONNECTORS]
    plan = [(p, n, exe) for p, n, exe in plan if exe is not None]
    if not plan:
        print("No connector is installed yet: running the toy test connector to show the pipeline.")
        plan = [("toy-hr", "source-toy-hr", _toy_executable(out))]
    print(f"Company: {employees} employees, seed {SEED}; DuckDB file: {db_path}\n")
    summary: list[tuple[str, str, int]] = []
    cache = None
    for last_cache, loaded in load(plan, db_path, employees, SEED, SANDBOX_OPTIONS):
        cache = last_cache  # every connector's schema is in the same file
        summary += [(loaded.connector, stream, rows) for stream, rows in loaded.records.items()]
        print(
            f"{loaded.connector}: {sum(loaded.records.values())} records in {loaded.seconds:.1f}s, "
            f"{loaded.api_calls} API calls"
        )
    print("\nPer stream:")
    print(f"  {'connector':<18} {'stream':<20} {'rows':>8}")
    for name, stream, rows in summary:
        print(f"  {name:<18} {stream:<20} {rows:>8}")
    return cache


def _cell(value: Any) -> str:
    if value is None or value == "(missing)":
        return "-"
    if isinstance(value, float) or hasattr(value, "quantize"):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _side_by_side(
    title: str, rows: dict[tuple[Any, ...], dict[str, Any]], providers: list[str], width: int = 14
) -> None:
    print(f"\n{title}")
    print(f"  {'':<24}" + "".join(f"{p:>{width}}" for p in providers))
    for key, values in sorted(rows.items(), key=lambda item: repr(item[0])):
        label = " ".join(_cell(k) for k in key)
        print(f"  {label:<24}" + "".join(f"{values.get(p, '-'):>{width}}" for p in providers))


def report(query: Query, employees: int) -> int:
    """Every question of the equivalence test, asked of every provider; returns how many disagree."""
    create_views(query)
    schemas = {s for (s,) in query("select distinct source from unified.employees")}
    providers = [p for p in PROVIDERS if p in schemas]
    if len(providers) < 2:
        return 0
    company = Company.generate(employees=employees, seed=SEED, as_of=date.today())
    differences = load_differences()
    groups = populations(company)
    outcomes = {q.id: compare(q, ask(query, q), differences, groups) for q in QUESTIONS}
    mark = {True: "equal", False: "DIFFERENT"}

    print("\nOne company, one answer: the analyst questions of tests/equivalence, provider by provider")
    for qid in TABLES:
        outcome = outcomes[qid]
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        for provider in outcome.offering:
            for key, (value,) in outcome.answers.get(provider, {}).items():
                rows.setdefault(key, {})[provider] = _cell(value)
        _side_by_side(f"{BY_ID[qid].text} [{mark[outcome.agrees]}]", rows, outcome.offering)
    parts: dict[tuple[Any, ...], dict[str, list[str]]] = {}
    for qid in TIME_OFF:
        for provider in providers:
            for key, (value,) in outcomes[qid].answers.get(provider, {}).items():
                cell = parts.setdefault(key, {}).setdefault(provider, ["-", "-", "-"])
                cell[TIME_OFF.index(qid)] = _cell(value)
    agree = all(outcomes[q].agrees for q in TIME_OFF)
    _side_by_side(
        f"Approved time off per category and year: requests / days / hours (sum(amount) of the requests "
        f"counted in days, sum(amount_hours); no cast) [{mark[agree]}]",
        {key: {p: " / ".join(v) for p, v in cells.items()} for key, cells in parts.items()},
        providers,
        width=24,
    )
    pay = query(
        "select source, currency, count(*), sum(annualized_amount) from unified.compensations "
        "where type = 'BASE_SALARY' and is_current and not is_deleted group by all"
    )
    totals: dict[tuple[Any, ...], dict[str, Any]] = {}
    for source, currency, count, total in pay:
        totals.setdefault((currency, "people"), {})[source] = count
        totals.setdefault((currency, "total"), {})[source] = _cell(total)
    _side_by_side(
        f"Current annualized base pay per currency (sum(annualized_amount), no cast) "
        f"[{mark[outcomes['current_pay'].agrees]}]",
        totals,
        providers,
    )
    print("\nPer person (matched on work email), and the job history:")
    shown = set(TABLES) | set(TIME_OFF) | {"current_pay"}
    for question in QUESTIONS:
        if question.id in shown:
            continue
        outcome = outcomes[question.id]
        keys = {k for p in outcome.offering for k in outcome.answers.get(p, {})}
        print(
            f"  {mark[outcome.agrees]:<9} {question.text} ({len(keys)} answers; "
            f"compared through {', '.join(outcome.offering)})"
        )
    print("\nDifferences the providers' APIs explain (tests/equivalence/known_differences.yaml):")
    for d in differences:
        who = "" if d.population == "everyone" else f", {d.population.replace('_', ' ')}"
        print(f"  {d.provider:<10} {d.question}{who}: {d.reason}\n  {'':<10} evidence: {d.evidence}")
    agreed = sum(o.agrees for o in outcomes.values())
    print(
        f"\n{agreed} of {len(outcomes)} questions give equal answers through every provider that has the fact."
    )
    return len(outcomes) - agreed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=150)
    parser.add_argument("--out", type=Path, default=ROOT / "demo-output")
    args = parser.parse_args()
    cache = sync_all(args.employees, args.out)
    if cache is None:
        return 0
    with cache.get_sql_engine().connect() as connection:  # DuckDB: one configuration per file and process
        disagreements = report(lambda sql: connection.exec_driver_sql(sql).fetchall(), args.employees)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
