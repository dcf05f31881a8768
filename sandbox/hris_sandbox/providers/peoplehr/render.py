"""The shared `Company` in PeopleHR's shapes: employees with `DisplayValue` wrappers, holidays,
absences, salaries, benefits and saved-query rows (see the reference notes' ``providers/peoplehr.md`` §4-§6).

Every `DisplayValue` is a string; history arrays are empty unless ``history=True`` (the by-id call).
Holidays and absences carry no status for cancelled or soft-deleted requests: PeopleHR deletes them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hris_sandbox.company import (
    DEMONYMS,
    Company,
    Compensation,
    Employee,
    JobPeriod,
    TimeOffRequest,
    TimeOffType,
    WorkEntry,
)

UK = ZoneInfo("Europe/London")  # LastActionDateTime is UK local time [I]

GENDERS = {"male": "Male", "female": "Female"}  # anything else: "Not Specified" [V]
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "PLN": "zł"}
SALARY_TYPES = {"year": "Annual", "month": "Monthly", "hour": "Hourly"}
#: Holiday `Status` per company status: P1's enum, or the words seen in captured responses.
HOLIDAY_STATUSES = {
    "swagger": {
        "approved": "Approved",
        "pending": "Submitted",
        "declined": "Rejected",
        "cancelled": "Cancelled",
    },
    "captured": {
        "approved": "Approved",
        "pending": "Pending",
        "declined": "Declined",
        "cancelled": "Cancelled",
    },
}
SICKNESS_REASONS = ["Cold/Flu", "Migraine", "Back pain", "Stomach bug", "Other"]
EMPLOYMENT_FIELDS = (
    "PayrollCompany",
    "PayrollID",
    "TimeAndAttendanceID",
    "RotaID",
    "CRMID",
    "ATSID",
    "PerformanceID",
    "BenefitsID",
    "System1ID",
    "System2ID",
    "System3ID",
    "MethodOfRecruitment",
)


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def slashed(day: date | None) -> str:
    """Query results write dates as ``yyyy/MM/dd`` [V]."""
    return day.strftime("%Y/%m/%d") if day else ""


def uk_local(moment: datetime) -> str:
    return moment.astimezone(UK).strftime("%Y-%m-%d %H:%M:%S")


def fixed(value: Decimal | float, places: int) -> str:
    return f"{Decimal(value):.{places}f}"


def company_id(company: Company) -> int:
    return zlib.crc32(company.uid.encode()) % 900_000 + 100_000


def is_holiday(company: Company, request: TimeOffRequest) -> bool:
    return company.time_off_type(request.type_key).category in ("VACATION", "TIME_IN_LIEU")


def is_absence(company: Company, request: TimeOffRequest) -> bool:
    return company.time_off_type(request.type_key).category == "SICK" and request.status == "approved"


def is_maternity(company: Company, request: TimeOffRequest) -> bool:
    """Parental leave is a maternity/paternity record: it has no status, so only granted leave [I]."""
    return company.time_off_type(request.type_key).category == "PARENTAL" and request.status == "approved"


def is_other_event(company: Company, request: TimeOffRequest) -> bool:
    """Any other kind of leave is an "other event" with the leave type's name as its ``Reason``."""
    return company.time_off_type(request.type_key).category not in (
        "VACATION",
        "TIME_IN_LIEU",
        "SICK",
        "PARENTAL",
    )


def visible(request: TimeOffRequest) -> bool:
    return getattr(request, "deleted_at", None) is None


def daily_minutes(e: Employee) -> int:
    """The employee's working day in minutes (weekly hours over five days)."""
    return int(e.weekly_hours / 5 * 60)


def business_days(start: date, end: date) -> int:
    return sum(1 for n in range((end - start).days + 1) if (start + timedelta(days=n)).weekday() < 5)


class Renderer:
    """Renders the company; `employee_id` gives an employee's current (possibly renamed) EmployeeId."""

    def __init__(
        self,
        company: Company,
        employee_id: Callable[[Employee], str],
        rename_history: Callable[[Employee], list[dict[str, str]]],
        unique_key: bool,
        holiday_statuses: str,
        currency: str,
        paid_status: str = "1",
        paid_status_type: str = "int",
    ) -> None:
        self.company = company
        self.employee_id = employee_id
        self.rename_history = rename_history
        self.unique_key = unique_key
        self.statuses = HOLIDAY_STATUSES[holiday_statuses]
        self.currency = currency
        if paid_status not in ("1", "2") or paid_status_type not in ("int", "string"):
            raise ValueError("paid_status must be '1' or '2', paid_status_type 'int' or 'string'")
        self.paid_status = paid_status
        self.paid_status_type = paid_status_type

    # -- employees ------------------------------------------------------------------------------
    def employee(self, e: Employee, history: bool = False) -> dict[str, Any]:
        company = self.company

        def fh(value: Any, changes: list[dict[str, str]] | None = None) -> dict[str, Any]:
            return {
                "DisplayValue": "" if value is None else str(value),
                "FieldHistory": changes if history and changes else [],
            }

        def eff(value: str, periods: Iterable[tuple[str, date]]) -> dict[str, Any]:
            rows = [
                {
                    "FieldData": data,
                    "EffectiveDate": iso(start),
                    "ChangedOn": iso(start),
                    "ReasonForChange": "Update",
                }
                for data, start in periods
            ]
            return {
                "DisplayValue": value,
                "FieldHistoryForEffectiveDate": list(reversed(rows)) if history else [],
            }

        def dv(value: Any) -> dict[str, str]:
            return {"DisplayValue": "" if value is None else str(value)}

        location = company.location(e.location_key)
        department = company.department(e.department_key).name
        manager = company.employees.get(e.manager_key) if e.manager_key else None
        employment_type = employment_type_of(e, e.current)
        departments = changes(e.history, lambda p: company.department(p.department_key).name)
        types = changes(e.history, lambda p: employment_type_of(e, p))
        # this year's holiday entitlement (`Company.entitlement`, as GetHolidayEntitlement gives it); in
        # minutes too, as P1's example (25.00 days, 11250 minutes: 7.5 h a day)
        allowance = company.entitlement(e, self.holiday_type, company.as_of.year) or Decimal(0)
        allowance_minutes = allowance * daily_minutes(e)
        reason = (
            company.termination_reasons[e.termination_reason][0] if e.termination_reason is not None else ""
        )
        address = ", ".join(part for part in (e.street, e.city, e.postal_code) if part)
        record: dict[str, Any] = {
            "EmployeeId": fh(self.employee_id(e), self.rename_history(e)),
            "Title": fh({"male": "Mr", "female": "Ms"}.get(e.gender, "")),
            "FirstName": fh(e.first_name),
            "LastName": fh(e.last_name),
            "OtherName": fh(e.middle_name),
            "KnownAs": fh(e.preferred_name),
            "EmailId": fh(e.email),
            "StartDate": fh(iso(e.start_date)),
            "DateOfBirth": fh(iso(e.date_of_birth)),
            "JobRole": {
                "DisplayValue": e.job_title,
                "FieldHistoryForJobRole": [
                    {
                        "JobRole": p.title,
                        "EffectiveDate": iso(p.start),
                        "ChangedOn": iso(p.start),
                        "ReasonForChange": "Promotion",
                    }
                    for p in reversed(e.history)
                ]
                if history
                else [],
            },
            "JobRoleChangeDate": dv(iso(e.current.start)),
            "Company": eff(company.name, [(company.name, e.start_date)]),
            "CompanyEffectiveDate": dv(iso(e.start_date)),
            "Location": eff(location.name, [(location.name, e.start_date)]),
            "LocationEffectiveDate": dv(iso(e.start_date)),
            "Department": eff(department, departments),
            "DepartmentEffectiveDate": dv(iso(departments[-1][1])),
            "ReportsTo": eff(
                f"{manager.first_name} {manager.last_name}" if manager else "",
                [(f"{manager.first_name} {manager.last_name}", e.current.start)] if manager else [],
            ),
            "ReportsToEffectiveDate": dv(iso(e.current.start) if manager else ""),
            "ReportsToEmployeeId": dv(self.employee_id(manager) if manager else ""),
            "ReportsToEmailAddress": dv(manager.email if manager else ""),
            "NISNumber": fh(e.national_insurance),
            "Nationality": fh(DEMONYMS.get(e.nationality or "", "")),
            "EmploymentType": eff(employment_type, types),
            "EmploymentTypeEffectiveDate": dv(iso(types[-1][1])),
            "EmployeeStatus": dv("1"),
            "HolidayAllowanceDays": dv(fixed(allowance, 2)),
            "HolidayAllowanceMins": dv(fixed(allowance_minutes, 0)),
            "NoticePeriod": fh("4 weeks" if e.worker_type == "employee" else "1 week"),
            "ProbationEndDate": fh(iso(e.probation_end)),
            "Gender": fh(GENDERS.get(e.gender, "Not Specified")),
            "ContactDetail": {
                "Address": fh(address),
                "WorkPhoneNumber": fh(e.work_phone),
                "PersonalPhoneNumber": fh(e.home_phone),
                "PersonalEmail": fh(e.personal_email),
                "Mobile": fh(e.mobile),
            },
            "OtherContact": [
                {
                    "OtherContactName": dv(f"{e.first_name} {e.last_name} (partner)"),
                    "Relationship": dv("Partner"),
                    "OtheContactAddress": dv(address),
                    "Telephone": dv(""),
                    "Mobile": dv(e.mobile),
                    "Comments": dv(""),
                }
            ]
            if e.key % 4 == 0
            else [],
            "RightToWork": [
                {
                    "DocumentType": dv("Passport"),
                    "DocumentId": dv("2"),
                    "ValidFrom": dv(iso(e.start_date - timedelta(days=30))),
                    "ValidTo": dv(iso(e.start_date + timedelta(days=3650))),
                    "Duration": dv("10"),
                    "RightToWorkComments": dv(""),
                }
            ]
            if e.country == "GB"
            else [],
            "BackgroundDetail": [],
            # one account, in PeopleHR's UK-shaped fields: the IBAN as the account number, the BIC as
            # the bank code (a sort code in the UK) [I]
            "BankDetail": {
                "BankName": fh(e.bank_name),
                "BankAddress": fh(""),
                "BankCode": fh(e.bic),
                "AccountNumber": fh(e.iban),
                "AccountName": fh(f"{e.first_name} {e.last_name}" if e.iban else ""),
            },
            "EmploymentDetail": {
                name: fh(f"PAY-{e.key:05d}" if name == "PayrollID" else "") for name in EMPLOYMENT_FIELDS
            },
            "LeavingDate": iso(e.termination_date),
            "ReasonForLeaving": reason,
            "EmployeeImage": "",
            "APIColumn1": e.custom_fields.get("T-shirt size", ""),
            "APIColumn2": e.custom_fields.get("Dietary requirements", ""),
            "APIColumn3": "",
            "APIColumn4": "",
            "APIColumn5": "",
            "AdditionalreportsTo": [],
            "lstFieldHistoryJobrole": None,
        }
        if self.unique_key:
            record["UniqueKey"] = e.uid
        return record

    # -- time off -------------------------------------------------------------------------------
    def _booking(self, r: TimeOffRequest, window: tuple[date, date] | None) -> dict[str, Any]:
        """The fields holidays and other events share: durations (type 1 days, 2 hours, 3 half day
        [V-3p]), comments, approver, status and last action."""
        company = self.company
        emp = company.employees[r.employee_key]
        typ = company.time_off_type(r.type_key)
        minutes = int(r.hours * 60)
        if typ.unit == "hours":
            duration_type, days = 2, Decimal(minutes) / daily_minutes(emp)
        elif r.part_of_day in ("morning", "afternoon"):
            duration_type, days = 3, Decimal("0.5")
        else:
            duration_type, days = 1, r.days
        share = period_share(r, window)
        approver = company.employees.get(r.approver_key) if r.approver_key else None
        return {
            "StartDate": iso(r.start),
            "EndDate": iso(r.end),
            "DurationType": duration_type,
            "DurationInDays": round(float(days), 2),
            "DurationInMinutes": minutes,
            "DurationInDaysThisPeriod": round(float(days * share), 2),
            "DurationInMinutesThisPeriod": int(minutes * share),
            "RequesterComments": r.note,
            "ApproverComments": r.approver_note,
            "Approver": f"{approver.first_name} {approver.last_name}" if approver else "",
            "Status": self.statuses[r.status],
            "LastActionDateTime": uk_local(r.updated_at),
        }

    def holiday(self, r: TimeOffRequest, window: tuple[date, date] | None) -> dict[str, Any]:
        booking = self._booking(r, window)
        part = {"morning": "AM", "afternoon": "PM"}.get(r.part_of_day or "", "")
        return {
            "AnnualLeaveTxnId": r.key,
            **booking,
            "PartOfDay": part,
            "StartDatePartOfTheDay": part,
            "EndDatePartOfTheDay": part,
            "IsToilHoliday": self.company.time_off_type(r.type_key).category == "TIME_IN_LIEU",
            "ReferenceId": "",
        }

    def other_event(self, r: TimeOffRequest, window: tuple[date, date] | None) -> dict[str, Any]:
        """``getothereventdetail`` (P1): the leave type's name as ``Reason``; an event by the hour has
        its start and end time (from 09:00 [I]), others ``""``."""
        booking = self._booking(r, window)
        by_hours = booking["DurationType"] == 2
        start = datetime.combine(r.start, datetime.min.time()).replace(hour=9)
        end = start + timedelta(minutes=booking["DurationInMinutes"])
        return {
            "OtherLeaveTxnId": r.key,
            **booking,
            "StartTime": start.strftime("%H:%M") if by_hours else "",
            "EndTime": end.strftime("%H:%M") if by_hours else "",
            "Reason": self.company.time_off_type(r.type_key).name,
        }

    def maternity(self, r: TimeOffRequest) -> dict[str, Any]:
        """``GetMaternityPaternityByEmployeeId`` (P1): dates only, no duration and no status."""
        expected = r.start + timedelta(days=14)
        due_week = expected - timedelta(days=(expected.weekday() + 1) % 7)  # the Sunday before [I]
        approver = self.company.employees.get(r.approver_key) if r.approver_key else None
        return {
            "MaternityPaternityTxnId": r.key,
            "ExpectedDate": iso(expected),
            "DueWeekStartDate": iso(due_week),
            "DueWeekEndDate": iso(due_week + timedelta(days=6)),
            "EarliestStartDate": iso(due_week - timedelta(weeks=11)),
            "ContinousWeeksService": "26.00",
            "OrdinaryLeaveStartDate": iso(r.start),
            "OrdinaryLeaveEndDate": iso(r.end),
            "AdditionalLeaveStartDate": "",
            "AdditionalLeaveEndDate": "",
            "ActualStartDate": iso(r.start),
            "ActualEndDate": iso(r.end),
            "Comments": [
                {
                    "CommentId": r.key,
                    "Comments": r.note,
                    "PostedBy": f"{approver.first_name} {approver.last_name}" if approver else "",
                }
            ]
            if r.note
            else [],
            "Files": [],
            "ReferenceId": "",
        }

    def paid_code(self, paid: bool) -> int | str:
        """``AbsencePaidStatus``: an int in real traffic, ``"1"`` in the spec; which of 1/2 is paid is
        [U] (option ``paid_status``, default 1)."""
        code = self.paid_status if paid else {"1": "2", "2": "1"}[self.paid_status]
        return int(code) if self.paid_status_type == "int" else code

    def absence(self, r: TimeOffRequest, window: tuple[date, date]) -> dict[str, Any]:
        company = self.company
        approver = company.employees.get(r.approver_key) if r.approver_key else None
        days = Decimal("0.5") if r.part_of_day in ("morning", "afternoon") else r.days
        interview = days >= 3
        return {
            "AbsenceLeaveTxnId": r.key,
            "StartDate": iso(r.start),
            "EndDate": iso(r.end),
            "DurationDays": fixed(days, 2),
            "DurationInDaysThisPeriod": fixed(days * period_share(r, window), 2),
            "PartOfDay": {"morning": "AM", "afternoon": "PM"}.get(r.part_of_day or "", ""),
            "BackToWorkInterviewRequried": interview,
            "BackToWorkInterviewDate": iso(r.end + timedelta(days=1)) if interview else "",
            "MedicalCertificateType": 1 if days >= 7 else 0,
            "MedicalCertificateReceivedDate": iso(r.end) if days >= 7 else "",
            "Reason": SICKNESS_REASONS[r.key % len(SICKNESS_REASONS)],
            "Comments": [
                {
                    "Comments": r.note,
                    "PostedBy": f"{approver.first_name} {approver.last_name}" if approver else "",
                }
            ]
            if r.note
            else [],
            "AbsencePaidStatus": self.paid_code(company.time_off_type(r.type_key).paid),
            "EmergencyLeave": False,
        }

    # -- holiday entitlements -------------------------------------------------------------------------
    @property
    def holiday_type(self) -> TimeOffType:
        """The company's holiday (VACATION) type: the one PeopleHR's holiday allowance counts."""
        return next(t for t in self.company.time_off_types if t.category == "VACATION")

    def entitlements(self, e: Employee, years: Iterable[int]) -> list[dict[str, Any]]:
        """``GetHolidayEntitlement`` (P1): the holiday allowance per leave year, `Company.entitlement`;
        the leave year is the calendar year here (a tenant setting in PeopleHR [I]), one row for each
        year the employee is employed in."""
        holiday = self.holiday_type
        last = e.termination_date.year if e.termination_date else max(years, default=e.start_date.year)
        rows = []
        for year in years:
            days = self.company.entitlement(e, holiday, year)
            if days is not None and e.start_date.year <= year <= last:
                rows.append(
                    {
                        "StartDate": iso(date(year, 1, 1)),
                        "EndDate": iso(date(year, 12, 31)),
                        "MeasuredIn": "Days",
                        "Entitlement": fixed(days, 2),
                    }
                )
        return rows

    # -- timesheets ---------------------------------------------------------------------------------
    def timesheets(self, e: Employee, window: tuple[date, date] | None) -> list[dict[str, Any]]:
        """``GetTimesheetDetail`` (P1): one row per day with up to 15 clock-in/out pairs (``HH:mm``, UK
        local time [I]). PeopleHR has no break rows: a break is a clock-out and a clock-in again, so a
        work entry with breaks is several pairs. Deleted entries are gone, as PeopleHR deletes."""
        days: dict[date, list[tuple[datetime, datetime | None]]] = {}
        changed: dict[date, datetime] = {}
        for w in e.work_entries:
            if w.deleted_at is None and w.kind == "work":  # a pause entry is a gap between pairs
                day = w.clock_in.astimezone(UK).date()
                days.setdefault(day, []).extend(segments(w))
                changed[day] = max(changed.get(day, w.updated_at), w.updated_at)
        rows = []
        for day in sorted(d for d in days if window is None or window[0] <= d <= window[1]):
            pairs = sorted(days[day], key=lambda pair: pair[0])[:15]
            row: dict[str, Any] = {"TimesheetDate": iso(day)}
            for n in range(1, 16):
                start, end = pairs[n - 1] if n <= len(pairs) else (None, None)
                row[f"TimeIn{n}"] = clock(start) if start else ""
                row[f"TimeOut{n}"] = clock(end) if end else ""
            week = [p for d, ps in days.items() if d.isocalendar()[:2] == day.isocalendar()[:2] for p in ps]
            month = [p for d, ps in days.items() if (d.year, d.month) == (day.year, day.month) for p in ps]
            row["TotalTimeWorkedTodayInMins"] = str(worked_minutes(pairs))
            row["TotalTimeWorkedThisWeekInMins"] = str(worked_minutes(week))
            row["TotalTimeWorkedThisMonthInMins"] = str(worked_minutes(month))
            for way in ("In", "Out"):
                for n in range(1, 16):
                    row[f"IPAddressTime{way}{n}"] = f"10.0.{e.key % 250}.{n}" if row[f"Time{way}{n}"] else ""
            row["TimesheetState"] = "Complete" if all(end for _, end in pairs) else "Incomplete"
            row["Comments"] = ""
            row["ChangedDate"] = iso(changed[day].astimezone(UK).date())
            rows.append(row)
        return rows

    # -- pay and benefits -------------------------------------------------------------------------
    def salaries(self, e: Employee, include_history: bool) -> list[dict[str, Any]]:
        """Newest first. Without history only the row in force today (or the first one to come)."""
        base = sorted((c for c in e.compensations if c.kind != "allowance"), key=lambda c: c.start)
        if not include_history and base:
            current = [c for c in base if c.start <= self.company.as_of] or base[:1]
            base = current[-1:]
        return [self.salary(e, c) for c in reversed(base)]

    def salary(self, e: Employee, c: Compensation) -> dict[str, Any]:
        allowances = [a for a in e.compensations if a.kind == "allowance" and a.start == c.start]
        total = c.amount + (sum((a.amount for a in allowances), Decimal(0)) if c.period == "year" else 0)
        return {
            "EffectiveFrom": iso(c.start),
            "SalaryType": SALARY_TYPES[c.period],
            "PaymentFrequency": "Monthly",
            "SalaryAmount": fixed(c.amount, 4),
            "TotalSalaryAmount": fixed(total, 4),
            "Currency": CURRENCY_SYMBOLS.get(c.currency, c.currency)
            if self.currency == "symbol"
            else c.currency,
            "ChangeReason": c.note,
            "Comments": "",
            "Deductions": [],
            "Entitlements": [
                {
                    "Entitlement": a.name,
                    "Amount": fixed(a.amount, 2),
                    "Percentage": "0.00",
                    "Comments": "",
                    "IncludeInTotalSalary": True,
                    "DisplayAsAmountOrPercentage": True,
                }
                for a in allowances
            ],
        }

    def benefits(self, e: Employee) -> list[dict[str, Any]]:
        return [
            {
                "BenefitId": b.key,
                "Benefit": b.name,
                "DateAwarded": iso(b.awarded),
                "ExpiryDate": iso(b.expires),
                "Value": float(b.value),
                "Comments": b.note,
                "RecoverOnTermination": "Yes" if b.recover_on_termination else "No",
                "Customfields": [],
                "Files": [],
            }
            for b in e.benefits
        ]

    # -- saved queries (column display names and dates are [I], see the connector README) --------
    def query_rows(self, kind: str) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        for e in self.company.employee_list():
            person = {
                "Employee Id": self.employee_id(e),
                "First Name": e.first_name,
                "Last Name": e.last_name,
            }
            if kind == "holidays":
                for r in e.requests:
                    if visible(r) and is_holiday(self.company, r):
                        h = self.holiday(r, None)
                        rows.append(
                            person
                            | {
                                "Annual Leave Txn Id": str(r.key),
                                "Holiday Start Date": slashed(r.start),
                                "Holiday End Date": slashed(r.end),
                                "Duration Type": str(h["DurationType"]),
                                "Duration (Days)": fixed(h["DurationInDays"], 2),
                                "Duration (Minutes)": str(h["DurationInMinutes"]),
                                "Part Of Day": h["PartOfDay"],
                                "Start Part Of Day": h["StartDatePartOfTheDay"],
                                "End Part Of Day": h["EndDatePartOfTheDay"],
                                "Status": h["Status"],
                                "Requester Comments": h["RequesterComments"],
                                "Approver Comments": h["ApproverComments"],
                                "Approver": h["Approver"],
                                "Last Action Date": r.updated_at.astimezone(UK).strftime("%Y/%m/%d %H:%M:%S"),
                                "TOIL": "Yes" if h["IsToilHoliday"] else "No",
                            }
                        )
            elif kind == "absences":
                for r in e.requests:
                    if visible(r) and is_absence(self.company, r):
                        a = self.absence(r, (r.start, r.end))
                        rows.append(
                            person
                            | {
                                "Absence Leave Txn Id": str(r.key),
                                "Absence Start Date": slashed(r.start),
                                "Absence End Date": slashed(r.end),
                                "Duration (Days)": a["DurationDays"],
                                "Part Of Day": a["PartOfDay"],
                                "Reason": a["Reason"],
                                "Paid Status": str(a["AbsencePaidStatus"]),
                            }
                        )
            elif kind == "salaries":
                for s in reversed(self.salaries(e, include_history=True)):
                    rows.append(
                        person
                        | {
                            "Effective From": slashed(date.fromisoformat(s["EffectiveFrom"])),
                            "Salary Type": s["SalaryType"],
                            "Payment Frequency": s["PaymentFrequency"],
                            "Salary Amount": s["SalaryAmount"],
                            "Total Salary Amount": s["TotalSalaryAmount"],
                            "Currency": s["Currency"],
                            "Change Reason": s["ChangeReason"],
                            "Comments": s["Comments"],
                        }
                    )
            elif kind == "allowances":  # the vendor's own example query (P1)
                year = date(self.company.as_of.year, 1, 1)
                rows.append(
                    person
                    | {
                        "Annual Leave Start Date": slashed(year),
                        "Annual Leave End Date": slashed(date(year.year, 12, 31)),
                        "Allowance Type": "Yearly",
                        "Allowance (Days)": self.employee(e)["HolidayAllowanceDays"]["DisplayValue"],
                    }
                )
        return rows


def clock(moment: datetime) -> str:
    """A timesheet time: ``HH:mm`` in UK local time [I]."""
    return moment.astimezone(UK).strftime("%H:%M")


def segments(w: WorkEntry) -> list[tuple[datetime, datetime | None]]:
    """The clock-in/out pairs of a work entry: its time between clock-in, breaks and clock-out."""
    out: list[tuple[datetime, datetime | None]] = []
    start = w.clock_in
    for pause_start, pause_end in sorted(w.breaks):
        out.append((start, pause_start))
        start = pause_end
    out.append((start, w.clock_out))
    return out


def worked_minutes(pairs: Iterable[tuple[datetime, datetime | None]]) -> int:
    return sum(int((end - start).total_seconds() // 60) for start, end in pairs if end)


def employment_type_of(e: Employee, period: JobPeriod) -> str:
    if e.worker_type == "contractor":
        return "Contractor"
    if e.worker_type == "intern":
        return "Intern"
    return "Part Time" if period.time_type == "part_time" else "Full Time"


def changes(history: list[JobPeriod], value: Callable[[JobPeriod], str]) -> list[tuple[str, date]]:
    """(value, effective date) each time `value` changes along the job history, oldest first."""
    out: list[tuple[str, date]] = []
    for period in history:
        current = value(period)
        if not out or out[-1][0] != current:
            out.append((current, period.start))
    return out


def period_share(r: TimeOffRequest, window: tuple[date, date] | None) -> Decimal:
    """The part of a request inside the requested window (the "...ThisPeriod" fields)."""
    if window is None or (window[0] <= r.start and r.end <= window[1]):
        return Decimal(1)
    lo, hi = max(r.start, window[0]), min(r.end, window[1])
    total = business_days(r.start, r.end)
    return Decimal(business_days(lo, hi)) / total if total and lo <= hi else Decimal(0)
