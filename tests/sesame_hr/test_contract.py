"""The Sesame sandbox answers in the vendor's shapes: every response of an endpoint the sandbox serves and
the vendor spec (``sesame-hr-openapi.yaml``, outside this repository: ``VENDOR_SPECS_DIR``) describes validates against the spec's
200 schema, every page of it.

The spec is converted to JSON Schema with three documented relaxations:
- every value may be null: the spec marks only a few fields nullable, yet it describes fields that are
  necessarily null in many rows (``deletedAt`` of live rows, ``resolvedAt`` of pending requests,
  ``workEntryOut`` while clocked in);
- objects may carry more properties (the spec is the 2024 state; current docs add fields);
- ``comment`` and ``resolutionComment`` are typed ``uuid`` but are free text (reference §9.5);
- a listed salary's ``grossSalary`` is typed ``integer`` after its example (35000), but salaries are
  created with a ``number`` (``format: float``, ``SalariesCreateSalaryRequest``): cents are kept;
  likewise a vacation calendar's ``maxDaysOff`` (a part-timer's pro rata allowance keeps its decimals).
Formats are checked, including the vendor's own (``Y-m-dTH:i:sP``, ``H:i``, ``Y-m``, ``m-d``); a format
the checker does not know fails the test rather than passing unchecked.

The compensation endpoints are newer than the spec file; they are checked against the fields the
current docs list (reference §3, §4.6).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
import yaml
from hris_sandbox import Company, SandboxServer
from hris_sandbox.providers.sesame_hr import SesameHRApp

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "vendor-specs" / "sesame-hr-openapi.yaml"
FREE_TEXT = {"comment", "resolutionComment"}
#: Fields whose listed type comes from an integer example while the spec creates them as numbers.
NUMBERS = {"grossSalary", "maxDaysOff"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
FORMATS = {
    "uuid": lambda v: bool(uuid.UUID(v)),
    "date": lambda v: bool(date.fromisoformat(v)) and len(v) == 10,
    "Y-m-d": lambda v: bool(date.fromisoformat(v)) and len(v) == 10,
    "email": lambda v: "@" in v,
    "float": lambda v: True,  # a number; the type already says so
    "Y-m-dTH:i:sP": lambda v: bool(TIMESTAMP.match(v)),
    "H:i": lambda v: bool(re.fullmatch(r"\d{2}:\d{2}", v)),
    "Y-m": lambda v: bool(re.fullmatch(r"\d{4}-\d{2}", v)),
    "m-d": lambda v: bool(re.fullmatch(r"\d{2}-\d{2}", v)),
    "cf_[a-z0-9_]+": lambda v: bool(re.fullmatch(r"cf_[a-z0-9_]+", v)),
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.fail(f"the vendor spec is missing at {SPEC_PATH}")
    return yaml.safe_load(SPEC_PATH.read_text("utf-8"))


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    company = Company.generate(employees=80, seed=11)
    # a clocked-in entry (no clock-out yet) and a soft-deleted one
    active = next(e for e in company.employee_list() if e.work_entries)
    company.edit_work_entry(active.key, active.work_entries[-1].key, clock_out=None)
    company.delete_work_entry(active.key, active.work_entries[0].key)
    with SandboxServer(SesameHRApp(company, rate_limit=0)) as server:
        yield server


def to_json_schema(node: Any, spec: dict[str, Any], formats: set[str], name: str = "") -> Any:
    """OpenAPI 3.0 schema -> JSON Schema draft 7, with the relaxations of the module docstring."""
    if isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return to_json_schema(target, spec, formats, name)
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {k: to_json_schema(v, spec, formats, k) for k, v in value.items()}
        elif key == "items":
            out[key] = to_json_schema(value, spec, formats, name)
        elif key == "type":
            out[key] = ["number" if name in NUMBERS and value == "integer" else value, "null"]
        elif key == "enum":
            out[key] = [*value, None]
        elif key == "format":
            if not (name in FREE_TEXT and value == "uuid"):
                out[key] = value
                formats.add(value)
        elif key in ("required", "additionalProperties"):
            out[key] = value
    return out


def response_schema(spec: dict[str, Any], path: str) -> tuple[dict[str, Any], set[str]]:
    media = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    formats: set[str] = set()
    return to_json_schema(media["schema"], spec, formats), formats


def validator(schema: dict[str, Any], formats: set[str]) -> jsonschema.Draft7Validator:
    unknown = formats - FORMATS.keys()
    assert not unknown, f"formats the contract test cannot check: {unknown}"
    checker = jsonschema.FormatChecker(formats=[])
    for name in formats:
        test = FORMATS[name]
        checker.checks(name, raises=(ValueError, TypeError))(
            lambda v, test=test: not isinstance(v, str) or test(v)  # formats apply to strings only
        )
    return jsonschema.Draft7Validator(schema, format_checker=checker)


def get(sandbox: SandboxServer, path: str, **params: Any) -> requests.Response:
    app: SesameHRApp = sandbox.app  # type: ignore[assignment]
    return requests.get(
        sandbox.url + path, params=params, headers={"Authorization": f"Bearer {app.token}"}, timeout=30
    )


def pages(sandbox: SandboxServer, path: str, **params: Any) -> Iterator[dict[str, Any]]:
    number = 1
    while True:
        response = get(sandbox, path, page=number, limit=500, **params)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        body = response.json()
        yield body
        if "meta" not in body or body["meta"]["currentPage"] >= body["meta"]["lastPage"]:
            return
        number += 1


def sample_employees(sandbox: SandboxServer, count: int = 12) -> list[str]:
    app: SesameHRApp = sandbox.app  # type: ignore[assignment]
    staff = app.company.employee_list()
    step = max(1, len(staff) // count)
    return [e.uid for e in staff[::step]]


def requests_for(sandbox: SandboxServer, spec_path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The sandbox requests that exercise one spec path."""
    if "{id}" in spec_path or "{employeeId}" in spec_path:
        for uid in sample_employees(sandbox):
            yield spec_path.replace("{id}", uid).replace("{employeeId}", uid), {}
    elif spec_path == "/contract/v1/salaries":
        for uid in sample_employees(sandbox):
            yield spec_path, {"employeeId": uid}
    elif spec_path == "/schedule/v1/holidays":
        app: SesameHRApp = sandbox.app  # type: ignore[assignment]
        for uid in sample_employees(sandbox):
            yield spec_path, {"employeeId": uid, "year": app.company.as_of.year}
    elif "{holidayCalendarId}" in spec_path:
        for calendar in next(pages(sandbox, "/schedule/v1/holiday-calendar"))["data"]:
            yield spec_path.replace("{holidayCalendarId}", calendar["id"]), {}
    elif spec_path == "/schedule/v1/work-entries":
        yield spec_path, {"onlyReturn": "all"}
    else:
        yield spec_path, {}


def served_spec_paths(spec: dict[str, Any], sandbox: SandboxServer) -> list[str]:
    patterns = {route.pattern for route in sandbox.app.routes}
    normalised = {re.sub(r"\{\w+\}", "{}", p) for p in patterns}
    return sorted(
        p for p, ops in spec["paths"].items() if "get" in ops and re.sub(r"\{\w+\}", "{}", p) in normalised
    )


def test_the_contract_covers_the_endpoints_connectors_read(
    spec: dict[str, Any], sandbox: SandboxServer
) -> None:
    covered = set(served_spec_paths(spec, sandbox))
    wanted = {
        "/core/v3/info",
        "/core/v3/employees",
        "/core/v3/employees/{id}",
        "/core/v3/departments",
        "/core/v3/offices",
        "/core/v3/employee-department-assignations",
        "/core/v3/employee-office-assignations",
        "/core/v3/employee-managers",
        "/core/v3/custom-fields",
        "/schedule/v1/work-entries",
        "/schedule/v1/vacation-configurations",
        "/schedule/v1/vacation-day-off-requests",
        "/schedule/v1/absence-types",
        "/schedule/v1/absence-day-off-requests",
        "/contract/v1/contracts/{employeeId}",
        "/contract/v1/salaries",
        "/schedule/v1/vacation-calendars",
        "/schedule/v1/holiday-calendar",
        "/schedule/v1/holidays/{holidayCalendarId}/employees",
        "/schedule/v1/holidays",
    }
    assert wanted <= covered, f"not served or not in the spec: {sorted(wanted - covered)}"


def test_every_served_endpoint_matches_the_vendor_schema(
    spec: dict[str, Any], sandbox: SandboxServer
) -> None:
    checked = 0
    for spec_path in served_spec_paths(spec, sandbox):
        schema, formats = response_schema(spec, spec_path)
        check = validator(schema, formats)
        for path, params in requests_for(sandbox, spec_path):
            for body in pages(sandbox, path, **params):
                errors = sorted(check.iter_errors(body), key=lambda e: list(e.absolute_path))
                assert not errors, (
                    f"{path}: {errors[0].message} at {list(errors[0].absolute_path)} "
                    f"(schema path {list(errors[0].absolute_schema_path)[-4:]})"
                )
                checked += len(body["data"]) if isinstance(body.get("data"), list) else 1
    assert checked > 2_000, f"only {checked} objects were checked"


def test_the_contract_checker_rejects_what_the_spec_forbids(
    spec: dict[str, Any], sandbox: SandboxServer
) -> None:
    schema, formats = response_schema(spec, "/schedule/v1/vacation-day-off-requests")
    check = validator(schema, formats)
    body = next(pages(sandbox, "/schedule/v1/vacation-day-off-requests"))
    good = body["data"][0]
    for change in (
        {"status": "approved"},  # not in the enum
        {"type": "cancel"},
        {"createdAt": "2024-05-10 17:02:11"},  # no offset
        {"daysOff": [{"date": "10/05/2024", "seconds": 3600}]},
        {"id": "not-a-uuid"},
    ):
        assert list(check.iter_errors({**body, "data": [{**good, **change}]})), change


COMPENSATION = {
    "type": "object",
    "required": ["id", "name", "compensationType", "period", "currency", "status"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "companyId": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "compensationType": {"enum": ["fixed", "variable", "additional"]},
        "quantity": {"type": ["number", "null"]},
        "percentage": {"type": ["number", "null"]},
        "period": {"enum": ["weekly", "biweekly", "fortnightly", "monthly"]},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "recurrence": {"type": ["integer", "null"]},
        "status": {"enum": ["active", "inactive"]},
        "createdAt": {"type": "string", "format": "Y-m-dTH:i:sP"},
        "updatedAt": {"type": "string", "format": "Y-m-dTH:i:sP"},
    },
}
ASSIGNMENT = {
    "type": "object",
    "required": ["id", "compensationId", "startDate", "compensation"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "compensationId": {"type": "string", "format": "uuid"},
        "salaryId": {"type": ["string", "null"], "format": "uuid"},
        "startDate": {"type": "string", "format": "date"},
        "endDate": {"type": ["string", "null"], "format": "date"},
        "compensation": COMPENSATION,
    },
}


def listing_of(item: dict[str, Any]) -> dict[str, Any]:
    meta = {"type": "integer"}
    return {
        "type": "object",
        "required": ["data", "meta"],
        "properties": {
            "data": {"type": "array", "items": item},
            "meta": {
                "type": "object",
                "required": ["currentPage", "lastPage", "total", "perPage"],
                "properties": dict.fromkeys(("currentPage", "lastPage", "total", "perPage"), meta),
            },
        },
    }


def test_compensation_endpoints_match_the_current_docs(sandbox: SandboxServer) -> None:
    formats = {"uuid", "date", "Y-m-dTH:i:sP"}
    catalogue = next(pages(sandbox, "/contract/v1/compensations"))
    validator(listing_of(COMPENSATION), formats).validate(catalogue)
    assert catalogue["data"], "the sample company has allowances"
    assigned = 0
    for uid in [e.uid for e in sandbox.app.company.employee_list()]:
        body = next(pages(sandbox, f"/contract/v1/employees/{uid}/compensations"))
        validator(listing_of(ASSIGNMENT), formats).validate(body)
        assigned += len(body["data"])
    per_item = next(pages(sandbox, f"/contract/v1/compensations/{catalogue['data'][0]['id']}/employees"))
    validator(listing_of(ASSIGNMENT), formats).validate(per_item)
    assert assigned and per_item["data"]
