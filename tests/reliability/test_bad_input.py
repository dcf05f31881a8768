"""Bad config values: `check` answers with a `config_error` trace naming the field, never a traceback, and
sends nothing to the API. Base-URL overrides must be https except for loopback addresses."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conformance.runner import RunResult

from .conftest import PEOPLEHR, SAGE, SESAME, Env

pytestmark = pytest.mark.slow

MISSING = object()
FUTURE = "2999-01-01"
COMMON = [
    ("start_date", ""),
    ("start_date", "2024-13-45"),
    ("start_date", "01/02/2024"),
    ("start_date", 20240101),
    ("start_date", FUTURE),
    ("start_date", MISSING),
    ("requests_per_minute", 0),
    ("requests_per_minute", -5),
    ("requests_per_minute", "fast"),
    ("requests_per_minute", 1.5),
    ("request_timeout_seconds", 0),
    ("request_timeout_seconds", "soon"),
    ("include_remote_data", "yes"),
    ("base_url", "http://hr.example.com"),
    ("base_url", "ftp://127.0.0.1/api"),
    ("base_url", "https://user:pw@proxy.example.com"),
    ("base_url", 5),
]
CASES: dict[str, list[tuple[str, Any]]] = {
    SAGE.name: [
        *COMMON,
        ("subdomain", ""),
        ("subdomain", 42),
        ("subdomain", "https://evil.example.com/acme"),
        ("subdomain", "acme.sage.hr/../../evil"),
        ("subdomain", "acme.evil.com"),
        ("subdomain", "ac me"),
        ("subdomain", MISSING),
        ("api_key", ""),
        ("api_key", 12345),
        ("api_key", MISSING),
        ("future_horizon_days", -1),
        ("future_horizon_days", "year"),
        ("include_custom_fields", "yes"),
        ("policy_categories", "Duvet day"),
        ("policy_categories", {"Duvet day": "NAP"}),
    ],
    PEOPLEHR.name: [
        *COMMON,
        ("api_key", ""),
        ("api_key", 12345),
        ("api_key", MISSING),
        ("account", ""),
        ("account", "acme:evil"),
        ("account", 7),
        ("include_leavers", "no"),
        ("read_areas", "Holiday"),
        ("read_areas", ["Holiday", "Payroll"]),
        ("holiday_query", "  "),
        ("absence_query", "  "),
        ("salary_query", 3),
        ("currency_symbols", {"$": "dollar"}),
        ("currency_symbols", "USD"),
    ],
    SESAME.name: [
        *COMMON,
        ("api_token", ""),
        ("api_token", "two words"),
        ("api_token", 12345),
        ("api_token", MISSING),
        ("region", "us9"),
        ("region", ""),
        ("num_workers", 0),
        ("num_workers", 11),
        ("page_size", 0),
        ("page_size", 501),
        ("include_compensation_assignments", "yes"),
        ("time_off_categories", {"Baja IT": "ILL"}),
        ("time_off_categories", "SICK"),
    ],
}


def check(env: Env, field: str, value: Any) -> RunResult:
    config = {k: v for k, v in env.config.items() if k != field}
    if value is not MISSING:
        config[field] = value
    return env.run("check", config)


def test_every_bad_value_fails_check_naming_its_field(clean: Env) -> None:
    cases = CASES[clean.connector.name]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda case: check(clean, *case), cases))
    problems = {}
    for (field, value), result in zip(cases, results, strict=True):
        errors = result.errors()
        label = f"{field}={value if value is not MISSING else '<missing>'!r}"
        if not errors:
            problems[label] = f"no error trace; status {result.connection_status()}"
            continue
        error = errors[0]
        if error.get("failure_type") != "config_error" or f"'{field}'" not in error["message"]:
            problems[label] = f"{error.get('failure_type')}: {error['message'][:200]}"
        elif "Traceback" in error["message"] or result.connection_status()["status"] != "FAILED":
            problems[label] = "a traceback in the message, or check did not fail"
    assert not problems, problems
    assert clean.sandbox.log.count() == 0, "a refused config must not reach the API"


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}", "http://localhost:{port}"])
def test_plain_http_is_accepted_for_loopback_only(clean: Env, url: str) -> None:
    base = clean.config["base_url"]
    loopback = base.replace("http://127.0.0.1", url.split(":{port}")[0])
    result = clean.run("check", {**clean.config, "base_url": loopback})
    assert result.connection_status()["status"] == "SUCCEEDED", result.errors()
