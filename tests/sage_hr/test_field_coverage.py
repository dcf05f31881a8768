"""Nothing dropped silently: every field the sandbox renders for an endpoint the connector reads is
mapped, or listed in the README's "Not mapped, and why" table (`field_coverage`).

Each endpoint's raw records go through what the connector does with them: the stream's mapper, after
the extractor's additions where one endpoint only completes another's record (a leaver's detail, the
custom fields, the policy detail, the balances joined to the allowances report)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from field_coverage import coverage_problems, readme_table
from hris_sandbox import Company
from hris_sandbox.providers import create_app
from source_sage_hr import mappings
from source_sage_hr.components.extractors import (
    BALANCE_EMPLOYEE_KEY,
    BALANCE_KEY,
    CUSTOM_FIELDS_KEY,
    HISTORY_KEYS,
    POLICY_KEY,
    REASON_TYPE_KEY,
    TERMINATION_KEY,
    periods,
)
from unified_hris.mapping import MappingContext

README = Path(__file__).resolve().parents[2] / "connectors" / "source-sage-hr" / "README.md"
ACTIVE = MappingContext("sage_hr", "acme", {}, {"listing": "employees"})
LEAVERS = MappingContext("sage_hr", "acme", {}, {"listing": "terminated-employees"})
PER_EMPLOYEE = MappingContext("sage_hr", "acme", {}, {"employee_id": 7})
CTX = MappingContext("sage_hr", "acme", {}, {})

COMPANY = Company.generate(120, seed=3, years=3)
VIEW = create_app("sage-hr", COMPANY).view
LEAVER = COMPANY.terminated_employees()[0]
EMPLOYEE = COMPANY.active_employees()[0]
POLICIES = {p["id"]: {"name": p["name"], "unit": p["unit"]} for p in VIEW.policies()}


def active(raw: dict[str, Any]) -> Any:
    """`/employees?*_history=true`: the employee (without the histories) and their employments."""
    employee = {k: v for k, v in raw.items() if k not in HISTORY_KEYS}
    return mappings.employee(employee, ACTIVE), [mappings.employment(p, CTX) for p in periods(raw)]


def employees_() -> list[dict[str, Any]]:
    """The active employees, and one of them whose contract type changed: the company never changes
    anyone's, so no rendered status row has an end date."""
    rows = [dict(r) for r in VIEW.active_employees()]
    changed = dict(rows[0])
    start = changed["employment_start_date"]
    changed["employment_status_history"] = [
        {"employment_status_id": 1, "start_date": start, "end_date": "2025-12-31", "employment_statu_name": "Full-time"},
        {"employment_status_id": 2, "start_date": "2026-01-01", "end_date": None, "employment_statu_name": "Part-time"},
    ]
    return [*rows, changed]


def leaver_detail(raw: dict[str, Any]) -> Any:
    """`/terminated-employees/{id}`: the extractor keeps the reason of ``termination``."""
    record = {k: v for k, v in raw.items() if k != "termination"}
    return mappings.employee(record | {TERMINATION_KEY: {"reason": raw["termination"]["reason"]}}, LEAVERS)


def reason(raw: dict[str, Any]) -> Any:
    """`/termination-reasons`: the extractor keeps each reason's type, by name."""
    record = {"id": 1, TERMINATION_KEY: {"reason": raw["name"]}, REASON_TYPE_KEY: raw["type"]}
    return mappings.employee(record, LEAVERS)


def allowances(raw: dict[str, Any]) -> Any:
    """The allowances report: one balance per eligibility (`BalancesExtractor`, usage not joined)."""
    return [
        mappings.time_off_balance({BALANCE_EMPLOYEE_KEY: raw["id"], **e}, CTX) for e in raw["eligibilities"]
    ]


def balance(raw: dict[str, Any]) -> Any:
    base = {BALANCE_EMPLOYEE_KEY: 7, POLICY_KEY: {"id": raw.get("policy_id")}}
    return mappings.time_off_balance(base | {BALANCE_KEY: raw}, CTX)


def requests_() -> list[dict[str, Any]]:
    """Requests with question answers and a replacement: an empty ``fields`` list or a null
    ``replacement`` has no member to change, so it would look unread."""
    rows = VIEW.requests_overlapping(date(2000, 1, 1), date(2100, 1, 1))
    return [dict(r) for r in rows if r["fields"] and r["replacement"]]


ENDPOINTS: dict[str, tuple[Callable[[dict[str, Any]], Any], Callable[[], list[dict[str, Any]]]]] = {
    "/employees": (active, employees_),
    "/terminated-employees": (
        lambda raw: mappings.employee(raw, LEAVERS),
        lambda: [dict(r) for r in VIEW.terminated_employees()],
    ),
    "/terminated-employees/{id}": (
        leaver_detail,
        lambda: [VIEW.terminated(e) | {"termination": VIEW.termination(e)} for e in COMPANY.terminated_employees()],
    ),
    "/termination-reasons": (reason, VIEW.termination_reasons),
    "/employees/{id}/custom-fields": (
        lambda raw: mappings.employee({"id": 7, CUSTOM_FIELDS_KEY: [raw]}, ACTIVE),
        lambda: VIEW.custom_fields(EMPLOYEE),
    ),
    "/teams": (lambda raw: mappings.department(raw, CTX), VIEW.teams),
    "/leave-management/policies": (
        lambda raw: (mappings.time_off_type(raw, CTX), {raw["id"]: {"name": raw["name"], "unit": raw["unit"]}}),
        VIEW.policies,
    ),
    "/leave-management/policies/{id}": (
        lambda raw: mappings.time_off_type(raw, CTX),
        lambda: [VIEW.policy(t.key) for t in COMPANY.time_off_types],
    ),
    "/leave-management/requests": (
        lambda raw: mappings.time_off_request(raw | {POLICY_KEY: POLICIES.get(raw.get("policy_id"))}, CTX),
        requests_,
    ),
    "/employees/{id}/compensations": (
        lambda raw: mappings.compensation(raw, PER_EMPLOYEE),
        lambda: [VIEW.compensation(c) for e in COMPANY.employee_list()[:40] for c in e.compensations],
    ),
    "/leave-management/reports/individual-allowances": (allowances, lambda: VIEW.allowances()[:40]),
    "/employees/{id}/leave-management/balances": (
        balance,
        lambda: [row for e in COMPANY.active_employees()[:40] for row in VIEW.balances(e)],
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_every_field_is_mapped_or_listed_with_a_reason(endpoint):
    map_one, raws = ENDPOINTS[endpoint]
    assert coverage_problems(endpoint, map_one, raws(), readme_table(README)) == []


def test_the_table_names_only_endpoints_the_connector_reads():
    assert {where for where, _ in readme_table(README)} <= set(ENDPOINTS)
