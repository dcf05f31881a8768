"""The shared `Company` in Sesame HR's JSON shapes (``providers/sesame-hr.md`` sections 4 and 5).

`SesameView.snapshot()` renders each collection once per `Company.version`, on its first request,
and keeps each item's JSON encoding, so a page is a join of cached bytes: the sandbox serves
thousands of requests a second and stays out of the benchmarks. Where the reference marks a fact [I]/[U], the choice is named in a
comment; the ones a connector could depend on are options of the app (see the package docstring).

How the neutral company becomes Sesame data:

- ids are the company's UUIDs (`uid`); objects the company has no id for (assignations, calendars,
  contracts, cancellation requests, compensation catalogue items) get UUIDv5s derived from them;
- every timestamp is rendered in Europe/Madrid with its offset (``2024-05-10T17:02:11+02:00``);
- employees: ``status`` is ``active`` for current and future staff, ``inactive`` for leavers; the
  company's non-binary and unspecified genders both become ``no_response`` (Sesame has three values);
- departments, offices and managers are separate assignation resources embedding full Employee
  objects: one department assignation per current and secondary department, one office assignation,
  a ``check`` and a ``vacation`` manager link (order 0) to the employee's manager and, when the
  department head is someone else, a second ``vacation`` link (order 1) to the head;
- the time-off type with category VACATION is a vacation configuration, the others absence types
  (hour-based ones ``pickMode: by_time_range``); each request lists its business days in ``daysOff``
  with that day's duration in seconds (absences by time range add ``startTime``/``endTime`` from 09:00);
- request statuses: approved -> ``accepted``, pending -> ``pending``, declined -> ``rejected``; a
  *cancelled* request is an accepted ``create`` request plus an accepted ``type: delete`` request for
  the same days (Sesame's way to give granted days back) [I]; soft-deleted requests carry ``deletedAt``;
- contracts: one per job-history period [I], in the current docs' shape (job charge, contract type,
  workday type, weekly hours, FTE, seniority date, hours per weekday); salaries: the company's salary
  rows (hourly rates are not salaries in Sesame: they appear as the employee's ``pricePerHour``);
  allowances: a compensation catalogue item per distinct monthly amount, assigned to employees whose
  allowance is current.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from hris_sandbox.company import (
    Company,
    Compensation,
    Employee,
    HolidayCalendar,
    TimeOffRequest,
    TimeOffType,
)

MADRID = ZoneInfo("Europe/Madrid")
GENDERS = {"male": "male", "female": "female"}  # non_binary, not_specified -> no_response
WORK_STATUSES = ("online", "offline", "paused", "remote")
ORIGINS = ("web", "app", "tablet")
REQUEST_STATUS = {
    "approved": "accepted",
    "pending": "pending",
    "declined": "rejected",
    "cancelled": "accepted",
}
PAY_PERIODS = {"year": "yearly", "month": "monthly"}
VACATION_DAYS = 25  # maxDaysOff of the default vacation configuration: a full-time year [I]
#: Contract vocabulary: tenant-defined names [U]; H2's example shows "Indefinido" and "Completa".
CONTRACT_TYPES = {"employee": "Indefinido", "intern": "Prácticas", "contractor": "Autónomo"}
WORKDAY_TYPES = {"full_time": "Completa", "part_time": "Parcial"}
FULL_TIME_HOURS = Decimal("37.5")  # the company's full-time week: fte = weeklyHours / 37.5
MAX_LEGAL_WEEKLY_HOURS, MAX_LEGAL_ANNUAL_HOURS = 40, 1826  # Spain's legal maxima [I]
WORK_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def derived_id(company: Company, *parts: object) -> str:
    """The UUIDv5 of an object the company has no id for (assignation, calendar, contract, ...)."""
    name = ":".join(str(p) for p in ("sesame", company.uid, *parts))
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def cancellation_id(company: Company, request: TimeOffRequest) -> str:
    """The id of the ``type: delete`` request that gives a cancelled request's days back."""
    return derived_id(company, "cancellation", request.uid)


def ts(moment: datetime | None) -> str | None:
    """``Y-m-dTH:i:sP`` in Europe/Madrid, e.g. ``2024-05-10T17:02:11+02:00``."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(MADRID).replace(microsecond=0).isoformat()


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=MADRID)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


class Listing:
    """One rendered collection: the items (for filtering) and their cached JSON encodings."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self._encoded: list[bytes | None] = [None] * len(items)

    def encoded(self, index: int) -> bytes:
        cached = self._encoded[index]
        if cached is None:
            cached = json.dumps(self.items[index], ensure_ascii=False, separators=(",", ":")).encode()
            self._encoded[index] = cached
        return cached


class Snapshot:
    """Every collection of one company version, each rendered on its first use (a sync that reads
    employees only never renders a 50,000-employee tenant's million day-off requests)."""

    def __init__(self, view: SesameView) -> None:
        self.view = view
        self.version = view.company.version

    @cached_property
    def _base(self) -> tuple[dict[str, Any], list[Employee], dict[int, dict[str, Any]]]:
        """The company object, the staff and each employee's rendered object by key."""
        with self.view.company.lock:
            company = self.view._company()
            staff = self.view.company.employee_list()
            return company, staff, {e.key: self.view._employee(e, company) for e in staff}

    @property
    def company(self) -> dict[str, Any]:
        return self._base[0]

    @cached_property
    def employees(self) -> Listing:
        _, staff, obj = self._base
        return Listing([obj[e.key] for e in staff])

    @cached_property
    def employee_by_uid(self) -> dict[str, int]:
        """uid -> index in `employees`"""
        return {e["id"]: i for i, e in enumerate(self.employees.items)}

    @cached_property
    def departments(self) -> Listing:
        return Listing([{"id": d.uid, "name": d.name} for d in self.view.company.departments])

    @cached_property
    def offices(self) -> Listing:
        return Listing([self.view._office(loc) for loc in self.view.company.locations])

    @cached_property
    def department_assignations(self) -> Listing:
        _, staff, obj = self._base
        return Listing(self.view._department_assignations(staff, obj))

    @cached_property
    def office_assignations(self) -> Listing:
        _, staff, obj = self._base
        return Listing(self.view._office_assignations(staff, obj))

    @cached_property
    def managers(self) -> Listing:
        _, staff, obj = self._base
        return Listing(self.view._managers(staff, obj, {e.key: e for e in staff}))

    @cached_property
    def custom_fields(self) -> Listing:
        return Listing(self.view._custom_fields(self._base[1]))

    @cached_property
    def _types(self) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
        """Vacation configurations and absence types, by time-off type key."""
        types, company = self.view.company.time_off_types, self.company
        return (
            {t.key: self.view._vacation_configuration(t, company) for t in types if t.category == "VACATION"},
            {t.key: self.view._absence_type(t, company) for t in types if t.category != "VACATION"},
        )

    @cached_property
    def absence_types(self) -> Listing:
        return Listing(list(self._types[1].values()))

    @cached_property
    def vacation_configurations(self) -> Listing:
        return Listing(list(self._types[0].values()))

    @cached_property
    def _requests(self) -> tuple[Listing, Listing, Listing]:
        """Vacation requests, absence requests and vacation calendars (rendered together)."""
        _, staff, obj = self._base
        with self.view.company.lock:
            return tuple(Listing(rows) for rows in self.view._requests(staff, obj, *self._types))  # type: ignore[return-value]

    @property
    def vacation_requests(self) -> Listing:
        return self._requests[0]

    @property
    def absence_requests(self) -> Listing:
        return self._requests[1]

    @property
    def vacation_calendars(self) -> Listing:
        return self._requests[2]

    @cached_property
    def holiday_calendars(self) -> Listing:
        return Listing([self.view._holiday_calendar(h) for h in self.view.company.holiday_calendars])

    @cached_property
    def work_entries(self) -> Listing:
        _, staff, obj = self._base
        with self.view.company.lock:
            return Listing(self.view._work_entries(staff, obj))

    @cached_property
    def _compensation(self) -> tuple[Listing, dict[str, Listing], dict[str, Listing]]:
        """The catalogue, each employee's assigned compensations, each catalogue item's assignments."""
        _, staff, _ = self._base
        with self.view.company.lock:
            catalogue, assignments = self.view._compensation_catalogue(staff, self.company)
        by_item: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rows in assignments.values():
            for row in rows:
                by_item[row["compensationId"]].append(row)
        return (
            Listing(catalogue),
            {e.uid: Listing(assignments.get(e.uid, [])) for e in staff},
            {k: Listing(v) for k, v in by_item.items()},
        )

    @property
    def compensations(self) -> Listing:
        return self._compensation[0]

    @property
    def employee_compensations(self) -> dict[str, Listing]:
        return self._compensation[1]

    @property
    def compensation_employees(self) -> dict[str, Listing]:
        """catalogue id -> rows"""
        return self._compensation[2]

    @cached_property
    def contracts(self) -> dict[str, Listing]:
        """employee uid -> contracts"""
        with self.view.company.lock:
            return {e.uid: Listing(self.view._contracts(e)) for e in self._base[1]}

    @cached_property
    def salaries(self) -> dict[str, Listing]:
        with self.view.company.lock:
            return {e.uid: Listing(self.view._salaries(e)) for e in self._base[1]}

    @cached_property
    def holiday_employees(self) -> dict[str, Listing]:
        """holiday calendar id -> employees"""
        c, staff = self.view.company, self._base[1]
        members: dict[str, list[dict[str, Any]]] = {h.uid: [] for h in c.holiday_calendars}
        for e in staff:
            members[c.calendar_of(e).uid].append(self.view._calendar_member(e))
        return {uid: Listing(rows) for uid, rows in members.items()}

    @cached_property
    def holiday_calendar_of(self) -> dict[str, tuple[int, dict[str, Any]]]:
        """employee uid -> (holiday calendar index in `holiday_calendars`, the employee object)"""
        c, (_, staff, obj) = self.view.company, self._base
        return {e.uid: (c.holiday_calendars.index(c.calendar_of(e)), obj[e.key]) for e in staff}


class SesameView:
    """Renders a company as Sesame HR; `snapshot()` is cached per company version."""

    def __init__(self, company: Company, deleted_requests_listed: bool = True) -> None:
        self.company = company
        self.deleted_requests_listed = deleted_requests_listed
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        with self._lock:
            if self._snapshot is None or self._snapshot.version != self.company.version:
                with self.company.lock:
                    self._snapshot = self._render()
            return self._snapshot

    # -- helpers ------------------------------------------------------------------------------
    def _uid(self, *parts: object) -> str:
        return derived_id(self.company, *parts)

    def _company(self) -> dict[str, Any]:
        c = self.company
        return {
            "id": c.uid,
            "name": c.name,
            "notificationEmail": f"rrhh@{c.subdomain}.example",
            "language": "es-ES",
            "createdAt": ts(c.created_at),
            "updatedAt": ts(c.created_at + timedelta(days=30)),
        }

    # -- rendering ----------------------------------------------------------------------------
    def _render(self) -> Snapshot:
        return Snapshot(self)

    def _holiday_calendar(self, h: HolidayCalendar) -> dict[str, Any]:
        """A public-holiday calendar (H1 ``HolidayCalendar``): Sesame's calendars carry no country, so
        the country is in the name only; ``typeId`` [U] is the calendar type's id."""
        return {
            "id": h.uid,
            "name": h.name,
            "companyId": self.company.uid,
            "dayOff": [
                {"id": self._uid("holiday", h.uid, day.isoformat()), "name": name, "date": day.isoformat()}
                for day, name in h.days
            ],
            "typeId": self._uid("holiday-calendar-type", "public"),
            "default": h.key == 1,
        }

    @staticmethod
    def _calendar_member(e: Employee) -> dict[str, Any]:
        """An employee as ``GET /schedule/v1/holidays/{id}/employees`` lists them (H1: a short object)."""
        return {
            "id": e.uid,
            "firstName": e.first_name,
            "lastName": e.last_name,
            "email": e.email,
            "countHolidayTemplates": 1,
        }

    def _employee(self, e: Employee, company: dict[str, Any]) -> dict[str, Any]:
        as_of = self.company.as_of
        spanish = e.nationality == "ES" or e.country == "ES"
        hourly = [x for x in e.compensations if x.kind == "hourly"]
        return {
            "id": e.uid,
            "firstName": e.first_name,
            "lastName": e.last_name,
            "secondLastName": e.second_last_name,
            "email": e.email,
            "personalMail": e.personal_email,
            "workStatus": "offline" if e.status(as_of) == "inactive" else WORK_STATUSES[e.key % 4],
            "status": "inactive" if e.status(as_of) == "inactive" else "active",
            "imageProfileURL": None
            if e.key % 5 == 0
            else f"https://sesame-v2-prod-companies.s3.eu-west-3.amazonaws.com/{self.company.subdomain}/{e.uid}.png",
            "code": e.key,
            "pin": 1000 + (e.key * 7_919) % 9000,
            "phone": e.mobile,
            "workPhone": e.work_phone,
            "emergencyPhone": None,
            "company": company,
            "gender": GENDERS.get(e.gender, "no_response"),
            "contractId": f"{self.company.subdomain.upper()}-{e.key}",
            # the company's test identifiers; Sesame has no tax number, bank name nor home phone field
            "nid": e.national_id,
            "identityNumberType": ("dni" if spanish else "nie") if e.national_id else None,
            "ssn": e.national_insurance,
            "pricePerHour": float(hourly[-1].amount) if hourly else None,
            "accountNumber": e.iban,
            "bic": e.bic,
            "dateOfBirth": iso(e.date_of_birth),
            "customFields": [self._custom_field(name, value) for name, value in e.custom_fields.items()],
            "createdAt": ts(e.created_at),
            "updatedAt": ts(e.updated_at),
            "children": e.key % 3,
            "disability": 0,
            "address": e.street,
            "postalCode": e.postal_code,
            "city": e.city,
            "province": e.city if spanish else None,
            "country": e.country,
            "nationality": e.nationality,
            "nationalities": [e.nationality] if e.nationality else [],
            "maritalStatus": e.marital_status,  # free text in Sesame [U]
            "description": "",
            "salaryRange": None,
            "studyLevel": None,
            "professionalCategoryCode": None,
            "professionalCategoryDescription": None,
            "jobChargeId": self._uid("job-charge", e.job_title),
            "jobChargeName": e.job_title,
            "language": "es-ES" if spanish else "en-GB",
        }

    def _custom_field(self, name: str, value: Any = None) -> dict[str, Any]:
        slug = "cf_" + "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")
        created = ts(self.company.created_at)
        row = {
            "id": self._uid("custom-field", name),
            "companyId": self.company.uid,
            "name": name,
            "slug": slug,
            "type": "text",
            "createdAt": created,
            "updatedAt": created,
        }
        if value is not None:
            row["value"] = str(value)
        return row

    def _custom_fields(self, staff: list[Employee]) -> list[dict[str, Any]]:
        names = sorted({name for e in staff for name in e.custom_fields})
        return [self._custom_field(name) for name in names]

    def _office(self, loc: Any) -> dict[str, Any]:
        return {
            "id": loc.uid,
            "name": loc.name,
            "address": f"{loc.street}, {loc.postal_code} {loc.city}",
            "coordinates": {"latitude": loc.latitude, "longitude": loc.longitude},
            "description": "",
            "radio": 150,
            "defaultEmployeesDateTimeZone": loc.timezone,
            "isDeleted": False,
        }

    def _department_assignations(
        self, staff: list[Employee], obj: dict[int, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        rows = []
        as_of = at(self.company.as_of, 18)
        for e in staff:
            primary_since = max(e.created_at, at(min(e.current.start, self.company.as_of)))
            keys = [e.department_key, *(k for k in e.secondary_department_keys if k != e.department_key)]
            for index, key in enumerate(keys):
                dept = self.company.department(key)
                # secondary memberships start after the primary one [I]
                since = (
                    primary_since if index == 0 else min(primary_since + timedelta(days=30 * index), as_of)
                )
                rows.append(
                    {
                        "id": self._uid("department-assignation", e.uid, dept.uid),
                        "employee": obj[e.key],
                        "department": {"id": dept.uid, "name": dept.name},
                        "createdAt": ts(since),
                        "updatedAt": ts(since),
                    }
                )
        return rows

    def _office_assignations(
        self, staff: list[Employee], obj: dict[int, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        rows = []
        for e in staff:
            office = self._office(self.company.location(e.location_key))
            office.pop("defaultEmployeesDateTimeZone")
            office.pop("isDeleted")
            rows.append(
                {
                    "id": self._uid("office-assignation", e.uid, office["id"]),
                    "employee": obj[e.key],
                    "office": office,
                    "createdAt": ts(e.created_at),
                    "updatedAt": ts(e.created_at),
                }
            )
        return rows

    def _managers(
        self, staff: list[Employee], obj: dict[int, dict[str, Any]], by_key: dict[int, Employee]
    ) -> list[dict[str, Any]]:
        rows = []

        def link(e: Employee, manager: Employee, permission: str, order: int) -> dict[str, Any]:
            since = ts(max(e.created_at, manager.created_at))
            return {
                "id": self._uid("manager", e.uid, permission, manager.uid),
                "manager": obj[manager.key],
                "employee": obj[e.key],
                "permission": permission,
                "order": order,
                "createdAt": since,
                "updatedAt": since,
            }

        for e in staff:
            manager = by_key.get(e.manager_key) if e.manager_key else None
            if manager is not None and manager.key != e.key:
                rows.append(link(e, manager, "check", 0))
                rows.append(link(e, manager, "vacation", 0))
            heads = self.company.department(e.department_key).manager_keys
            head = by_key.get(heads[0]) if heads else None
            if head is not None and head.key != e.key and (manager is None or head.key != manager.key):
                rows.append(link(e, head, "vacation", 1 if manager is not None else 0))
        return rows

    def _vacation_configuration(self, t: TimeOffType, company: dict[str, Any]) -> dict[str, Any]:
        created = ts(self.company.created_at)
        return {
            "id": t.uid,
            "name": t.name,
            "employeeRequestEnabled": True,
            "needsValidation": t.requires_approval,
            "company": company,
            "dayType": "business_day",
            "maxDaysOff": VACATION_DAYS,
            "isDefault": True,
            "notAllowedDateRanges": [],
            "creationDateNextYear": "12-01",
            "createdAt": created,
            "updatedAt": created,
            "deletedAt": None,
        }

    def _absence_type(self, t: TimeOffType, company: dict[str, Any]) -> dict[str, Any]:
        created = ts(self.company.created_at)
        return {
            "id": t.uid,
            "name": t.name,
            "needsValidation": t.requires_approval,
            "company": company,
            "createdAt": created,
            "updatedAt": created,
            "deletedAt": None,
            "type": "private" if t.category == "SICK" else "normal",
            "pickMode": "by_time_range" if t.unit == "hours" else "by_days",
        }

    def _days_off(self, r: TimeOffRequest, t: TimeOffType, with_times: bool) -> list[dict[str, Any]]:
        days = [r.start + timedelta(days=i) for i in range((r.end - r.start).days + 1)]
        days = [d for d in days if d.weekday() < 5] or [r.start]
        total = int(r.hours * 3600)
        per_day = total // len(days)
        rows: list[dict[str, Any]] = []
        for index, day in enumerate(days):
            seconds = per_day if index < len(days) - 1 else total - per_day * (len(days) - 1)
            row: dict[str, Any] = {"date": day.isoformat(), "seconds": seconds}
            if with_times:
                if t.unit == "hours":
                    start = datetime.combine(day, time(9))
                    row["startTime"] = "09:00"
                    row["endTime"] = (start + timedelta(seconds=seconds)).strftime("%H:%M")
                else:
                    row["startTime"] = row["endTime"] = None
            rows.append(row)
        return rows

    def _requests(
        self,
        staff: list[Employee],
        obj: dict[int, dict[str, Any]],
        configurations: dict[int, dict[str, Any]],
        absences: dict[int, dict[str, Any]],
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """Vacation and absence requests, and every employee's vacation calendar of each year they were
        employed in (or asked for days in)."""
        vacation: list[dict[str, Any]] = []
        absence: list[dict[str, Any]] = []
        calendars: list[dict[str, Any]] = []
        first_year = self.company.as_of.year - self.company.years
        for e in staff:
            # Calendars: one per employee, year and type, listing the days granted (net of cancellations).
            granted: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
            rendered: list[tuple[TimeOffRequest, TimeOffType, list[dict[str, Any]]]] = []
            for r in e.requests:
                t = self.company.time_off_type(r.type_key)
                days = self._days_off(r, t, with_times=t.key in absences)
                rendered.append((r, t, days))
                if r.status == "approved" and r.kind == "create" and r.deleted_at is None:
                    granted[(t.key, r.start.year)].extend(days)
            for r, t, days in rendered:
                if r.deleted_at is not None and not self.deleted_requests_listed:
                    continue
                calendar = self._calendar(e, obj, t, r.start.year, granted, configurations, absences)
                target = vacation if t.key in configurations else absence
                target.extend(self._request_rows(r, t, days, calendar, obj[e.key]))
            last = e.termination_date.year if e.termination_date else self.company.as_of.year
            employed = range(max(first_year, e.start_date.year), min(last, self.company.as_of.year) + 1)
            for t in self.company.time_off_types:
                if t.key not in configurations:
                    continue
                years = sorted(set(employed) | {r.start.year for r in e.requests if r.type_key == t.key})
                calendars.extend(
                    self._calendar(e, obj, t, year, granted, configurations, absences) for year in years
                )
        return vacation, absence, calendars

    def _calendar(
        self,
        e: Employee,
        obj: dict[int, dict[str, Any]],
        t: TimeOffType,
        year: int,
        granted: dict[tuple[int, int], list[dict[str, Any]]],
        configurations: dict[int, dict[str, Any]],
        absences: dict[int, dict[str, Any]],
    ) -> dict[str, Any]:
        created = ts(max(e.created_at, at(date(year, 1, 1), 0)))
        days = [{"date": d["date"], "seconds": d["seconds"]} for d in granted.get((t.key, year), [])]
        calendar: dict[str, Any] = {
            "id": self._uid("calendar", e.uid, t.uid, year),
            "employee": obj[e.key],
            "daysOff": days,
            # the allowance of the year (company facts; H1 types it as an integer, a part-timer's pro
            # rata share keeps its decimals here [I]); absence calendars have none
            "maxDaysOff": number(self.company.entitlement(e, t, year) or 0) if t.key in configurations else 0,
            "year": year,
        }
        if t.key in configurations:
            calendar["vacationConfiguration"] = configurations[t.key]
        else:
            calendar["absenceType"] = absences[t.key]
        calendar.update({"createdAt": created, "updatedAt": created, "deletedAt": None})
        return calendar

    def _request_rows(
        self,
        r: TimeOffRequest,
        t: TimeOffType,
        days: list[dict[str, Any]],
        calendar: dict[str, Any],
        employee: dict[str, Any],
    ) -> list[dict[str, Any]]:
        key = "vacationCalendar" if "vacationConfiguration" in calendar else "absenceCalendar"
        cancelled = r.status == "cancelled" and r.kind == "create"
        decided = r.decided_at
        row = {
            "id": r.uid,
            key: calendar,
            "employee": employee,
            "daysOff": days,
            "status": REQUEST_STATUS.get(r.status, r.status),
            "type": r.kind,
            "comment": r.note or None,
            "resolutionComment": r.approver_note or None,
            "resolvedAt": ts(decided),
            "createdAt": ts(r.requested_at),
            # A cancellation is a request of its own; the granted request is left as it was [I].
            "updatedAt": ts((decided or r.requested_at) if cancelled else r.updated_at),
            "deletedAt": ts(r.deleted_at),
        }
        if not cancelled:
            return [row]
        asked = max((decided or r.requested_at) + timedelta(days=1), r.updated_at)
        resolved = asked + timedelta(hours=2)
        cancellation = {
            **row,
            "id": cancellation_id(self.company, r),
            "type": "delete",
            "status": "accepted",
            "comment": None,
            "resolutionComment": None,
            "resolvedAt": ts(resolved),
            "createdAt": ts(asked),
            "updatedAt": ts(resolved),
            "deletedAt": None,
        }
        return [row, cancellation]

    def _work_entries(self, staff: list[Employee], obj: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
        rows = []
        for e in staff:
            for w in e.work_entries:
                office = self.company.location(w.location_key) if w.location_key else None

                def point(moment: datetime | None, w: Any = w, office: Any = office) -> dict[str, Any] | None:
                    if moment is None:
                        return None
                    return {
                        "origin": ORIGINS[w.key % len(ORIGINS)],
                        "date": ts(moment),
                        "coordinates": {"latitude": office.latitude, "longitude": office.longitude}
                        if office
                        else None,
                        "officeId": office.uid if office else None,
                    }

                # the time worked: clock-in to clock-out less the breaks (its pause entries)
                pauses = sum((end - start).total_seconds() for start, end in w.breaks)
                worked = (w.clock_out - w.clock_in).total_seconds() - pauses if w.clock_out else None
                row = {
                    "id": w.uid,
                    "workCheckTypeId": None,
                    "employee": obj[e.key],
                    "workEntryType": w.kind,
                    "workEntryIn": point(w.clock_in),
                    "workEntryOut": point(w.clock_out),
                    "workedSeconds": worked,
                    "createdAt": ts(w.created_at),
                    "updatedAt": ts(w.updated_at),
                    "deletedAt": ts(w.deleted_at),
                }
                rows.append(row)
                # A break is a `pause` entry of its own inside the work entry, which keeps its clock-in
                # and clock-out (whether Sesame splits the work entry instead is [U]); it goes with it.
                for start, end in w.breaks:
                    rows.append(
                        {
                            **row,
                            "id": self._uid("pause", w.uid, start.isoformat()),
                            "workEntryType": "pause",
                            "workEntryIn": point(start),
                            "workEntryOut": point(end),
                            "workedSeconds": (end - start).total_seconds(),
                        }
                    )
        return rows

    def _contracts(self, e: Employee) -> list[dict[str, Any]]:
        """One contract per job-history period [I], in the shape of the current docs (H2): ``startAt`` and
        ``endAt`` beside H1's ``startDate``/``endDate``, job charge, contract and workday types, hours."""
        kind = CONTRACT_TYPES[e.worker_type]
        fte = (e.weekly_hours / FULL_TIME_HOURS).quantize(Decimal("0.0001"))
        day_hours = number(e.weekly_hours / len(WORK_DAYS))
        # a trial of N days counts its first day: it ends (last day) on the company's probation end
        trial = (e.probation_end - e.history[0].start).days + 1 if e.probation_end and e.history else None
        return [
            {
                "id": self._uid("contract", e.uid, index),
                "startAt": iso(period.start),
                "endAt": iso(period.end),
                "startDate": iso(period.start),
                "endDate": iso(period.end),
                "comment": "",
                "code": f"{e.employee_number}-{index}",
                "jobChargeId": self._uid("job-charge", period.title),
                "jobChargeName": period.title,
                "contractTypeId": self._uid("contract-type", kind),
                "contractTypeName": kind,
                "agreementId": None,
                "agreementName": None,
                "degreeId": None,
                "degreeName": None,
                "workDayTypeId": self._uid("workday-type", period.time_type),
                "workDayTypeName": WORKDAY_TYPES[period.time_type],
                "socialSecurityNumber": None,
                # the first contract's trial (in days) [I]
                "trialPeriodType": "days" if index == 1 and trial else None,
                "trialPeriodQuantity": trial if index == 1 and trial else None,
                "seniorityDate": iso(e.start_date),
                "percentageWorkDay": number(fte * 100),
                "weeklyHours": number(e.weekly_hours),
                "cbo": "",
                "remoteWork": False,
                "jobLevelId": None,
                "jobLevelName": None,
                "jobPositionDescription": None,
                "maxLegalWeeklyHours": MAX_LEGAL_WEEKLY_HOURS,
                "maxLegalAnnualHours": MAX_LEGAL_ANNUAL_HOURS,
                "fte": number(fte),
                "workDays": [{"day": day, "hours": day_hours} for day in WORK_DAYS],
            }
            for index, period in enumerate(e.history, start=1)
        ]

    def _salaries(self, e: Employee) -> list[dict[str, Any]]:
        rows = []
        for c in e.compensations:
            if c.kind != "salary":
                continue
            period = PAY_PERIODS.get(c.period, "yearly")
            # H1 types the listed grossSalary as an integer (from its example) but creates salaries with a
            # float: cents are kept [I]; monthlyGrossSalary is rounded as in H1's example (35000 -> 2917)
            gross = c.amount
            monthly = gross if period == "monthly" else gross / max(c.payments_per_year, 1)
            rows.append(
                {
                    "id": c.uid,
                    "payPeriod": period,
                    "currency": c.currency,
                    "grossSalary": number(gross),
                    "payments": c.payments_per_year,
                    "contributionGroup": "02",
                    "startDate": iso(c.start),
                    "endDate": iso(c.end),
                    "comments": c.note or None,
                    "monthlyGrossSalary": int(monthly.to_integral_value()),
                    # H2 adds these without a description [U]: the yearly gross, and whether the extra
                    # pays are spread over twelve payments (a 12-payment salary here)
                    "remuneration": number(gross * (c.payments_per_year if period == "monthly" else 1)),
                    "prorated": c.payments_per_year == 12,
                    "createdAt": ts(c.created_at),
                    "updatedAt": ts(c.created_at),
                }
            )
        return rows

    def _compensation_catalogue(
        self, staff: list[Employee], company: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        """Allowances as catalogue items (monthly amounts) and the employees' current assignments."""
        as_of = self.company.as_of
        catalogue: dict[str, dict[str, Any]] = {}
        assignments: dict[str, list[dict[str, Any]]] = {}
        created = ts(self.company.created_at)
        for e in staff:
            salary = self._current_salary(e)
            for c in e.compensations:
                if c.kind != "allowance":
                    continue
                monthly = (c.amount / 12).quantize(Decimal("0.01"))
                item_id = self._uid("compensation", c.name, monthly, c.currency)
                item = catalogue.setdefault(
                    item_id,
                    {
                        "id": item_id,
                        "companyId": company["id"],
                        "name": c.name,
                        "compensationType": "fixed",
                        "quantity": number(monthly),
                        "percentage": None,
                        "period": "monthly",
                        "currency": c.currency,
                        "recurrence": 1,
                        "status": "active",
                        "origin": "payroll",
                        "code": None,
                        "comment": None,
                        "createdAt": created,
                        "updatedAt": created,
                    },
                )
                if c.start <= as_of and (c.end is None or c.end >= as_of):
                    assignments.setdefault(e.uid, []).append(self._assignment(c, item, salary))
        return list(catalogue.values()), assignments

    def _current_salary(self, e: Employee) -> Compensation | None:
        as_of = self.company.as_of
        current = [
            c
            for c in e.compensations
            if c.kind == "salary" and c.start <= as_of and (c.end is None or c.end >= as_of)
        ]
        return current[-1] if current else None

    def _assignment(
        self, c: Compensation, item: dict[str, Any], salary: Compensation | None
    ) -> dict[str, Any]:
        return {
            "id": c.uid,
            "compensationId": item["id"],
            "salaryId": salary.uid if salary else None,
            "startDate": iso(c.start),
            "endDate": iso(c.end),
            "createdAt": ts(c.created_at),
            "updatedAt": ts(c.created_at),
            "compensation": item,
        }
