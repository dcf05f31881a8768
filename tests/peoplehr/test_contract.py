"""Contract: the sandbox's answers validate against the vendor swagger's schemas wherever it has them,
and carry every field those schemas list.

The swagger (``peoplehr-swagger.json`` in the vendor specs, outside this repository: ``VENDOR_SPECS_DIR``)
is used as published except where the reference notes' ``providers/peoplehr.md`` record what real clients receive instead
(`corrected`):

- the envelope flag is ``isError`` in every real client and capture; the swagger writes ``IsError`` (§2);
- booleans are JSON booleans; the swagger adds ``enum: ["false", "true"]`` of strings (§6);
- integer-typed fields with a decimal format or a string example are decimals or strings (§5);
- ``PartOfDay`` is ``AM``, ``PM`` or ``""`` for a full day (§6); the absence schema even types it boolean;
- holiday ``Status`` is any string: captures show Pending and Declined beside the spec's enum (§6);
- ``OtherContact``, ``RightToWork`` and ``BackgroundDetail`` are arrays of the drawn object (§9);
- wrapper objects "require" an ``EmployeeId`` key they never have (a copy-paste in the spec);
- ``lstFieldHistoryJobrole`` is null (§4).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
from hris_sandbox import SandboxServer
from hris_sandbox.providers.peoplehr import API_KEY

SPECS = Path(
    os.environ.get("VENDOR_SPECS_DIR", Path(__file__).resolve().parents[3] / "shared" / "vendor-specs")
)
SWAGGER = SPECS / "peoplehr-swagger.json"

# action path in the swagger -> (endpoint, request body); each answer is validated against its schema.
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "/Employee  -  GetAllEmployeeDetail": (
        "Employee",
        {"Action": "GetAllEmployeeDetail", "IncludeLeavers": "true"},
    ),
    "/Employee  -  GetEmployeeDetailById": (
        "Employee",
        {"Action": "GetEmployeeDetailById", "EmployeeId": "PW003"},
    ),
    "/Employee Holiday  -  GetHolidayDetail": ("Holiday", {"Action": "GetHolidayDetail"}),
    "/EmployeeAbsence  -  GetAbsenceDetail": (
        "Absence",
        {"Action": "GetAbsenceDetail", "StartDate": "2023-01-01", "EndDate": "2027-12-31"},
    ),
    "/EmployeeSalary  -  GetSalaryDetail": (
        "Salary",
        {"Action": "GetSalaryDetail", "IsIncludeHistory": "true"},
    ),
    "/EmployeeBenefit  -  GetBenefitByEmployeeId": ("Benefit", {"Action": "GetBenefitByEmployeeId"}),
    "/Query  -  GetQueryResultByQueryName": (
        "Query",
        {"Action": "GetQueryResultByQueryName", "QueryName": "Holiday Allowances"},
    ),
}


def corrected(swagger: dict[str, Any]) -> dict[str, Any]:
    """The swagger's definitions with the corrections of the module docstring applied."""
    definitions = copy.deepcopy(swagger["definitions"])

    def fix(node: Any, name: str = "") -> None:
        if isinstance(node, list):
            for item in node:
                fix(item)
            return
        if not isinstance(node, dict):
            return
        properties = node.get("properties")
        if isinstance(properties, dict):
            if "IsError" in properties:
                properties["isError"] = properties.pop("IsError")
            for key in ("PartOfDay",):
                if key in properties:
                    properties[key] = {"type": "string", "enum": ["AM", "PM", ""]}
            if "Status" in properties and properties["Status"].get("enum") == [
                "Submitted",
                "Approved",
                "Rejected",
            ]:
                properties["Status"] = {"type": "string"}
            if "lstFieldHistoryJobrole" in properties:
                properties["lstFieldHistoryJobrole"] = {"type": "null"}
            for key in ("OtherContact", "RightToWork", "BackgroundDetail"):
                if key in properties:
                    properties[key] = {"type": "array", "items": properties[key]}
            if node.get("required") == ["EmployeeId"] and "EmployeeId" not in properties:
                del node["required"]
        if node.get("type") == "boolean":
            node.pop("enum", None)
        if node.get("type") == "integer" and (
            node.get("format") in ("decimal", "double") or isinstance(node.get("example"), str)
        ):
            node["type"] = ["number", "string"]
        for key, value in node.items():
            fix(value, key)

    fix(definitions)
    return definitions


@pytest.fixture(scope="module")
def swagger() -> dict[str, Any]:
    if not SWAGGER.exists():
        pytest.skip(f"vendor spec not found at {SWAGGER} (set VENDOR_SPECS_DIR)")
    return json.loads(SWAGGER.read_text("utf-8"))


def schema_of(swagger: dict[str, Any], path: str, definitions: dict[str, Any]) -> dict[str, Any]:
    ref = swagger["paths"][path]["post"]["responses"]["200"]["$ref"].rsplit("/", 1)[-1]
    target = swagger["responses"][ref]["schema"]["$ref"]
    return {"definitions": definitions, "$ref": target}


def listed_properties(schema: dict[str, Any], definitions: dict[str, Any]) -> set[str]:
    """The property names a (possibly referenced, allOf-wrapped) object schema lists."""
    node = schema
    while True:
        if "$ref" in node:
            node = definitions[node["$ref"].rsplit("/", 1)[-1]]
        elif "allOf" in node and "properties" not in node:
            node = node["allOf"][0]
        elif node.get("type") == "array" and "items" in node:
            node = node["items"]
        else:
            return set(node.get("properties", {}))


def answers(sandbox: SandboxServer) -> Iterator[tuple[str, dict[str, Any]]]:
    company = sandbox.app.company
    employee = max(
        (e for e in company.employee_list() if e.benefits and len(e.compensations) > 1),
        key=lambda e: len(e.requests),
    )
    for path, (endpoint, body) in CASES.items():
        payload = {"APIKey": API_KEY, "EmployeeId": sandbox.app.employee_id(employee)} | body
        yield path, requests.post(f"{sandbox.url}/{endpoint}", json=payload, timeout=10).json()


def test_the_corrected_spots_are_what_the_swagger_publishes(swagger: dict[str, Any]) -> None:
    """The corrections target real defects of the published swagger (if a new copy fixed them,
    the corrections would be dropped)."""
    raw = swagger["definitions"]
    assert "IsError" in raw["ErrorForGetHolidayDetail"]["properties"]
    assert raw["Result1GetHolidayDetailArray"]["items"]["properties"]["IsToilHoliday"]["enum"] == [
        "false",
        "true",
    ]
    assert raw["ResultEmployeeAbsenceArray"]["items"]["properties"]["PartOfDay"]["type"] == "boolean"


def test_sandbox_answers_validate_against_the_corrected_swagger(
    sandbox: SandboxServer, swagger: dict[str, Any]
) -> None:
    definitions = corrected(swagger)
    raw = swagger["definitions"]
    rejected_raw = set()
    for path, answer in answers(sandbox):
        assert answer["isError"] is False, (path, answer["Message"])
        schema = schema_of(swagger, path, definitions)
        errors = list(jsonschema.Draft4Validator(schema).iter_errors(answer))
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"
        if list(jsonschema.Draft4Validator(schema_of(swagger, path, raw)).iter_errors(answer)):
            rejected_raw.add(path.rsplit(" ", 1)[-1])
        result = answer["Result"]
        item = result[0] if isinstance(result, list) else result
        result_schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]["properties"]["Result"]
        expected = listed_properties(result_schema, definitions)
        assert expected, path
        assert not expected - set(item), f"{path}: the sandbox omits {sorted(expected - set(item))}"
    # The corrections are needed: the swagger as published rejects what real clients receive.
    assert {"GetAllEmployeeDetail", "GetHolidayDetail", "GetAbsenceDetail"} <= rejected_raw


def test_salary_entitlements_follow_their_schema(sandbox: SandboxServer, swagger: dict[str, Any]) -> None:
    definitions = corrected(swagger)
    company = sandbox.app.company
    employee = next(e for e in company.employee_list() if any(c.kind == "allowance" for c in e.compensations))
    answer = requests.post(
        f"{sandbox.url}/Salary",
        json={
            "APIKey": API_KEY,
            "Action": "GetSalaryDetail",
            "EmployeeId": sandbox.app.employee_id(employee),
            "IsIncludeHistory": "true",
        },
        timeout=10,
    ).json()
    entitlements = [e for row in answer["Result"] for e in row["Entitlements"]]
    assert entitlements
    schema = {"definitions": definitions, "$ref": "#/definitions/EntitlementsObject"}
    jsonschema.Draft4Validator(schema).validate(entitlements)
    assert set(definitions["EntitlementsObject"]["items"]["properties"]) <= set(entitlements[0])
