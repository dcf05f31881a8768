"""Every fault of the issue, for every connector, through its console script: each scenario states its
expected outcome. "complete" means exit 0 with exactly the sandbox's records (each once); "fail" means a
non-zero exit with a specific error trace. Never success with records missing.

The scenarios of one connector run concurrently, each against its own sandbox (same seeded company),
to keep the backoff waits from adding up."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

import pytest
import requests
from conformance.runner import RunResult
from hris_sandbox import Fault
from jsonschema import Draft7Validator
from unified_hris.schemas import load_schema

from .conftest import (
    CONNECTORS,
    PEOPLEHR,
    SAGE,
    SESAME,
    Connector,
    Env,
    fingerprints,
    make_env,
    start_sandbox,
)

pytestmark = pytest.mark.slow


@dataclass
class Scenario:
    name: str
    faults: Callable[[Env], list[Fault]]
    expect: str = "complete"  # complete | fail | superset (every baseline record, maybe a new one)
    message: str = ""  # expected in the error trace when it fails
    config: dict[str, Any] = field(default_factory=dict)
    same_hashes: bool = True  # False when the scenario changes record contents (drift)
    during: Callable[[Env], None] | None = None  # runs in a thread next to the connector
    only: tuple[Connector, ...] = (SAGE, PEOPLEHR, SESAME)


def page_after(connector: Connector) -> int:
    """Requests of the listing to let through before a fault: page 2 when the listing pages."""
    return 1 if connector is SESAME else 0


def fetch(env: Env, page: int) -> dict[str, Any]:
    """The listing's real page as the connector requests it (for faults built from real data)."""
    c, url, key = env.connector, env.sandbox.url, env.config[env.connector.key_field]
    if c is SAGE:
        params = {
            "page": page,
            "team_history": "true",
            "employment_status_history": "true",
            "position_history": "true",
        }
        return requests.get(
            f"{url}/api/employees", params=params, headers={"X-Auth-Token": key}, timeout=10
        ).json()
    if c is SESAME:
        params = {"page": page, "limit": c.config["page_size"]}
        return requests.get(
            f"{url}/core/v3/employees", params=params, headers={"Authorization": f"Bearer {key}"}, timeout=10
        ).json()
    body = {"APIKey": key, "Action": "GetAllEmployeeDetail", "IncludeLeavers": "true"}
    return requests.post(f"{url}/Employee", json=body, timeout=10).json()


def items(page: dict[str, Any]) -> list[dict[str, Any]]:
    return page["Result"] if "Result" in page else page["data"]


def with_items(page: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {**page, ("Result" if "Result" in page else "data"): rows}


def empty_page(env: Env) -> list[Fault]:
    page = fetch(env, page_after(env.connector) + 1)
    return [
        Fault(
            "body", path=env.connector.list_path, after=page_after(env.connector), body=with_items(page, [])
        )
    ]


def null_data(env: Env) -> list[Fault]:
    """A later page whose envelope is whole but whose `data` is null."""
    page = fetch(env, page_after(env.connector) + 1)
    return [
        Fault(
            "body", path=env.connector.list_path, after=page_after(env.connector), body={**page, "data": None}
        )
    ]


def without_meta(env: Env) -> list[Fault]:
    """The first page of the paginated listing without its `meta` block."""
    page = {k: v for k, v in fetch(env, 1).items() if k != "meta"}
    return [Fault("body", path=env.connector.list_path, body=page)]


def duplicate(env: Env) -> list[Fault]:
    """The first record of page 1 again at the end of the next page (or of the only page)."""
    first = items(fetch(env, 1))[0]
    nxt = page_after(env.connector) + 1 if env.connector is SESAME else 2 if env.connector is SAGE else 1
    page = fetch(env, nxt)
    after = nxt - 1
    return [
        Fault("body", path=env.connector.list_path, after=after, body=with_items(page, [*items(page), first]))
    ]


#: The fields that identify a record (PeopleHR: UniqueKey when sent, else EmployeeId).
ID_KEYS = {SAGE: ("id",), SESAME: ("id",), PEOPLEHR: ("UniqueKey", "EmployeeId")}


def drifted(row: dict[str, Any], id_keys: tuple[str, ...]) -> dict[str, Any]:
    """Unknown fields, nulls where scalar values were (one level into objects too, e.g. PeopleHR's
    ``{"DisplayValue": ...}``), a numeric id as a string."""

    def nulled(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v if isinstance(v, list | dict) else None for k, v in value.items()}
        return value if isinstance(value, list) else None

    out = {k: v if k in id_keys else nulled(v) for k, v in row.items()}
    for key in id_keys:
        if isinstance(out.get(key), int):
            out[key] = str(out[key])
    out["x_new_field"] = {"nested": [1, "two", None]}
    return out


def drift(env: Env) -> list[Fault]:
    page = fetch(env, 1)
    rows = [drifted(row, ID_KEYS[env.connector]) for row in items(page)]
    return [Fault("body", path=env.connector.list_path, body=with_items(page, rows))]


def insert_while_paging(env: Env) -> None:
    """Add an employee as soon as the first page of the listing has been served (it is held 1.5 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(e.fault == "slow" for e in env.sandbox.log.snapshot()):
            env.sandbox.app.company.add_employee()
            return
        time.sleep(0.05)


def http_date(seconds_ahead: float) -> str:
    return formatdate(time.time() + seconds_ahead, usegmt=True)


def peoplehr_error(status: int, message: str) -> Callable[[Env], list[Fault]]:
    body = {"isError": True, "Status": status, "Message": message, "Result": None}
    return lambda env: [Fault("body", path=PEOPLEHR.list_path, body=body)]


def on_list(kind: str, **kwargs: Any) -> Callable[[Env], list[Fault]]:
    return lambda env: [Fault(kind, path=env.connector.list_path, after=page_after(env.connector), **kwargs)]


SCENARIOS = [
    Scenario("5xx burst", on_list("status", status=503, times=2)),
    Scenario(
        "502 then 500", lambda env: on_list("status", status=502)(env) + on_list("status", status=500)(env)
    ),
    Scenario("429 Retry-After seconds", on_list("rate_limit", retry_after="2", times=1)),
    Scenario("429 Retry-After HTTP date", lambda env: on_list("rate_limit", retry_after=http_date(6))(env)),
    Scenario("connection reset", on_list("reset", times=2)),
    Scenario(
        "slower than the read timeout", on_list("slow", delay=4), config={"request_timeout_seconds": 1.5}
    ),
    Scenario("truncated body", on_list("truncate")),
    Scenario("malformed JSON", on_list("malformed")),
    Scenario("HTML page with 200", on_list("html")),
    Scenario("empty page before the last", empty_page, only=(SAGE, SESAME)),
    Scenario("data null on a later page", null_data, only=(SAGE, SESAME)),
    # Sesame reads a list without `meta` as its last page, with a warning (issue 16; tests/sesame_hr/test_faults.py)
    Scenario("a page without meta", without_meta, only=(SAGE,)),
    Scenario(
        "success without a Result",
        lambda env: [
            Fault(
                "body",
                path=PEOPLEHR.list_path,
                body={"isError": False, "Status": 0, "Message": "OK", "Result": None},
            )
        ],
        only=(PEOPLEHR,),
    ),
    Scenario("same record on two pages", duplicate),
    Scenario(
        "record inserted while paging",
        on_list("slow", delay=1.5),
        expect="superset",
        during=insert_while_paging,
        only=(SAGE, SESAME),
    ),
    Scenario("schema drift", drift, same_hashes=False),
    Scenario(
        "persistent 503", on_list("status", status=503, retry_after="1", times=-1), expect="fail", message=""
    ),
    # PeopleHR answers errors with HTTP 200 and {"isError": true, "Status": N}
    Scenario(
        "isError 1 (key missing)",
        peoplehr_error(1, "API key is missing."),
        "fail",
        "refused the API key",
        only=(PEOPLEHR,),
    ),
    Scenario(
        "isError 2 (invalid key)",
        peoplehr_error(2, "Invalid API Key."),
        "fail",
        "refused the API key",
        only=(PEOPLEHR,),
    ),
    Scenario(
        "isError 3 (no action)", peoplehr_error(3, "Action is missing."), "fail", "Status 3", only=(PEOPLEHR,)
    ),
    Scenario(
        "isError 4 (bad action)", peoplehr_error(4, "Invalid Action."), "fail", "Status 4", only=(PEOPLEHR,)
    ),
    Scenario(
        "isError 5 (no access)",
        peoplehr_error(5, "No access on employee schema."),
        "fail",
        "no access",
        only=(PEOPLEHR,),
    ),
    Scenario(
        "isError 5 (key unknown)",
        peoplehr_error(5, "API Key does not exists."),
        "fail",
        "refused the API key",
        only=(PEOPLEHR,),
    ),
    Scenario(
        "isError 6 (server error)",
        lambda env: [
            Fault(
                "body",
                path=PEOPLEHR.list_path,
                body={"isError": True, "Status": 6, "Message": "Oops! Something went wrong.", "Result": None},
            )
        ],
        only=(PEOPLEHR,),
    ),
    Scenario(
        "isError 7 (no JSON)", peoplehr_error(7, "No Json Data Found"), "fail", "Status 7", only=(PEOPLEHR,)
    ),
    Scenario(
        "isError 8 (no form data)",
        peoplehr_error(8, "Either empty or no Form Data."),
        "fail",
        "Status 8",
        only=(PEOPLEHR,),
    ),
    Scenario(
        "isError 9 (invalid JSON)",
        peoplehr_error(9, "Invalid json data."),
        "fail",
        "Status 9",
        only=(PEOPLEHR,),
    ),
]


def run_scenario(connector: Connector, baseline: list[tuple[str, str]], scenario: Scenario) -> str | None:
    """Run one scenario on a fresh sandbox; the problem found, or None."""
    sandbox = start_sandbox(connector)
    try:
        env = make_env(connector, sandbox)
        env.baseline = baseline
        faults = scenario.faults(env)
        for fault in faults:
            sandbox.faults.add(fault)
        helper = threading.Thread(target=scenario.during, args=(env,)) if scenario.during else None
        if helper:
            helper.start()
        result = env.read(config={**env.config, **scenario.config})
        if helper:
            helper.join()
        return judge(env, scenario, result, faults)
    finally:
        sandbox.stop()


def judge(env: Env, scenario: Scenario, result: RunResult, faults: list[Fault]) -> str | None:
    stream = env.connector.stream
    errors = result.errors()
    if any(f.times > 0 and not f.exhausted() for f in faults):
        return "a fault was never served (the scenario did not test anything)"
    if "Traceback" in " ".join(e.get("message", "") for e in errors):
        return f"traceback in the error message: {errors}"
    if scenario.expect == "fail":
        if result.returncode == 0 or not errors:
            return (
                f"expected a failure, got exit {result.returncode} and {len(result.records(stream))} records"
            )
        text = " ".join(e.get("message", "") + " " + (e.get("internal_message") or "") for e in errors)
        return (
            None
            if scenario.message.lower() in text.lower()
            else f"message lacks {scenario.message!r}: {text[:500]}"
        )
    if result.returncode != 0 or errors:
        return f"failed (exit {result.returncode}): {[e.get('message') for e in errors]}"
    got = fingerprints(result, stream)
    if scenario.expect == "superset":
        ids = [i for i, _ in got]
        missing = {i for i, _ in env.baseline} - set(ids)
        return (f"missing {sorted(missing)[:5]}" if missing else None) or (
            "a record was emitted twice" if len(ids) != len(set(ids)) else None
        )
    if not scenario.same_hashes:
        validator = Draft7Validator(load_schema(stream, strict=True))
        invalid = [e.message for r in result.records(stream) for e in validator.iter_errors(r)]
        if invalid:
            return f"records not schema-valid: {invalid[:3]}"
        got_ids, want_ids = sorted(i for i, _ in got), sorted(i for i, _ in env.baseline)
        return None if got_ids == want_ids else f"ids differ: {len(got_ids)} vs {len(want_ids)}"
    return None if got == env.baseline else f"records differ: {len(got)} vs {len(env.baseline)} expected"


@pytest.mark.parametrize("connector", CONNECTORS, ids=str)
def test_every_fault_is_survived_or_reported(connector: Connector) -> None:
    sandbox = start_sandbox(connector)
    try:
        env = make_env(connector, sandbox)
        baseline = fingerprints(env.read().raise_on_failure(), connector.stream)
    finally:
        sandbox.stop()
    scenarios = [s for s in SCENARIOS if connector in s.only]
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = dict(
            zip(
                [s.name for s in scenarios],
                pool.map(lambda s: run_scenario(connector, baseline, s), scenarios),
                strict=True,
            )
        )
    problems = {name: problem for name, problem in outcomes.items() if problem}
    assert not problems, problems
