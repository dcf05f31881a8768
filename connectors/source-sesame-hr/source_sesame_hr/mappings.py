"""Sesame HR records -> unified records. One function per stream, `mapper(raw, ctx) -> fields`.

Timestamps carry Europe/Madrid offsets and become UTC; dates stay calendar dates. Enum tables live in
``mappings.yaml``. Beyond the slice's partition, a mapper's context is the record's own (``ctx.record``,
put there by the stream's extractor): employees get their department, office and manager links from
the assignation listings `joins.JoinedRecords` joins (``ctx.record["links"]``; departments their
members), and their employment facts (dates, hours, contract and workday type) from their contracts, which
`contracts.EmployeesWithContracts` hands over (``ctx.record["contracts"]``).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml
from unified_hris.enums import EnumTable, load_tables
from unified_hris.mapping import MappingContext, annualized_amount, employment_type, is_current, today
from unified_hris.parsing import (
    clean_str,
    parse_currency,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_money,
)

from .components.contracts import current, employment_start, ordered
from .components.contracts import period as contract_period

TABLES = load_tables(yaml.safe_load(resources.files(__package__).joinpath("mappings.yaml").read_text("utf-8")))
#: Sesame's clock times (``daysOff[].startTime``) carry no zone; the company's zone is assumed [I].
LOCAL_TZ = "Europe/Madrid"
PAYMENTS_PER_PERIOD = {"DAY": None, "WEEK": 52, "TWO_WEEKS": 26, "HALF_MONTH": 24, "MONTH": 12, "YEAR": 1}


def _links(ctx: MappingContext, name: str) -> list[dict[str, Any]]:
    """The record's links of one assignation listing (`joins.JoinedRecords`)."""
    links: list[dict[str, Any]] = (ctx.record.get("links") or {}).get(name) or []
    return links


def _by_age(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """Oldest first (by ``createdAt`` in UTC), ties broken by the given keys: a stable choice."""
    return sorted(
        rows, key=lambda r: (parse_datetime(r.get("createdAt")) or "", *(str(r.get(k) or "") for k in keys))
    )


def _timestamps(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "remote_created_at": parse_datetime(raw.get("createdAt")),
        "remote_updated_at": parse_datetime(raw.get("updatedAt")),
    }


def _deletion(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Sesame soft-deletes some objects and keeps them listed with ``deletedAt``."""
    deleted_at = parse_datetime(raw.get("deletedAt"))
    return {"remote_deleted_at": deleted_at, "is_deleted": True} if deleted_at else {}


# -- organisation ---------------------------------------------------------------------------------
def _contract_facts(contract: Mapping[str, Any]) -> dict[str, Any]:
    """Title, time type and worker type of one contract (H2 names, or H1's nested objects)."""
    workday = contract.get("workDayTypeName") or (contract.get("workdayType") or {}).get("name")
    kind = contract.get("contractTypeName") or (contract.get("contractType") or {}).get("name")
    time_type, time_raw = TABLES["workday_type"].pair(clean_str(workday))
    worker_type, worker_raw = TABLES["contract_type"].pair(clean_str(kind))
    return {
        "job_title": clean_str(contract.get("jobChargeName"))
        or clean_str((contract.get("jobCharge") or {}).get("name")),
        "worker_type": worker_type,
        "worker_type_raw": worker_raw,
        "time_type": time_type,
        "time_type_raw": time_raw,
    }


def _employment(contracts: list[Mapping[str, Any]]) -> dict[str, Any]:
    """An employee's employment facts from their contracts (`contracts.ordered`); {} without any.

    Start: the first day of the latest unbroken run of contracts; termination: the last contract's end
    (the planned end while it is ahead); hire: the seniority date; hours, FTE, contract and workday
    type: the contract in force today (a leaver's last, a future starter's first)."""
    now = current(contracts, today())
    if now is None:
        return {}
    facts = _contract_facts(now)
    return {
        **facts,
        "employment_type": employment_type(facts["worker_type"], facts["time_type"]),
        "weekly_hours": parse_decimal(now.get("weeklyHours")),
        "fte": parse_decimal(now.get("fte")),
        "start_date": employment_start(contracts),
        "termination_date": contract_period(contracts[-1])[1],
        "hire_date": parse_date(now.get("seniorityDate")),
    }


def _add_period(start: str, quantity: Any, unit: Any) -> str | None:
    """`start` plus a trial period of `quantity` `unit`s (days, weeks, months, years; Spanish too):
    the last day of the period, or None when the unit is unknown."""
    count = parse_decimal(quantity)
    kind = TABLES["trial_period_unit"](clean_str(unit))
    if count is None or kind is None or Decimal(count) <= 0 or Decimal(count) != int(Decimal(count)):
        return None
    n, first = int(Decimal(count)), date.fromisoformat(start)
    if kind in ("DAYS", "WEEKS"):
        end = first + timedelta(days=n * (7 if kind == "WEEKS" else 1))
    else:
        months = n * (12 if kind == "YEARS" else 1) + first.month - 1
        year, month = first.year + months // 12, months % 12 + 1
        end = first.replace(year=year, month=month, day=min(first.day, monthrange(year, month)[1]))
    return (end - timedelta(days=1)).isoformat()


def _probation_end(contracts: list[Mapping[str, Any]]) -> str | None:
    """The end of the trial period of the latest contract of the current run that has one (H2
    ``trialPeriodQuantity``/``trialPeriodType``, H1's current contract ``trialPeriod{quantity,
    trialPeriodType}``)."""
    run_start = employment_start(contracts)
    for contract in reversed(contracts):
        start = contract_period(contract)[0]
        if not start or not run_start or start < run_start:
            continue
        trial = contract.get("trialPeriod") if isinstance(contract.get("trialPeriod"), Mapping) else {}
        quantity = contract.get("trialPeriodQuantity", trial.get("quantity"))
        unit = contract.get("trialPeriodType") or trial.get("trialPeriodType")
        if quantity not in (None, "", 0) and unit:
            return _add_period(start, quantity, unit)
    return None


def _bank_accounts(raw: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """``accountNumber`` (an IBAN in Sesame's examples; else a plain account number) and ``bic``."""
    number, bic = clean_str(raw.get("accountNumber")), clean_str(raw.get("bic"))
    if not number and not bic:
        return None
    compact = (number or "").replace(" ", "").upper()
    iban = compact if len(compact) >= 15 and compact[:2].isalpha() and compact[2:4].isdigit() else None
    return [
        {
            "iban": iban,
            "account_number": None if iban else number,
            "sort_code": None,
            "bic": bic,
            "bank_name": None,
            "account_holder": None,
        }
    ]


def employee(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    rid = str(raw["id"])
    departments = _by_age(_links(ctx, "department"), "department.id")
    offices = _by_age(_links(ctx, "office"), "office.id")
    managers = _links(ctx, "manager")
    status, status_raw = TABLES["employment_status"].pair(raw.get("status"))
    contracts = ordered(ctx.record.get("contracts") or [])
    employment = _employment(contracts)
    start = employment.get("start_date")
    if status == "ACTIVE" and start and start > today().isoformat():
        status = "PENDING"  # Sesame lists a future starter as active; its contract has not begun
    contract_title = employment.pop("job_title", None)
    job_title = clean_str(raw.get("jobChargeName")) or contract_title
    gender, gender_raw = TABLES["gender"].pair(raw.get("gender"))
    marital, marital_raw = TABLES["marital_status"].pair(clean_str(raw.get("maritalStatus")))
    names = [clean_str(raw.get(k)) for k in ("firstName", "lastName", "secondLastName")]
    address = {
        "street_1": clean_str(raw.get("address")),
        "city": clean_str(raw.get("city")),
        "state": clean_str(raw.get("province")),
        "postal_code": clean_str(raw.get("postalCode")),
        "country": clean_str(raw.get("country")),
    }
    custom = {
        str(f.get("name") or f.get("slug")): f.get("value")
        for f in raw.get("customFields") or []
        if f.get("name") or f.get("slug")
    }
    nationality = clean_str(raw.get("nationality"))
    return {
        "remote_id": rid,
        "employee_number": clean_str(raw.get("code")),
        "first_name": names[0],
        "last_name": names[1],
        "display_full_name": " ".join(n for n in names if n) or None,
        "work_email": clean_str(raw.get("email")),
        "personal_email": clean_str(raw.get("personalMail")),
        "mobile_phone_number": clean_str(raw.get("phone")),
        "work_phone_number": clean_str(raw.get("workPhone")),
        "job_title": job_title,
        "department_id": ctx.ref("department", departments[0].get("department.id")) if departments else None,
        "group_ids": ctx.refs("department", [d.get("department.id") for d in departments]),
        "manager_id": ctx.ref("employee", _manager(managers)),
        "work_location_id": ctx.ref("location", offices[0].get("office.id")) if offices else None,
        "legal_entity_id": ctx.ref("legal_entity", (raw.get("company") or {}).get("id")),
        "employment_status": status,
        "employment_status_raw": status_raw,
        "gender": gender,
        "gender_raw": gender_raw,
        "marital_status": marital,
        "marital_status_raw": marital_raw,
        "nationality": nationality.upper() if nationality and len(nationality) == 2 else None,
        "nationality_raw": nationality,
        "date_of_birth": parse_date(raw.get("dateOfBirth")),
        **employment,
        "probation_end_date": _probation_end(contracts),
        "ssn": clean_str(raw.get("ssn")) or _contract_ssn(contracts),
        "national_id": clean_str(raw.get("nid")),
        "bank_accounts": _bank_accounts(raw),
        "avatar_url": clean_str(raw.get("imageProfileURL")),
        "home_address": address if any(address.values()) else None,
        "custom_fields": custom or None,
        **_timestamps(raw),
    }


def _contract_ssn(contracts: list[Mapping[str, Any]]) -> str | None:
    """The social security number of the latest contract that carries one (``socialSecurityNumber``)."""
    return next((n for c in reversed(contracts) if (n := clean_str(c.get("socialSecurityNumber")))), None)


def _manager(links: list[dict[str, Any]]) -> str | None:
    """The first ``check`` manager (lowest ``order``, then the oldest link). A ``vacation`` link names
    who approves time off (often the department head), not whom the employee reports to."""
    rows = [r for r in links if r.get("permission") == "check" and r.get("manager.id")]
    if not rows:
        return None
    rows.sort(key=lambda r: (int(r.get("order") or 0), parse_datetime(r.get("createdAt")) or ""))
    return str(rows[0]["manager.id"])


def department(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    rid = str(raw["id"])
    members = sorted({str(m["employee.id"]) for m in _links(ctx, "member") if m.get("employee.id")})
    return {
        "remote_id": rid,
        "name": clean_str(raw.get("name")),
        "type": "DEPARTMENT",
        "type_raw": None,
        "member_ids": ctx.refs("employee", members),
    }


def location(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    coordinates = raw.get("coordinates") or {}
    address = clean_str(raw.get("address"))
    deleted = raw.get("isDeleted")
    return {
        "remote_id": str(raw["id"]),
        "name": clean_str(raw.get("name")),
        "type": "OFFICE",
        "type_raw": None,
        "address": {"raw": address} if address else None,
        "latitude": parse_decimal(coordinates.get("latitude")),
        "longitude": parse_decimal(coordinates.get("longitude")),
        "timezone": clean_str(raw.get("defaultEmployeesDateTimeZone")),
        "is_active": None if deleted is None else not deleted,
    }


# -- time off -------------------------------------------------------------------------------------
def _absence_category(name: str | None, ctx: MappingContext) -> tuple[str | None, str | None]:
    overrides = ctx.config.get("time_off_categories") or {}
    if overrides and name:
        chosen = EnumTable(overrides, default=None)(name)
        if chosen:
            return chosen, name
    return TABLES["absence_category"].pair(name)


def time_off_type(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    vacation = "pickMode" not in raw and ctx.stream_slice.get("kind") != "absence-types"
    name = clean_str(raw.get("name"))
    if vacation:
        category, category_raw, unit, exact = "VACATION", "vacation", "DAYS", False
    else:
        category, category_raw = _absence_category(name, ctx)
        unit = TABLES["pick_mode_unit"](raw.get("pickMode"))
        exact = raw.get("pickMode") == "by_time_range"
    return {
        "remote_id": str(raw["id"]),
        "name": name,
        "category": category,
        "category_raw": category_raw,
        "unit": unit,
        "unit_raw": "vacation" if vacation else clean_str(raw.get("pickMode")),
        "exact_times_supported": exact,
        "requires_approval": raw.get("needsValidation"),
        "is_active": raw.get("deletedAt") is None,
        **_timestamps(raw),
    }


def time_off_request(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """A vacation or absence day-off request.

    ``type: create`` asks for days. Once accepted, its days are in its calendar's ``daysOff`` (the days
    granted); an accepted request none of whose days its calendar grants any more was given back by a
    ``type: delete`` request, so it is CANCELLED. A ``type: delete`` request is the act of giving days
    back, not time off: OTHER. A request with ``deletedAt`` is DELETED. ``status_raw`` is
    ``"{type}:{status}"``.

    Amount: hours for by-time-range absence types; days otherwise, where a day off shorter than the
    employee's working day that weekday (from the contract in force, `contracts.RequestsWithDayLength`)
    counts as that part of a day, and a day without a known working day counts whole. ``amount_hours``
    is Sesame's own ``seconds``.
    """
    vacation = "vacationCalendar" in raw or ctx.stream_slice.get("kind") == "vacation"
    calendar = raw.get("vacationCalendar" if vacation else "absenceCalendar") or {}
    kind = (
        raw.get("vacationConfiguration" if vacation else "absenceType")
        or calendar.get("vacationConfiguration" if vacation else "absenceType")
        or {}
    )
    days = sorted((d for d in raw.get("daysOff") or [] if d.get("date")), key=lambda d: str(d["date"]))
    seconds = sum(int(d.get("seconds") or 0) for d in days)
    request_type, status_value = raw.get("type") or "create", raw.get("status")
    if raw.get("deletedAt"):
        status = "DELETED"
    elif request_type == "delete":
        status = "OTHER"
    else:
        status = TABLES["request_status"](status_value)
        if status == "APPROVED" and _given_back(days, calendar):
            status = "CANCELLED"
    name = clean_str(kind.get("name"))
    if vacation:
        category, category_raw, unit = "VACATION", "vacation", "DAYS"
    else:
        category, category_raw = _absence_category(name, ctx)
        unit = TABLES["pick_mode_unit"](kind.get("pickMode")) or "DAYS"
    hours = Decimal(seconds) / 3600
    first, last = (days[0], days[-1]) if days else ({}, {})
    start_time = _clock(first.get("date"), first.get("startTime"))
    end_time = _clock(last.get("date"), last.get("endTime"))
    employee = raw.get("employee") or calendar.get("employee") or {}
    timestamps = _timestamps(raw)
    amount = _days(days, ctx.record.get("day_seconds") or {}) if unit == "DAYS" else hours
    return {
        "remote_id": str(raw["id"]),
        "employee_id": ctx.ref("employee", employee.get("id")),
        "status": status,
        "status_raw": f"{request_type}:{status_value}" if status_value else request_type,
        "type_id": ctx.ref("time_off_type", kind.get("id")),
        "type_name": name,
        "category": category,
        "category_raw": category_raw,
        "start_date": parse_date(first.get("date")),
        "end_date": parse_date(last.get("date")),
        "start_time": start_time,
        "end_time": end_time,
        "day_part": "CUSTOM" if start_time or end_time else None,
        "day_part_raw": f"{first.get('startTime')}-{last.get('endTime')}" if start_time or end_time else None,
        "amount": parse_decimal(amount),
        "unit": unit,
        "amount_hours": parse_decimal(hours),
        "employee_note": clean_str(raw.get("comment")),
        "approver_note": clean_str(raw.get("resolutionComment")),
        "requested_at": timestamps["remote_created_at"],  # Sesame's createdAt, parsed once
        "decided_at": parse_datetime(raw.get("resolvedAt")),
        **timestamps,
        **_deletion(raw),
    }


def time_off_balance(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """An employee's vacation calendar of a year (``/schedule/v1/vacation-calendars``): ``maxDaysOff``
    is the entitlement, the days it grants (``daysOff``) are used, counted as `time_off_request` counts
    them (a day shorter than the contract's working day is its share), so ``used`` is the approved
    vacation of the year; ``balance`` = entitlement - used."""
    year = raw.get("year")
    kind = raw.get("vacationConfiguration") or {}
    days = [d for d in raw.get("daysOff") or [] if isinstance(d, Mapping) and d.get("date")]
    used = _days(days, ctx.record.get("day_seconds") or {})
    entitlement = parse_decimal(raw.get("maxDaysOff"))
    valid_year = isinstance(year, int) and not isinstance(year, bool) and 1900 < year < 3000
    return {
        "remote_id": str(raw["id"]),
        "employee_id": ctx.ref("employee", (raw.get("employee") or {}).get("id")),
        "type_id": ctx.ref("time_off_type", kind.get("id")),
        "entitlement": entitlement,
        "used": parse_decimal(used),
        "balance": parse_decimal(Decimal(entitlement) - used) if entitlement is not None else None,
        "unit": "DAYS",
        "period_start": f"{year}-01-01" if valid_year else None,
        "period_end": f"{year}-12-31" if valid_year else None,
        **_timestamps(raw),
        **_deletion(raw),
    }


def holiday(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """A day off of a public-holiday calendar (`holidays.HolidayDays` gives the calendar and its
    employees as context). Sesame assigns calendars to employees, not offices, and names no country."""
    calendar = ctx.record.get("calendar") or {}
    return {
        "remote_id": str(raw["id"]),
        "name": clean_str(raw.get("name")),
        "date": parse_date(raw.get("date")),
        "day_part": None,
        "calendar_id": clean_str(calendar.get("id")),
        "calendar_name": clean_str(calendar.get("name")),
        "country": None,
        "location_ids": [],
        "employee_ids": ctx.refs("employee", ctx.record.get("employee_ids") or []),
        "custom_fields": {"default_calendar": calendar["default"]} if isinstance(calendar.get("default"), bool) else None,
    }


def _given_back(days: list[Mapping[str, Any]], calendar: Mapping[str, Any]) -> bool:
    """Whether none of an accepted request's days is granted in its calendar (when the calendar lists them)."""
    granted = calendar.get("daysOff")
    if not days or not isinstance(granted, list):
        return False
    granted_days = {str(d.get("date")) for d in granted if isinstance(d, Mapping)}
    return not any(str(d["date"]) in granted_days for d in days)


def _days(days: list[Mapping[str, Any]], day_seconds: Mapping[str, int]) -> Decimal:
    """Days off, a day shorter than the working day counting as its share (to four places)."""
    total = Decimal(0)
    for entry in days:
        working = day_seconds.get(str(entry["date"]))
        taken = int(entry.get("seconds") or 0)
        total += min(Decimal(1), Decimal(taken) / working) if working else Decimal(1)
    return total.quantize(Decimal("0.0001"))


def _clock(day: Any, clock: Any) -> str | None:
    if not day or not clock:
        return None
    return parse_datetime(f"{day}T{clock}", tz=LOCAL_TZ)


# -- pay and contracts ----------------------------------------------------------------------------
#: Salary fields with no unified slot, kept in ``custom_fields`` under Sesame's names (H2; meaning of
#: ``remuneration`` and ``prorated`` [U]: the docs give no description).
SALARY_EXTRAS = ("monthlyGrossSalary", "contributionGroup", "remuneration", "prorated")


def _salary_annualized(raw: Mapping[str, Any], period: str | None, amount: str | None) -> str | None:
    """A salary's yearly amount, for every pay period: a monthly salary times its ``payments`` (14 with
    Spain's two extra pays), a weekly, fortnightly or yearly one times the periods of a year; a daily
    one (or an unknown period) is Sesame's own ``monthlyGrossSalary`` times ``payments``."""
    payments = raw.get("payments")
    payments = payments if isinstance(payments, int) and not isinstance(payments, bool) and payments > 0 else None
    if period == "MONTH" and payments:
        return annualized_amount(amount, payments)
    if per_year := PAYMENTS_PER_PERIOD.get(period or ""):
        return annualized_amount(amount, per_year)
    return annualized_amount(parse_money(raw.get("monthlyGrossSalary")), payments)


def compensation(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """A salary (``/contract/v1/salaries``) or a compensation assigned to the employee."""
    if "compensation" in raw:
        return _assigned_compensation(raw, ctx)
    period, period_raw = TABLES["pay_period"].pair(raw.get("payPeriod"))
    payments = raw.get("payments")
    frequency, frequency_raw = TABLES["payments_frequency"].pair(payments)
    amount = parse_money(raw.get("grossSalary"))
    start, end = parse_date(raw.get("startDate")), parse_date(raw.get("endDate"))
    extras = {k: raw[k] for k in SALARY_EXTRAS if raw.get(k) not in (None, "")}
    return {
        "remote_id": str(raw["id"]),
        "employee_id": ctx.ref("employee", ctx.stream_slice.get("employee_id")),
        "type": "BASE_SALARY",
        "type_raw": "salary",
        "amount": amount,
        "currency": parse_currency(raw.get("currency")),
        "currency_raw": clean_str(raw.get("currency")),
        "pay_period": period,
        "pay_period_raw": period_raw,
        "pay_frequency": frequency,
        "pay_frequency_raw": frequency_raw,
        "payments_per_year": payments if isinstance(payments, int) else None,
        "effective_date": start,
        "end_date": end,
        "is_current": is_current(start, end),
        "annualized_amount": _salary_annualized(raw, period, amount),
        "note": clean_str(raw.get("comments")),
        "custom_fields": extras or None,
        **_timestamps(raw),
    }


def _assigned_compensation(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    item = raw.get("compensation") or {}
    kind, kind_raw = TABLES["compensation_type"].pair(item.get("compensationType"))
    period, period_raw = TABLES["pay_period"].pair(item.get("period"))
    frequency, frequency_raw = TABLES["period_frequency"].pair(item.get("period"))
    per_year = PAYMENTS_PER_PERIOD.get(period or "")
    amount = parse_money(item.get("quantity"))
    percentage = parse_decimal(item.get("percentage"))
    notes = [
        f"{percentage}% of gross salary" if percentage and not amount else None,
        clean_str(item.get("comment")),
    ]
    start, end = parse_date(raw.get("startDate")), parse_date(raw.get("endDate"))
    return {
        "remote_id": str(raw["id"]),
        "employee_id": ctx.ref("employee", ctx.stream_slice.get("employee_id")),
        "employment_id": None,
        "type": kind,
        "type_raw": kind_raw,
        "name": clean_str(item.get("name")),
        "amount": amount,
        "currency": parse_currency(item.get("currency")),
        "currency_raw": clean_str(item.get("currency")),
        "pay_period": period,
        "pay_period_raw": period_raw,
        "pay_frequency": frequency,
        "pay_frequency_raw": frequency_raw,
        "payments_per_year": per_year,
        "effective_date": start,
        "end_date": end,
        "is_current": is_current(start, end),
        "annualized_amount": annualized_amount(amount, per_year),
        "note": "; ".join(n for n in notes if n) or None,
        **_timestamps(raw),
    }


def employment(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """One contract: its period, job title, contract type (worker type) and workday type (time type)."""
    start, end = contract_period(raw)
    kind = raw.get("contractTypeName") or (raw.get("contractType") or {}).get("name")
    return {
        "remote_id": str(raw["id"]),
        "employee_id": ctx.ref("employee", ctx.stream_slice.get("employee_id")),
        **_contract_facts(raw),
        "contract_type_raw": clean_str(kind),
        "effective_date": start,
        "end_date": end,
        "is_primary": True,
        "is_current": is_current(start, end),
    }


# -- time tracking --------------------------------------------------------------------------------
def work_entry(raw: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    clock_in, clock_out = raw.get("workEntryIn") or {}, raw.get("workEntryOut") or {}
    kind, kind_raw = TABLES["work_entry_type"].pair(raw.get("workEntryType"))
    worked = parse_decimal(raw.get("workedSeconds"))
    return {
        "remote_id": str(raw["id"]),
        "employee_id": ctx.ref("employee", (raw.get("employee") or {}).get("id")),
        "type": kind,
        "type_raw": kind_raw,
        "clock_in": parse_datetime(clock_in.get("date")),
        "clock_out": parse_datetime(clock_out.get("date")),
        "worked_seconds": int(Decimal(worked)) if worked is not None else None,
        "location_id": ctx.ref("location", clock_in.get("officeId")),
        "origin_raw": clean_str(clock_in.get("origin")),
        **_timestamps(raw),
        **_deletion(raw),
    }
