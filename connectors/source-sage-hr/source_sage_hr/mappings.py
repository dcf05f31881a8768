"""Sage HR records -> unified fields (one mapper per stream; enum tables in ``mappings.yaml``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml
from unified_hris.enums import load_tables
from unified_hris.mapping import (
    MappingContext,
    annualized_amount,
    employment_type,
    is_current,
    today,
    working_days,
)
from unified_hris.parsing import (
    clean_str,
    parse_currency,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_money,
)

from source_sage_hr.components.extractors import (
    BALANCE_EMPLOYEE_KEY,
    BALANCE_KEY,
    CUSTOM_FIELDS_KEY,
    POLICY_KEY,
    REASON_TYPE_KEY,
    TERMINATION_KEY,
)

TABLES = load_tables(
    yaml.safe_load(resources.files("source_sage_hr").joinpath("mappings.yaml").read_text("utf-8"))
)
TERMINATED_LISTING = "terminated-employees"
#: Policy fields with no unified slot, kept in the time-off type's custom_fields: the allowance and its
#: accrual rules, and every switch (boolean) of the policy's detail but the two mapped ones.
POLICY_SETTINGS = ("default_allowance", "max_carryover", "accrue_type")
MAPPED_SWITCHES = frozenset({"only_full_days", "auto_approves"})
ANNUAL_FACTOR = {"YEAR": 1, "HALF_YEAR": 2, "QUARTER": 4, "MONTH": 12, "TWO_WEEKS": 26, "WEEK": 52}


def _contract(raw: Any) -> dict[str, Any]:
    """time_type/worker_type/employment_type from a contract type such as ``Full-time``."""
    time_type, time_raw = TABLES["time_type"].pair(raw)
    worker, worker_raw = TABLES["worker_type"].pair(raw)
    return {
        "time_type": time_type,
        "time_type_raw": time_raw,
        "worker_type": worker,
        "worker_type_raw": worker_raw,
        "employment_type": employment_type(worker, time_type),
    }


def _nationality(raw: Any) -> str | None:
    text = clean_str(raw)
    if text is None:
        return None
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return TABLES["nationality"](text)


def _address(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    address = {
        "street_1": clean_str(raw.get("street_first")),
        "street_2": clean_str(raw.get("street_second")),
        "city": clean_str(raw.get("city")),
        "postal_code": clean_str(raw.get("post_code")),
        "country": clean_str(raw.get("country")),
    }
    return address if any(address.values()) else None


def _custom_fields(fields: Any) -> dict[str, Any] | None:
    if not isinstance(fields, list):
        return None
    return {str(f.get("label")): f.get("value") for f in fields if isinstance(f, Mapping) and f.get("label")}


def employee(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    leaver = ctx.stream_slice.get("listing") == TERMINATED_LISTING
    start = parse_date(raw.get("employment_start_date"))
    if leaver:
        status, status_raw = "INACTIVE", "terminated"
    else:
        status, status_raw = ("PENDING" if start and start > today().isoformat() else "ACTIVE"), "active"
    gender, gender_raw = TABLES["gender"].pair(raw.get("gender"))
    marital, marital_raw = TABLES["marital_status"].pair(raw.get("marital_status"))
    termination_type, termination_type_raw = TABLES["termination_type"].pair(raw.get(REASON_TYPE_KEY))
    first, last = clean_str(raw.get("first_name")), clean_str(raw.get("last_name"))
    team = raw.get("team_id")
    return {
        "remote_id": raw["id"],
        "employee_number": clean_str(raw.get("employee_number")),
        "first_name": first,
        "last_name": last,
        "display_full_name": " ".join(part for part in (first, last) if part) or None,
        "work_email": clean_str(raw.get("email")),
        "mobile_phone_number": clean_str(raw.get("mobile_phone")),
        "work_phone_number": clean_str(raw.get("work_phone")),
        "home_phone_number": clean_str(raw.get("home_phone")),
        "job_title": clean_str(raw.get("position")),
        "department_id": ctx.ref("department", team),
        "group_ids": ctx.refs("department", [team] if team is not None else []),
        "manager_id": ctx.ref("employee", raw.get("reports_to_employee_id")),
        "employment_status": status,
        "employment_status_raw": status_raw,
        **_contract(raw.get("employment_status")),
        "gender": gender,
        "gender_raw": gender_raw,
        "marital_status": marital,
        "marital_status_raw": marital_raw,
        "nationality": _nationality(raw.get("nationality")),
        "nationality_raw": clean_str(raw.get("nationality")),
        "date_of_birth": parse_date(raw.get("date_of_birth")),
        "start_date": start,
        "termination_date": parse_date(raw.get("termination_date")),
        "termination_reason": clean_str((raw.get(TERMINATION_KEY) or {}).get("reason")),
        "termination_type": termination_type,
        "termination_type_raw": termination_type_raw,
        "avatar_url": clean_str(raw.get("picture_url")),
        "home_address": _address(raw),
        # sensitive: UnifiedRecord blanks them unless include_sensitive is on
        "national_id": clean_str(raw.get("personal_identification_number")),
        "tax_id": clean_str(raw.get("tax_number")),
        "custom_fields": _custom_fields(raw.get(CUSTOM_FIELDS_KEY)),
    }


def department(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    return {
        "remote_id": raw["id"],
        "name": clean_str(raw.get("name")),
        "type": "TEAM",
        "type_raw": "team",
        "manager_ids": ctx.refs("employee", raw.get("manager_ids")),
        "member_ids": ctx.refs("employee", raw.get("employee_ids")),
    }


def employment(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """One period cut by `extractors.periods` from the position, team and status histories."""
    position, team, status = raw.get("position") or {}, raw.get("team") or {}, raw.get("status") or {}
    contract = status.get("employment_statu_name", status.get("employment_status_name"))  # sic, see S1
    effective, end = raw.get("effective_date"), raw.get("end_date")
    fields = _contract(contract)
    fields.pop("employment_type")
    return {
        "remote_id": f"{raw['employee_id']}:{effective}",
        "remote_id_is_synthetic": True,
        "employee_id": ctx.ref("employee", raw.get("employee_id")),
        "job_title": clean_str(position.get("position_name")),
        "department_id": ctx.ref("department", team.get("team_id")),
        **fields,
        "contract_type_raw": clean_str(contract),
        "effective_date": effective,
        "end_date": end,
        "is_primary": True,
        "is_current": is_current(effective, end),
    }


def _category(name: str | None, ctx: MappingContext) -> str | None:
    """A leave policy's unified category: the config's ``policy_categories`` first, then the rules."""
    overrides = {str(k).casefold(): v for k, v in (ctx.config.get("policy_categories") or {}).items()}
    return overrides.get((name or "").casefold()) or TABLES["policy_category"](name)


def time_off_type(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    name = clean_str(raw.get("name"))
    category = _category(name, ctx)
    unit, unit_raw = TABLES["time_unit"].pair(raw.get("unit"))
    full_days, auto_approves = raw.get("only_full_days"), raw.get("auto_approves")
    settings = {key: raw[key] for key in POLICY_SETTINGS if key in raw} | {
        key: value for key, value in raw.items() if isinstance(value, bool) and key not in MAPPED_SWITCHES
    }
    return {
        "remote_id": raw["id"],
        "name": name,
        "category": category,
        "category_raw": name,
        "unit": unit,
        "unit_raw": unit_raw,
        "half_days_supported": not full_days if isinstance(full_days, bool) else None,
        "requires_approval": not auto_approves if isinstance(auto_approves, bool) else None,
        "is_paid": False if category == "UNPAID" else None,
        "custom_fields": settings or None,
    }


def _amount(
    raw: Mapping[str, Any], unit: str | None, half: bool, hours: str | None
) -> tuple[str | None, str]:
    """(amount, unit): a request of a policy counted in days is measured in days, Monday to Friday
    from ``start_date`` to ``end_date`` (half a day for a part-of-day request): Sage HR gives only its
    hours; any other request in its ``hours``."""
    start, end = parse_date(raw.get("start_date")), parse_date(raw.get("end_date"))
    if unit != "DAYS" or raw.get("specific_time") or start is None or end is None:
        return hours, "HOURS"
    days = (
        Decimal("0.5") if half else Decimal(working_days(date.fromisoformat(start), date.fromisoformat(end)))
    )
    return parse_decimal(days), "DAYS"


def time_off_request(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    status, status_raw = TABLES["request_status"].pair(raw.get("status_code") or raw.get("status"))
    part_of_day = bool(raw.get("is_part_of_day"))
    if raw.get("specific_time"):
        day_part, day_part_raw = "CUSTOM", "specific_time"
    elif part_of_day and raw.get("first_part_of_day"):
        day_part, day_part_raw = "MORNING", "first_part_of_day"
    elif part_of_day and raw.get("second_part_of_day"):
        day_part, day_part_raw = "AFTERNOON", "second_part_of_day"
    else:
        day_part, day_part_raw = None, None
    half = day_part in ("MORNING", "AFTERNOON")
    hours = parse_decimal(raw.get("hours"))
    answers = {
        str(f.get("title")): f.get("answer")
        for f in raw.get("fields") or []
        if isinstance(f, Mapping) and f.get("title")
    }
    replacement = raw.get("replacement")
    if isinstance(replacement, Mapping):  # the colleague covering the absence
        answers["replacement_employee_id"] = ctx.ref("employee", replacement.get("id"))
    policy = raw.get(POLICY_KEY) or {}
    type_name = clean_str(policy.get("name"))
    category = _category(type_name, ctx) if type_name else None
    amount, unit = _amount(raw, TABLES["time_unit"](policy.get("unit")), half, hours)
    return {
        "remote_id": raw["id"],
        "employee_id": ctx.ref("employee", raw.get("employee_id")),
        "status": status,
        "status_raw": status_raw,
        "type_id": ctx.ref("time_off_type", raw.get("policy_id")),
        "type_name": type_name,
        "category": category,
        "category_raw": type_name,
        "is_paid": False if category == "UNPAID" else None,
        "start_date": parse_date(raw.get("start_date")),
        "end_date": parse_date(raw.get("end_date")),
        "start_half_day": half,
        "end_half_day": half,
        "day_part": day_part,
        "day_part_raw": day_part_raw,
        "amount": amount,
        "unit": unit if amount is not None else None,
        "amount_hours": hours,
        "employee_note": clean_str(raw.get("details")),
        "requested_at": parse_datetime(parse_date(raw.get("request_date"))),
        "decided_at": parse_datetime(parse_date(raw.get("approval_date"))),
        "custom_fields": answers or None,
    }


def compensation(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    employee_id = ctx.stream_slice.get("employee_id")
    kind, kind_raw = TABLES["compensation_type"].pair(raw.get("category"))
    period, period_raw = TABLES["pay_period"].pair(raw.get("period"))
    start, end = parse_date(raw.get("start_date")), parse_date(raw.get("end_date"))
    amount = parse_money(raw.get("amount"))
    factor = ANNUAL_FACTOR.get(period or "")
    return {
        "remote_id": f"{employee_id}:{kind_raw}:{start}",
        "remote_id_is_synthetic": True,
        "employee_id": ctx.ref("employee", employee_id),
        "type": kind,
        "type_raw": kind_raw,
        "name": clean_str(raw.get("category")),
        "amount": amount,
        "currency": parse_currency(raw.get("currency")),
        "currency_raw": clean_str(raw.get("currency")),
        "pay_period": period,
        "pay_period_raw": period_raw,
        "effective_date": start,
        "end_date": end,
        "is_current": is_current(start, end),
        "annualized_amount": annualized_amount(amount, factor),
        "note": clean_str(raw.get("comment")),
    }


def time_off_balance(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """One eligibility of the allowances report (the year's quantity, carry-over) with the policy's
    row of the employee's balances (used, available), when read."""
    employee_id = raw.get(BALANCE_EMPLOYEE_KEY)
    policy_id = (raw.get(POLICY_KEY) or {}).get("id")
    row = raw.get(BALANCE_KEY) or {}
    carryover = parse_decimal(raw.get("carryover"))
    return {
        "remote_id": f"{employee_id}:{policy_id}",
        "remote_id_is_synthetic": True,
        "employee_id": ctx.ref("employee", employee_id),
        "type_id": ctx.ref("time_off_type", policy_id),
        "balance": parse_decimal(row.get("available")),
        "used": parse_decimal(row.get("used")),
        "entitlement": parse_decimal(raw.get("quantity")),
        "unit": TABLES["time_unit"](raw.get("unit")),
        "custom_fields": {"carryover": carryover} if carryover is not None else None,
    }
