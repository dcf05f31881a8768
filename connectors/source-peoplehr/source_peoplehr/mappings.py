"""PeopleHR records -> unified models. Enum tables live in ``mappings.yaml``.

Mappers get the raw PeopleHR row and read what the row alone does not say (whose row it is, the
translated saved-query row, a salary row's end date) from the context the extractor or retriever
attached (``ctx.record``, see `unified_hris.mapping.RECORD_CONTEXT`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml
from unified_hris.enums import EnumTable, load_tables
from unified_hris.mapping import (
    MappingContext,
    annualized_amount,
    employment_type,
    is_current,
    today,
    working_days,
)
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

from source_peoplehr.components.shapes import display, norm_name

_DATA = yaml.safe_load(resources.files("source_peoplehr").joinpath("mappings.yaml").read_text("utf-8"))
T = load_tables(_DATA["tables"])
PAYMENTS_PER_YEAR: Mapping[str, int] = _DATA["payments_per_year"]
PERIODS_PER_YEAR: Mapping[str, int] = _DATA["periods_per_year"]
TIME_OFF_TYPES: list[dict[str, Any]] = _DATA["time_off_types"]
_TYPES = {row["id"]: row for row in TIME_OFF_TYPES}
UK = "Europe/London"  # LastActionDateTime carries no offset; PeopleHR is a UK product [I]


def lifecycle(start: str | None, leaving: str | None, today: date) -> str:
    """PeopleHR's employment status, derived: NOT_STARTED, ACTIVE, LEAVER_MARKED or LEFT."""
    if leaving is not None:
        return "LEFT" if date.fromisoformat(leaving) <= today else "LEAVER_MARKED"
    if start is not None and date.fromisoformat(start) > today:
        return "NOT_STARTED"
    return "ACTIVE"


def employee(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    c = ctx.record
    start = parse_date(display(raw, "StartDate"))
    leaving = parse_date(display(raw, "LeavingDate"))
    status_raw = lifecycle(start, leaving, today())
    kind = display(raw, "EmploymentType")
    gender, gender_raw = T["gender"].pair(display(raw, "Gender"))
    worker_type, _ = T["worker_type"].pair(kind)
    reason = clean_str(raw.get("ReasonForLeaving"))
    termination_type, termination_raw = T["termination_type"].pair(reason) if leaving else (None, None)
    first, last = display(raw, "FirstName"), display(raw, "LastName")
    department = ctx.ref("department", norm_name(display(raw, "Department")))
    address = display(raw, "ContactDetail", "Address")
    custom = {f"APIColumn{n}": clean_str(raw.get(f"APIColumn{n}")) for n in range(1, 6)}
    custom |= {name: display(raw, *path) for name, path in EMPLOYEE_CUSTOM_FIELDS.items()}
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
        "home_phone_number": display(raw, "ContactDetail", "PersonalPhoneNumber"),
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
        "employment_type": employment_type(worker_type, T["time_type"](kind)),
        "gender": gender,
        "gender_raw": gender_raw,
        "nationality": T["nationality"](display(raw, "Nationality")),
        "nationality_raw": display(raw, "Nationality"),
        "date_of_birth": parse_date(display(raw, "DateOfBirth")),
        "start_date": start,
        "probation_end_date": parse_date(display(raw, "ProbationEndDate")),
        "legal_entity_id": ctx.ref("legal_entity", norm_name(display(raw, "Company"))),
        "ssn": display(raw, "NISNumber"),
        "bank_accounts": _bank_accounts(raw),
        "termination_date": leaving,
        "termination_reason": reason if leaving else None,
        "termination_type": termination_type,
        "termination_type_raw": termination_raw,
        "avatar_url": clean_str(raw.get("EmployeeImage")),
        "home_address": {"raw": address} if address else None,
        "custom_fields": {k: v for k, v in custom.items() if v} or None,
    }


_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")


def _bank_accounts(raw: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """``BankDetail``'s one account. PeopleHR's fields are UK-shaped: an IBAN-shaped ``AccountNumber``
    is the IBAN, a BIC-shaped ``BankCode`` the BIC, else they are the account number and sort code."""
    number, code = display(raw, "BankDetail", "AccountNumber"), display(raw, "BankDetail", "BankCode")
    compact = (number or "").replace(" ", "").upper()
    iban = compact if _IBAN.fullmatch(compact) else None
    bic = code.upper() if code and _BIC.fullmatch(code.upper()) else None
    account = {
        "iban": iban,
        "account_number": None if iban else number,
        "sort_code": None if bic else code,
        "bic": bic,
        "bank_name": display(raw, "BankDetail", "BankName"),
        "account_holder": display(raw, "BankDetail", "AccountName"),
    }
    return [account] if number or iban else None


#: Employee fields with no unified home, kept in ``custom_fields`` (when not empty) under these names.
EMPLOYEE_CUSTOM_FIELDS: Mapping[str, tuple[str, ...]] = {
    "title": ("Title",),
    "notice_period": ("NoticePeriod",),
    "employee_status": ("EmployeeStatus",),  # "1" seen; its codes are undocumented
    **{
        name: ("EmploymentDetail", field)
        for name, field in (
            ("payroll_company", "PayrollCompany"),
            ("payroll_id", "PayrollID"),
            ("time_and_attendance_id", "TimeAndAttendanceID"),
            ("rota_id", "RotaID"),
            ("crm_id", "CRMID"),
            ("ats_id", "ATSID"),
            ("performance_id", "PerformanceID"),
            ("benefits_id", "BenefitsID"),
            ("system1_id", "System1ID"),
            ("system2_id", "System2ID"),
            ("system3_id", "System3ID"),
            ("method_of_recruitment", "MethodOfRecruitment"),
        )
    },
}
#: Maternity/paternity dates with no unified home, in ``custom_fields``.
MATERNITY_CUSTOM_FIELDS: Mapping[str, str] = {
    "expected_date": "ExpectedDate",
    "due_week_start_date": "DueWeekStartDate",
    "due_week_end_date": "DueWeekEndDate",
    "earliest_start_date": "EarliestStartDate",
    "ordinary_leave_start_date": "OrdinaryLeaveStartDate",
    "ordinary_leave_end_date": "OrdinaryLeaveEndDate",
    "additional_leave_start_date": "AdditionalLeaveStartDate",
    "additional_leave_end_date": "AdditionalLeaveEndDate",
}


def department(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    c = ctx.record
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
    c = ctx.record
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


def _booking(row: Mapping[str, Any]) -> dict[str, Any]:
    """What holidays and other events share: status, duration (``DurationType`` 1 days, 2 hours,
    3 half a day [V-3p]), approver, notes and last action."""
    status, status_raw = T["holiday_status"].pair(row.get("Status"))
    updated = parse_datetime(row.get("LastActionDateTime"), tz=UK)
    hours = _hours(row.get("DurationInMinutes"))
    by_hours = clean_str(row.get("DurationType")) == "2"
    return {
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


def _in_days(days: Any, hours_per_day: Any) -> dict[str, Any]:
    """Leave PeopleHR records in days only: its hours are the days times the employee's working day."""
    amount = parse_decimal(days)
    hours = Decimal(amount) * Decimal(hours_per_day) if amount is not None and hours_per_day else None
    return {"amount": amount, "unit": "DAYS", "amount_hours": parse_decimal(hours)}


def time_off_request(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """A holiday (``GetHolidayDetail``), a sickness absence (``GetAbsenceDetail``), an other event
    (``getothereventdetail``) or a maternity/paternity leave (``GetMaternityPaternityByEmployeeId``).

    The id is the booking's own id (`BOOKING_IDS`) with the kind of record, the same through the
    per-employee calls and saved queries that have the id column; without it, the vendor's key of a
    leave record, employee + start + end (with the stable employee key). An other
    event's category comes from its ``Reason`` (`other_event_category` in ``mappings.yaml``)."""
    c = ctx.record
    row = c.get("shaped") or raw
    area = c["area"]
    dates = ("ActualStartDate", "ActualEndDate") if area == "maternity" else ("StartDate", "EndDate")
    start, end = parse_date(row.get(dates[0])), parse_date(row.get(dates[1]))
    typ = _TYPES[{"holiday": "toil" if parse_bool(row.get("IsToilHoliday")) else "holiday"}.get(area, area)]
    type_name, category = typ["name"], typ["category"]
    first_part = last_part = clean_str(row.get("PartOfDay"))
    fields: dict[str, Any]
    if area == "holiday":
        fields = _booking(row)
        first_part = clean_str(row.get("StartDatePartOfTheDay")) or first_part
        last_part = clean_str(row.get("EndDatePartOfTheDay")) or last_part
        reference = clean_str(row.get("ReferenceId"))
        fields["custom_fields"] = {"reference_id": reference} if reference else None
    elif area == "other_event":
        fields = _booking(row)
        type_name = clean_str(row.get("Reason")) or type_name
        category = _reason_category(type_name, ctx.config)
        if clean_str(row.get("DurationType")) == "3":
            first_part = last_part = "half day"
        fields |= {
            "start_time": _clock(start, row.get("StartTime")),
            "end_time": _clock(end, row.get("EndTime")),
        }
    elif area == "maternity":
        days = working_days(date.fromisoformat(start), date.fromisoformat(end)) if start and end else None
        comments = [x.get("Comments") for x in row.get("Comments") or [] if isinstance(x, Mapping)]
        fields = {
            "status": "APPROVED",  # a maternity/paternity record is leave taken: it has no status
            "status_raw": None,
            **_in_days(days, c.get("hours_per_day")),
            "employee_note": clean_str(comments[0]) if comments else None,
            "custom_fields": {
                name: value
                for name, value in (
                    *((name, parse_date(row.get(f))) for name, f in MATERNITY_CUSTOM_FIELDS.items()),
                    ("continuous_weeks_service", parse_decimal(row.get("ContinousWeeksService"))),
                    ("reference_id", clean_str(row.get("ReferenceId"))),
                )
                if value is not None
            }
            or None,
        }
    else:
        fields = {
            "status": "APPROVED",  # absences are records of what happened: they have no status
            "status_raw": None,
            **_in_days(row.get("DurationDays"), c.get("hours_per_day")),
            "employee_note": clean_str(row.get("Reason")),
            "is_paid": _absence_paid(row.get("AbsencePaidStatus"), ctx.config),
            "custom_fields": _absence_facts(row),
        }
    single_day = start is not None and start == end
    timed = bool(fields.get("start_time") or fields.get("end_time"))
    booking = clean_str(row.get(BOOKING_IDS[area]))
    return {
        "remote_id": f"{area}:{booking}" if booking else f"{area}:{c['employee']}:{start}:{end}",
        "remote_id_is_synthetic": booking is None,
        "employee_id": ctx.ref("employee", c["employee"]),
        "type_id": ctx.ref("time_off_type", typ["id"]),
        "type_name": type_name,
        "category": category,
        "category_raw": type_name,
        "start_date": start,
        "end_date": end,
        "start_half_day": first_part is not None and not timed,
        "end_half_day": last_part is not None and not timed,
        "day_part": "CUSTOM"
        if timed
        else ({"AM": "MORNING", "PM": "AFTERNOON"}.get(first_part or "") if single_day else None),
        "day_part_raw": f"{row.get('StartTime')}-{row.get('EndTime')}"
        if timed
        else (first_part if single_day else None),
        "is_paid": False if category == "UNPAID" else typ["paid"],
        **fields,
    }


#: The booking's own id per kind of leave record (real traffic; the spec documents none for holidays
#: and absences). Without it the id falls back to the vendor's key, employee + start + end.
BOOKING_IDS: Mapping[str, str] = {
    "holiday": "AnnualLeaveTxnId",
    "absence": "AbsenceLeaveTxnId",
    "other_event": "OtherLeaveTxnId",
    "maternity": "MaternityPaternityTxnId",
}


def _absence_paid(code: Any, config: Mapping[str, Any]) -> bool | None:
    """``AbsencePaidStatus`` 1 or 2 (an int, or ``"1"`` in the spec): the config's
    ``paid_absence_status`` (default 1) is paid, the other code unpaid; anything else unknown."""
    text = clean_str(code)
    if text not in ("1", "2"):
        return None
    return text == str(config.get("paid_absence_status", 1))


def _absence_facts(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """What a sickness absence records beyond the leave itself (no unified field holds it)."""
    comments = [
        {"comment": clean_str(x.get("Comments")), "posted_by": clean_str(x.get("PostedBy"))}
        for x in row.get("Comments") or []
        if isinstance(x, Mapping) and clean_str(x.get("Comments"))
    ]
    facts = {
        "paid_status_raw": clean_str(row.get("AbsencePaidStatus")),
        "back_to_work_interview_required": parse_bool(row.get("BackToWorkInterviewRequried")),
        "back_to_work_interview_date": parse_date(row.get("BackToWorkInterviewDate")),
        "medical_certificate_type": clean_str(row.get("MedicalCertificateType")),
        "medical_certificate_received_date": parse_date(row.get("MedicalCertificateReceivedDate")),
        "emergency_leave": parse_bool(row.get("EmergencyLeave")),
        "comments": comments or None,
    }
    return {k: v for k, v in facts.items() if v is not None} or None


def _reason_category(reason: str | None, config: Mapping[str, Any]) -> str | None:
    """An other event's category: the config's ``time_off_categories`` first, then the built-in table."""
    overrides = config.get("time_off_categories") or {}
    chosen = EnumTable(overrides, default=None)(reason) if overrides else None
    return chosen or T["other_event_category"](reason)


def _clock(day: str | None, clock: Any) -> str | None:
    """A time of day (``HH:mm``, UK local [I]) on `day` as a UTC timestamp."""
    text = clean_str(clock)
    return parse_datetime(f"{day}T{text}", tz=UK) if day and text else None


def employment(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """One job-history period of an employee's detail (`history.periods`)."""
    c = ctx.record
    period = c["period"]
    kind = period.get("employment_type")
    worker_type, _ = T["worker_type"].pair(kind)
    effective, end = period["effective_date"], period.get("end_date")
    return {
        "remote_id": f"{c['employee']}:{effective}",
        "remote_id_is_synthetic": True,
        "employee_id": ctx.ref("employee", c["employee"]),
        "job_title": period.get("job_title"),
        "department_id": ctx.ref("department", norm_name(period.get("department"))),
        "location_id": ctx.ref("location", norm_name(period.get("location"))),
        "worker_type": worker_type,
        "worker_type_raw": kind,
        "time_type": T["time_type"](kind),
        "time_type_raw": kind,
        "contract_type_raw": kind,
        "effective_date": effective,
        "end_date": end,
        "is_primary": True,
        "is_current": is_current(effective, end),
    }


def time_off_balance(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """A leave year's holiday entitlement (``GetHolidayEntitlement``) with the days used that the
    extractor worked out from the approved holidays (`balances.BalanceRows`)."""
    c = ctx.record
    start, end = parse_date(raw.get("StartDate")), parse_date(raw.get("EndDate"))
    entitlement, used = parse_decimal(raw.get("Entitlement")), parse_decimal(c.get("used"))
    balance = Decimal(entitlement) - Decimal(used) if entitlement is not None and used is not None else None
    return {
        "remote_id": f"{c['employee']}:holiday:{start}",
        "remote_id_is_synthetic": True,
        "employee_id": ctx.ref("employee", c["employee"]),
        "type_id": ctx.ref("time_off_type", "holiday"),
        "entitlement": entitlement,
        "used": used,
        "balance": parse_decimal(balance),
        "unit": T["entitlement_unit"](raw.get("MeasuredIn")),
        "period_start": start,
        "period_end": end,
    }


def work_entry(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """A clock-in/out pair or the break between two of a timesheet day (`timesheets.entries`)."""
    c = ctx.record
    entry = c["entry"]
    slot = entry["slot"]
    clock_in = parse_datetime(entry["start"], tz=UK)
    clock_out = parse_datetime(entry["end"], tz=UK) if entry["end"] else None
    worked = None
    if clock_in and clock_out:
        worked = int((datetime.fromisoformat(clock_out) - datetime.fromisoformat(clock_in)).total_seconds())
    is_work = entry["kind"] == "work"
    day = parse_date(raw.get("TimesheetDate"))
    custom = {
        "timesheet_state": clean_str(raw.get("TimesheetState")),
        "comments": clean_str(raw.get("Comments")),
        "changed_date": parse_date(raw.get("ChangedDate")),
    }
    return {
        "remote_id": f"{c['employee']}:{day}:{entry['start'][11:]}"
        if is_work
        else f"{c['employee']}:{day}:break:{entry['start'][11:]}",
        "remote_id_is_synthetic": True,
        "employee_id": ctx.ref("employee", c["employee"]),
        "type": "WORK" if is_work else "BREAK",
        "type_raw": f"TimeIn{slot}-TimeOut{slot}" if is_work else f"TimeOut{slot}-TimeIn{entry['next']}",
        "clock_in": clock_in,
        "clock_out": clock_out,
        "worked_seconds": worked,
        "custom_fields": {k: v for k, v in custom.items() if v} or None,
    }


def compensation(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """A salary row (``GetSalaryDetail`` with history) or one of its entitlements (allowances,
    ``ALLOWANCE``) or deductions (``OTHER``, negative amounts); ``TotalSalaryAmount`` and the items'
    percentages go to ``custom_fields``."""
    c = ctx.record
    salary = c["salary"]
    row = c.get("shaped") or raw
    effective = parse_date(salary.get("EffectiveFrom"))
    end = c.get("end_date")
    period, period_raw = T["pay_period"].pair(salary.get("SalaryType"))
    frequency, frequency_raw = T["pay_frequency"].pair(salary.get("PaymentFrequency"))
    symbols = {**DEFAULT_CURRENCY_SYMBOLS, **(ctx.config.get("currency_symbols") or {})}
    currency_raw = clean_str(salary.get("Currency"))
    custom: dict[str, Any] | None = None
    if c["kind"] == "base":
        amount = parse_money(row.get("SalaryAmount"))
        name = "Salary"
        remote_id = f"{c['employee']}:{effective}"
        kind, kind_raw = ("HOURLY_WAGE" if period == "HOUR" else "BASE_SALARY"), period_raw
        note = clean_str(row.get("ChangeReason")) or clean_str(row.get("Comments"))
        total = parse_money(row.get("TotalSalaryAmount"))
        custom = {"total_salary_amount": total} if total is not None else None
    else:
        amount, custom = _salary_item(row, salary.get("SalaryAmount"), negative=c["kind"] == "deduction")
        label = "Entitlement" if c["kind"] == "entitlement" else "Deduction"
        name = clean_str(row.get(label))
        remote_id = f"{c['employee']}:{effective}:{c['kind']}:{name}"
        kind, kind_raw = ("ALLOWANCE" if c["kind"] == "entitlement" else "OTHER"), label
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
        "is_current": bool(is_current(effective, end)),
        "annualized_amount": annualized_amount(amount, per_year),
        "note": note,
        "custom_fields": custom,
    }


def _salary_item(
    row: Mapping[str, Any], salary: Any, negative: bool
) -> tuple[str | None, dict[str, Any] | None]:
    """The amount of an entitlement or deduction (a deduction negative) and its terms: ``Amount``, or,
    when that is empty or zero, ``Percentage`` of the salary amount."""
    percentage = parse_decimal(row.get("Percentage"))
    value = parse_decimal(row.get("Amount"))
    base = parse_decimal(salary)
    if (value is None or Decimal(value) == 0) and percentage and Decimal(percentage) and base is not None:
        value = str(Decimal(base) * Decimal(percentage) / 100)
    if value is not None and negative:
        value = str(-Decimal(value))
    terms = {
        "percentage": percentage if percentage and Decimal(percentage) else None,
        "include_in_total_salary": parse_bool(row.get("IncludeInTotalSalary")),
        "display_as_amount_or_percentage": parse_bool(row.get("DisplayAsAmountOrPercentage")),
    }
    return parse_money(value), {k: v for k, v in terms.items() if v is not None} or None


def benefit(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    c = ctx.record
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
