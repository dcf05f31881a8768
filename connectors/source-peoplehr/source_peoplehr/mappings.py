"""PeopleHR records -> unified models. Enum tables live in ``enums.yaml``.

Mappers get the raw PeopleHR row and read what the row alone does not say (whose row it is, the
translated saved-query row, a salary row's end date) from the context the extractor or retriever
attached (`source_peoplehr.records.context`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml
from unified_hris.enums import load_tables
from unified_hris.mapping import MappingContext
from unified_hris.parsing import (
    DEFAULT_CURRENCY_SYMBOLS,
    clean_str,
    parse_bool,
    parse_currency,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_money,
)

from source_peoplehr.records import context
from source_peoplehr.shapes import display, norm_name

_DATA = yaml.safe_load(resources.files("source_peoplehr").joinpath("enums.yaml").read_text("utf-8"))
T = load_tables(_DATA["tables"])
PAYMENTS_PER_YEAR: Mapping[str, int] = _DATA["payments_per_year"]
PERIODS_PER_YEAR: Mapping[str, int] = _DATA["periods_per_year"]
TIME_OFF_TYPES: list[dict[str, Any]] = _DATA["time_off_types"]
_TYPES = {row["id"]: row for row in TIME_OFF_TYPES}
UK = "Europe/London"  # LastActionDateTime carries no offset; PeopleHR is a UK product [I]


def _today() -> date:
    return datetime.now(UTC).date()


def lifecycle(start: str | None, leaving: str | None, today: date) -> str:
    """PeopleHR's employment status, derived: NOT_STARTED, ACTIVE, LEAVER_MARKED or LEFT."""
    if leaving is not None:
        return "LEFT" if date.fromisoformat(leaving) <= today else "LEAVER_MARKED"
    if start is not None and date.fromisoformat(start) > today:
        return "NOT_STARTED"
    return "ACTIVE"


def employee(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    c = context(ctx)
    start = parse_date(display(raw, "StartDate"))
    leaving = parse_date(display(raw, "LeavingDate"))
    status_raw = lifecycle(start, leaving, _today())
    kind = display(raw, "EmploymentType")
    gender, gender_raw = T["gender"].pair(display(raw, "Gender"))
    worker_type, _ = T["worker_type"].pair(kind)
    reason = clean_str(raw.get("ReasonForLeaving"))
    termination_type, termination_raw = T["termination_type"].pair(reason) if leaving else (None, None)
    first, last = display(raw, "FirstName"), display(raw, "LastName")
    department = ctx.ref("department", norm_name(display(raw, "Department")))
    address = display(raw, "ContactDetail", "Address")
    custom = {f"APIColumn{n}": clean_str(raw.get(f"APIColumn{n}")) for n in range(1, 6)}
    return {
        "remote_id": c["employee"],
        "employee_number": display(raw, "EmployeeId"),
        "first_name": first,
        "last_name": last,
        "middle_name": display(raw, "OtherName"),
        "preferred_name": display(raw, "KnownAs"),
        "display_full_name": " ".join(part for part in (first, last) if part) or None,
        "work_email": display(raw, "EmailId"),
        "personal_email": display(raw, "ContactDetail", "PersonalEmail"),
        "mobile_phone_number": display(raw, "ContactDetail", "Mobile"),
        "work_phone_number": display(raw, "ContactDetail", "WorkPhoneNumber"),
        "job_title": display(raw, "JobRole"),
        "department_id": department,
        "group_ids": [department] if department else [],
        "manager_id": ctx.ref("employee", c.get("manager")),
        "work_location_id": ctx.ref("location", norm_name(display(raw, "Location"))),
        "employment_status": T["employment_status"](status_raw),
        "employment_status_raw": status_raw,
        "worker_type": worker_type,
        "worker_type_raw": kind,
        "time_type": T["time_type"](kind),
        "time_type_raw": kind,
        "employment_type": T["employment_type"](kind),
        "gender": gender,
        "gender_raw": gender_raw,
        "nationality": T["nationality"](display(raw, "Nationality")),
        "nationality_raw": display(raw, "Nationality"),
        "date_of_birth": parse_date(display(raw, "DateOfBirth")),
        "start_date": start,
        "termination_date": leaving,
        "termination_reason": reason if leaving else None,
        "termination_type": termination_type,
        "termination_type_raw": termination_raw,
        "avatar_url": clean_str(raw.get("EmployeeImage")),
        "home_address": {"raw": address} if address else None,
        "custom_fields": {k: v for k, v in custom.items() if v} or None,
    }


def department(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    c = context(ctx)
    return {
        "remote_id": c["id"],
        "remote_id_is_synthetic": True,
        "name": clean_str(raw.get("Department")),
        "type": "DEPARTMENT",
        "type_raw": None,
        "member_ids": ctx.refs("employee", c["members"]),
        "is_active": bool(c["members"]),
    }


def location(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    c = context(ctx)
    return {
        "remote_id": c["id"],
        "remote_id_is_synthetic": True,
        "name": clean_str(raw.get("Location")),
        "is_active": bool(c["members"]),
    }


def time_off_type(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    return {
        "remote_id": raw["id"],
        "remote_id_is_synthetic": True,
        "name": raw["name"],
        "category": raw["category"],
        "category_raw": raw["name"],
        "unit": raw["unit"],
        "unit_raw": None,
        "half_days_supported": raw["half_days"],
        "exact_times_supported": False,
        "is_paid": raw["paid"],
        "requires_approval": raw["approval"],
        "is_active": True,
    }


def _hours(minutes: Any) -> str | None:
    value = parse_decimal(minutes)
    return None if value is None else parse_decimal(Decimal(value) / 60)


def time_off_request(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """A holiday (``GetHolidayDetail``) or a sickness absence (``GetAbsenceDetail``).

    Neither has a documented id: the vendor's key of a leave record is employee + start + end, so
    that is the id (with the stable employee key), the same through the per-employee calls and
    saved queries."""
    c = context(ctx)
    row = c.get("shaped") or raw
    start, end = parse_date(row.get("StartDate")), parse_date(row.get("EndDate"))
    fields: dict[str, Any]
    if c["area"] == "holiday":
        kind = "toil" if parse_bool(row.get("IsToilHoliday")) else "holiday"
        status, status_raw = T["holiday_status"].pair(row.get("Status"))
        updated = parse_datetime(row.get("LastActionDateTime"), tz=UK)
        hours = _hours(row.get("DurationInMinutes"))
        by_hours = clean_str(row.get("DurationType")) == "2"
        fields = {
            "status": status,
            "status_raw": status_raw,
            "amount": hours if by_hours else parse_decimal(row.get("DurationInDays")),
            "unit": "HOURS" if by_hours else "DAYS",
            "amount_hours": hours,
            "approver_name": clean_str(row.get("Approver")),
            "employee_note": clean_str(row.get("RequesterComments")),
            "approver_note": clean_str(row.get("ApproverComments")),
            "remote_updated_at": updated,
            "decided_at": updated if status in ("APPROVED", "DECLINED") else None,
        }
        first_part = clean_str(row.get("StartDatePartOfTheDay")) or clean_str(row.get("PartOfDay"))
        last_part = clean_str(row.get("EndDatePartOfTheDay")) or clean_str(row.get("PartOfDay"))
    else:
        kind = "absence"
        fields = {
            "status": "APPROVED",  # absences are records of what happened: they have no status
            "status_raw": None,
            "amount": parse_decimal(row.get("DurationDays")),
            "unit": "DAYS",
            "employee_note": clean_str(row.get("Reason")),
        }
        first_part = last_part = clean_str(row.get("PartOfDay"))
    typ = _TYPES[kind]
    single_day = start is not None and start == end
    return {
        "remote_id": f"{c['area']}:{c['employee']}:{start}:{end}",
        "remote_id_is_synthetic": True,
        "employee_id": ctx.ref("employee", c["employee"]),
        "type_id": ctx.ref("time_off_type", kind),
        "type_name": typ["name"],
        "category": typ["category"],
        "category_raw": typ["name"],
        "start_date": start,
        "end_date": end,
        "start_half_day": first_part is not None,
        "end_half_day": last_part is not None,
        "day_part": {"AM": "MORNING", "PM": "AFTERNOON"}.get(first_part or "") if single_day else None,
        "day_part_raw": first_part if single_day else None,
        "is_paid": typ["paid"],
        **fields,
    }


def compensation(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """A salary row (``GetSalaryDetail`` with history) or one of its entitlements (allowances)."""
    c = context(ctx)
    salary = c["salary"]
    row = c.get("shaped") or raw
    effective = parse_date(salary.get("EffectiveFrom"))
    end = c.get("end_date")
    today = _today().isoformat()
    period, period_raw = T["pay_period"].pair(salary.get("SalaryType"))
    frequency, frequency_raw = T["pay_frequency"].pair(salary.get("PaymentFrequency"))
    symbols = {**DEFAULT_CURRENCY_SYMBOLS, **(ctx.config.get("currency_symbols") or {})}
    currency_raw = clean_str(salary.get("Currency"))
    if c["kind"] == "base":
        amount = parse_money(row.get("SalaryAmount"))
        name = "Salary"
        remote_id = f"{c['employee']}:{effective}"
        kind, kind_raw = ("HOURLY_WAGE" if period == "HOUR" else "BASE_SALARY"), period_raw
        note = clean_str(row.get("ChangeReason")) or clean_str(row.get("Comments"))
    else:
        amount = parse_money(row.get("Amount"))
        name = clean_str(row.get("Entitlement"))
        remote_id = f"{c['employee']}:{effective}:entitlement:{name}"
        kind, kind_raw = "ALLOWANCE", "Entitlement"
        note = clean_str(row.get("Comments"))
    per_year = PERIODS_PER_YEAR.get(period or "")
    return {
        "remote_id": remote_id,
        "remote_id_is_synthetic": True,
        "employee_id": ctx.ref("employee", c["employee"]),
        "type": kind,
        "type_raw": kind_raw,
        "name": name,
        "amount": amount,
        "currency": parse_currency(currency_raw, symbols),
        "currency_raw": currency_raw,
        "pay_period": period,
        "pay_period_raw": period_raw,
        "pay_frequency": frequency,
        "pay_frequency_raw": frequency_raw,
        "payments_per_year": PAYMENTS_PER_YEAR.get(frequency or ""),
        "effective_date": effective,
        "end_date": end,
        "is_current": effective is not None and effective <= today and (end is None or end >= today),
        "annualized_amount": parse_money(Decimal(amount) * per_year) if amount and per_year else None,
        "note": note,
    }


def benefit(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    c = context(ctx)
    kind, kind_raw = T["benefit_type"].pair(raw.get("Benefit"))
    awarded = parse_date(raw.get("DateAwarded"))
    benefit_id = clean_str(raw.get("BenefitId"))
    custom = {
        str(f.get("ColumnName")): f.get("ColumnValue")
        for f in raw.get("Customfields") or []
        if isinstance(f, Mapping) and f.get("ColumnName")
    }
    return {
        "remote_id": benefit_id or f"{c['employee']}:{clean_str(raw.get('Benefit'))}:{awarded}",
        "remote_id_is_synthetic": benefit_id is None,
        "employee_id": ctx.ref("employee", c["employee"]),
        "name": clean_str(raw.get("Benefit")),
        "type": kind,
        "type_raw": kind_raw,
        "value": parse_decimal(raw.get("Value")),
        "start_date": awarded,
        "end_date": parse_date(raw.get("ExpiryDate")),
        "recover_on_termination": parse_bool(raw.get("RecoverOnTermination")),
        "note": clean_str(raw.get("Comments")),
        "custom_fields": custom or None,
    }
