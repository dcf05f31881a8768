"""Contract: every sandbox response validates against the vendor spec's response schema for its
endpoint (``sage-hr-openapi.yml`` in the vendor specs, outside this repository: ``VENDOR_SPECS_DIR``), wherever the spec defines one.

OpenAPI 3.0 schemas become JSON Schema: ``$ref`` resolved, ``nullable: true`` allows null. The spec
marks almost nothing nullable although its own examples and real payloads carry nulls, and it types a
few fields against reality; `RELAXED` lists each exception with its source. Everything else (types
of every documented field, array items, nested objects) is checked as the vendor wrote it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
import yaml
from hris_sandbox import SandboxServer
from hris_sandbox.providers.sage_hr import API_KEY

SPEC = Path(
    os.environ.get("VENDOR_SPECS_DIR", Path(__file__).resolve().parents[3] / "shared" / "vendor-specs")
)
SPEC_FILE = SPEC / "sage-hr-openapi.yml"

#: (component schema, property) -> extra JSON types allowed, and why.
RELAXED: dict[tuple[str, str], tuple[list[str], str]] = {
    **{
        (schema, prop): (["null"], "optional employee fields are null when unset (S1 examples, S3 payloads)")
        for schema in ("EmployeeListActiveEmployeesResponse_data_inner", "EmployeeGetByIdResponse_data")
        for prop in (
            "picture_url",
            "date_of_birth",
            "reports_to_employee_id",
            "work_phone",
            "home_phone",
            "mobile_phone",
            "gender",
            "street_first",
            "city",
            "country",
        )
    },
    **{
        (schema, "post_code"): (["string", "null"], "S1 types post_code as a number; UK/EU codes are text")
        for schema in ("EmployeeListActiveEmployeesResponse_data_inner", "EmployeeGetByIdResponse_data")
    },
    **{
        (schema, prop): (["null"], "leavers' optional fields are null when unset")
        for schema in (
            "EmployeeListTerminatedEmployeesResponse_data_inner",
            "EmployeeGetTerminatedEmployeeResponse_data",
        )
        for prop in ("picture_url", "date_of_birth")
    },
    **{
        (f"{prefix}_{history}_inner", "end_date"): (["null"], "the current history row has no end date")
        for prefix in ("EmployeeListActiveEmployeesResponse_data_inner", "EmployeeGetByIdResponse_data")
        for history in ("team_history", "employment_status_history", "position_history")
    },
    ("EmployeeGetCompensationsResponse_data_inner", "end_date"): (["null"], "the current row is open [I]"),
    **{
        (f"{schema}_meta", "next_page"): (["null"], "null on the last page (reference section 2)")
        for schema in (
            "EmployeeListActiveEmployeesResponse",
            "EmployeeListTerminatedEmployeesResponse",
            "PositionsListCompanyPositionsResponse",
            "TeamsListInCompanyResponse",
            "TerminationsReasonsListInCompanyResponse",
            "LeaveManagementListTimeOffRequestsResponse",
            "EmployeeGetCompensationsResponse",
        )
    },
    **{
        (f"{schema}_meta", "previous_page"): (["number"], "a page number like next_page; S1 shows only null")
        for schema in (
            "EmployeeListActiveEmployeesResponse",
            "EmployeeListTerminatedEmployeesResponse",
            "PositionsListCompanyPositionsResponse",
            "TeamsListInCompanyResponse",
            "TerminationsReasonsListInCompanyResponse",
            "LeaveManagementListTimeOffRequestsResponse",
            "EmployeeGetCompensationsResponse",
        )
    },
}


@cache
def spec() -> dict[str, Any]:
    if not SPEC_FILE.exists():
        pytest.skip(f"vendor spec not found at {SPEC_FILE} (set VENDOR_SPECS_DIR)")
    return yaml.safe_load(SPEC_FILE.read_text("utf-8"))


def to_json_schema(node: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """An OpenAPI 3.0 schema node as JSON Schema, with `RELAXED` applied to the properties of `name`."""
    if "$ref" in node:
        ref = node["$ref"].rsplit("/", 1)[-1]
        return to_json_schema(spec()["components"]["schemas"][ref], ref)
    out: dict[str, Any] = {}
    if "type" in node:
        out["type"] = [node["type"], "null"] if node.get("nullable") else node["type"]
    if "properties" in node:
        out["properties"] = {}
        for prop, sub in node["properties"].items():
            converted = to_json_schema(sub)
            extra = RELAXED.get((name or "", prop))
            if extra and "type" in converted:
                types = converted["type"] if isinstance(converted["type"], list) else [converted["type"]]
                converted["type"] = sorted(set(types) | set(extra[0]))
            out["properties"][prop] = converted
    if "items" in node:
        out["items"] = to_json_schema(node["items"])
    if "required" in node:
        out["required"] = node["required"]
    return out


def response_schema(path: str, status: str = "200", method: str = "get") -> dict[str, Any]:
    content = spec()["paths"][path][method]["responses"][status]["content"]["application/json"]
    return to_json_schema(content["schema"])


def check(schema: dict[str, Any], body: Any, where: str) -> None:
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{where}: {errors[0].message} at {list(errors[0].absolute_path)}"


def fetch(sandbox: SandboxServer, path: str, **params: Any) -> requests.Response:
    return requests.get(f"{sandbox.url}/api{path}", headers={"X-Auth-Token": API_KEY}, params=params)


def pages(sandbox: SandboxServer, path: str, **params: Any) -> Iterator[Any]:
    page: int | None = 1
    while page:
        body = fetch(sandbox, path, page=page, **params).json()
        yield body
        page = body["meta"]["next_page"]


FLAGS = {"team_history": "true", "employment_status_history": "true", "position_history": "true"}


def test_every_list_page_matches_the_vendor_schema(sandbox):
    for path, params in (
        ("/employees", {}),
        ("/employees", FLAGS),
        ("/terminated-employees", {}),
        ("/teams", {}),
        ("/positions", {}),
        ("/termination-reasons", {}),
        ("/leave-management/requests", {"from": "2025-01-01", "to": "2025-02-28"}),
        ("/leave-management/requests", {"from": "2026-03-01", "to": "2026-04-29"}),
        ("/leave-management/reports/individual-allowances", {"per_page": "100"}),
    ):
        schema = response_schema(path)
        for index, body in enumerate(pages(sandbox, path, **params)):
            assert body["data"], f"{path} page {index + 1} is empty"
            check(schema, body, f"GET {path} {params} page {index + 1}")
    check(
        response_schema("/leave-management/policies"),
        fetch(sandbox, "/leave-management/policies").json(),
        "policies",
    )
    for typ in sandbox.app.company.time_off_types:
        check(
            response_schema("/leave-management/policies/{id}"),
            fetch(sandbox, f"/leave-management/policies/{typ.key}").json(),
            f"policy {typ.key}",
        )


def test_single_objects_and_per_employee_lists_match_the_vendor_schema(sandbox):
    company = sandbox.app.company
    active = company.active_employees()[:15]
    leavers = company.terminated_employees()[:5]
    for employee in active:
        check(
            response_schema("/employees/{id}"),
            fetch(sandbox, f"/employees/{employee.key}", **FLAGS).json(),
            "employee",
        )
    for employee in leavers:
        body = fetch(sandbox, f"/terminated-employees/{employee.key}").json()
        check(response_schema("/terminated-employees/{id}"), body, "terminated employee")
    for employee in active + leavers:
        for path in (
            "/employees/{id}/compensations",
            "/employees/{id}/custom-fields",
            "/employees/{id}/leave-management/balances",
        ):
            body = fetch(sandbox, path.replace("{id}", str(employee.key))).json()
            check(response_schema(path), body, f"{path} of {employee.key}")


def test_error_bodies_match_the_vendor_error_schemas(sandbox):
    not_found = response_schema("/employees/{id}", status="404", method="put")
    for path in ("/employees/999999", "/terminated-employees/999999", "/employees/999999/compensations"):
        response = fetch(sandbox, path)
        assert response.status_code == 404
        check(not_found, response.json(), f"404 of {path}")
    too_long = fetch(sandbox, "/leave-management/requests", **{"from": "2025-01-01", "to": "2025-06-01"})
    assert too_long.status_code == 422
    check(
        response_schema("/leave-management/requests", status="422", method="post"),
        too_long.json(),
        "window 422",
    )


def test_the_converter_enforces_what_the_spec_says():
    schema = response_schema("/teams")
    with pytest.raises(AssertionError, match="is not of type 'array'"):
        check(schema, {"data": [{"id": 1, "name": "Sales", "manager_ids": 5}]}, "bad team")
    with pytest.raises(AssertionError, match="None is not of type 'number'"):
        check(response_schema("/employees"), {"data": [{"id": None}]}, "null id")
    check(
        response_schema("/leave-management/requests"), {"data": [{"approval_date": None}]}, "nullable field"
    )
