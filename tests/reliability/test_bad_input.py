"""Bad config values: `check` answers with a `config_error` trace naming the field, never a traceback, and
sends nothing to the API. Base-URL overrides must be https except for loopback addresses."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conformance.runner import RunResult, configured_catalog

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
    ("max_deletion_percent", -1),
    ("max_deletion_percent", 101),
    ("max_deletion_percent", "all"),
    ("max_deletion_percent", 12.5),
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


STREAM_STATE = (
    '[{"type": "STREAM", "stream": {"stream_descriptor": {"name": "employees"}, "stream_state": %s}}]'
)
#: (verb, flag, file content or None for a missing file, what the error must say besides the file name)
BAD_FILES = [
    ("check", "--config", None, "does not exist"),
    ("check", "--config", b"", "is empty"),
    ("check", "--config", b'{"start_date": "2024-01-01", "api', "not valid JSON"),
    ("check", "--config", b"[1, 2]", "holds a JSON array"),
    ("check", "--config", b'"acme"', "holds a JSON string"),
    ("read", "--catalog", None, "does not exist"),
    ("read", "--catalog", b"{streams", "not valid JSON"),
    ("read", "--catalog", b'{"streams": 5}', '"streams" array'),
    ("read", "--catalog", b'{"streams": [{"stream": 1}]}', "not a configured catalog"),
    ("read", "--state", None, "does not exist"),
    ("read", "--state", b'[{"type": "STREAM", "stream": {"stream_descr', "not valid JSON"),
    ("read", "--state", b'{"employees": {"modified_at": "2024-01-01"}}', "holds a JSON object"),
    ("read", "--state", b"[5]", "not a STATE message"),
    ("read", "--state", b'[{"type": "STREAM", "stream": {"stream_state": {}}}]', "stream_descriptor"),
    ("read", "--state", (STREAM_STATE % '{"modified_at": 5}').encode(), "'modified_at' is int"),
    ("read", "--state", (STREAM_STATE % '{"change_detection": []}').encode(), "'change_detection' is list"),
    (
        "read",
        "--state",
        (STREAM_STATE % '{"change_detection": {"scopes": {"": 7}}}').encode(),
        "'change_detection.scopes' holds int",
    ),
]


def test_an_unusable_config_catalog_or_state_file_is_a_config_error_naming_it(clean: Env) -> None:
    catalog = configured_catalog(clean.catalog, incremental=True, streams=["employees"])
    problems = {}
    for verb, flag, content, says in BAD_FILES:
        arguments = {"config": clean.config, "catalog": catalog if verb == "read" else None}
        result = clean.run(verb, arguments["config"], catalog=arguments["catalog"], raw={flag: content})
        label = f"{verb} {flag} {content[:40] if content is not None else '<missing>'}"
        errors = result.errors()
        if result.returncode != 1 or len(errors) != 1 or errors[0]["failure_type"] != "config_error":
            problems[label] = f"exit {result.returncode}, {[e.get('message', '')[:120] for e in errors]}"
        elif f"{flag[2:]} file" not in errors[0]["message"] or says not in errors[0]["message"]:
            problems[label] = errors[0]["message"][:300]
        elif "Traceback" in result.stdout + result.stderr or result.non_json_lines:
            problems[label] = "a traceback, or output that is not an Airbyte message"
    assert not problems, problems
    assert clean.sandbox.log.count() == 0, "an unusable file must not reach the API"
