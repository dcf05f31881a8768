"""The shared `Company` in Sage HR's JSON shapes (``providers/sage-hr.md`` section 4).

Everything here is a pure rendering of the company; `SageView` caches the rendered collections per
`Company.version`, so a sandbox serving thousands of requests a second renders each list once per
change of the tenant. Where the reference marks a value [I]/[U], the choice is named in a comment and,
when a connector could depend on it, it is a switch of `SageOptions`.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hris_sandbox.company import (
    DEMONYMS,
    Company,
    Compensation,
    Employee,
    JobPeriod,
    TimeOffRequest,
    TimeOffType,
)

# Sage HR's employment_status is the tenant's contract-type list; ids are the tenant's. [V] shape, values [I]
EMPLOYMENT_STATUSES = {"Full-time": 1, "Part-time": 2, "Contractor": 3, "Intern": 4}
GENDERS = {
    "male": "Male",
    "female": "Female",
    "non_binary": "Non-binary",
}  # others [U]; not_specified -> null
MARITAL = {
    "single": "Single",
    "married": "Married",
    "divorced": "Divorced",
    "civil_partnership": "Civil partnership",
}
LANGUAGES = {
    "GB": "English",
    "IE": "English",
    "US": "English",
    "ES": "Spanish",
    "FR": "French",
    "PL": "Polish",
}
# The company's reason types beyond Sage HR's two [V] (voluntary/involuntary) fold into them.
REASON_TYPES = {"retirement": "voluntary", "end_of_contract": "involuntary"}
# Compensation vocabulary: S1 shows only monthly/Salary; the rest is [U].
PERIODS = {"year": "yearly", "month": "monthly", "hour": "hourly"}
CATEGORIES = {"salary": "Salary", "hourly": "Hourly rate", "allowance": "Allowance"}
# Leave policies: the company's types as Sage HR policies; tracked types (`Company.entitlement`) accrue yearly.
POLICY_COLORS = ["#2E86C1", "#DB263F", "#8E44AD", "#F39C12", "#7F8C8D", "#16A085"]
# The switches of `/leave-management/policies/{id}` (S1 example, in its order).
POLICY_SWITCHES = (
    "enable_employee_access", "only_full_days", "enable_probation_period", "dont_allow_negative_amount",
    "requests_in_advance_required", "enable_minimum_days", "enable_limited_days", "enable_dependent_policy",
    "blocks_enabled", "no_reset", "termination_recalculation", "enable_service_accruals",
    "child_allowance_enabled", "enable_negative_carryover", "max_accrual", "accrue_at_start",
    "enable_monthly_expiration", "starter_monthly_accrual_limitation", "starter_yearly_accrual_limitation",
    "auto_approves", "enable_specific_approvers", "override_approvers_enabled", "enable_duplicate_time_offs",
    "enable_replacement", "replacement_required", "enable_scopped_replacement", "enable_replacement_away",
    "enable_details", "require_details", "additional_field", "enable_attachment",
)
STATUS_DISPLAY = {"approved": "Approved", "pending": "Pending", "declined": "Declined"}


@dataclass(frozen=True)
class SageOptions:
    """Switches for behaviour the reference marks [I]/[U]."""

    #: leave status for a cancelled request: ``cancelled`` (reference default) or ``canceled`` [U]
    cancelled_spelling: str = "cancelled"
    #: also date declined requests in `approval_date` (default: approved requests only) [I]
    approval_date_on_decline: bool = False


def _number(value: Decimal | float | int) -> int | float:
    """A JSON number as Sage HR prints it: ``3500`` for whole amounts, ``3.5`` otherwise."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(round(number, 2))


def _quantity(value: Decimal) -> str:
    """A quantity as policies and allowances print it: ``"25.0"``, ``"16.67"`` [V: strings]."""
    return f"{value:.1f}" if value == value.to_integral_value() else str(value.normalize())


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def status_name(employee: Employee, period: JobPeriod) -> str:
    if employee.worker_type == "contractor":
        return "Contractor"
    if employee.worker_type == "intern":
        return "Intern"
    return "Part-time" if period.time_type == "part_time" else "Full-time"


def segments(
    periods: list[JobPeriod], key: Callable[[JobPeriod], Hashable]
) -> list[tuple[JobPeriod, date, date | None]]:
    """Consecutive periods with the same `key` merged: (first period, start, end)."""
    out: list[tuple[JobPeriod, date, date | None]] = []
    for period in periods:
        if out and key(out[-1][0]) == key(period):
            first, start, _ = out[-1]
            out[-1] = (first, start, period.end)
        else:
            out.append((period, period.start, period.end))
    return out


def _code(text: str) -> str:
    return "".join(word[0] for word in text.split() if word[:1].isalpha()).upper()


class SageView:
    """Rendered collections of one company, cached per `Company.version`."""

    def __init__(self, company: Company, options: SageOptions) -> None:
        self.company = company
        self.options = options
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, Any]] = {}
        self._position_ids: dict[str, int] = {}  # a tenant's positions keep their ids once created

    def _cached(self, name: str, build: Callable[[], Any]) -> Any:
        with self._lock:
            hit = self._cache.get(name)
            if hit is not None and hit[0] == self.company.version:
                return hit[1]
        with self.company.lock:
            version = self.company.version
            self._register_positions()
            value = build()
        with self._lock:
            self._cache[name] = (version, value)
        return value

    # -- catalogues -------------------------------------------------------------------------
    def _register_positions(self) -> None:
        """Number the job titles in company order, so ids do not depend on which list is read first."""
        for employee in self.company.employee_list():
            for period in employee.history:
                self._position_ids.setdefault(period.title, len(self._position_ids) + 1)

    def position_id(self, title: str) -> int:
        return self._position_ids.setdefault(title, len(self._position_ids) + 1)

    def positions(self) -> list[dict[str, Any]]:
        def build() -> list[dict[str, Any]]:
            return [
                {"id": pid, "title": title, "description": None, "code": _code(title) if pid % 3 else None}
                for title, pid in sorted(self._position_ids.items(), key=lambda item: item[1])
            ]

        return self._cached("positions", build)  # type: ignore[no-any-return]

    def teams(self) -> list[dict[str, Any]]:
        def build() -> list[dict[str, Any]]:
            members: dict[int, list[int]] = {}
            for employee in self.company.active_employees():
                members.setdefault(employee.department_key, []).append(employee.key)
            return [
                {
                    "id": dept.key,
                    "name": dept.name,
                    "manager_ids": list(dept.manager_keys),
                    "employee_ids": members.get(dept.key, []),
                }
                for dept in self.company.departments
            ]

        return self._cached("teams", build)  # type: ignore[no-any-return]

    def termination_reasons(self) -> list[dict[str, Any]]:
        return [
            {
                "id": index + 1,
                "name": name,
                "code": _code(name) if index % 2 == 0 else None,
                "type": REASON_TYPES.get(kind, kind),
            }
            for index, (name, kind) in enumerate(self.company.termination_reasons)
        ]

    def _default_allowance(self, typ: TimeOffType) -> Decimal | None:
        """A policy's default allowance: the largest entitlement of the type (a full-time week's;
        `Company.entitlement`, the same for every provider), None for an untracked type."""
        year = self.company.as_of.year
        allowances = [
            a for e in self.company.active_employees() if (a := self.company.entitlement(e, typ, year)) is not None
        ]
        return max(allowances, default=None)

    def policies(self) -> list[dict[str, Any]]:
        def build() -> list[dict[str, Any]]:
            out = []
            for index, typ in enumerate(self.company.time_off_types):
                allowance = self._default_allowance(typ)
                out.append(
                    {
                        "id": typ.key,
                        "name": typ.name,
                        "color": POLICY_COLORS[index % len(POLICY_COLORS)],
                        "do_not_accrue": allowance is None,
                        "unit": typ.unit,
                        "default_allowance": _quantity(allowance) if allowance is not None else "0.0",
                        # a cap only: the company keeps no carry-over facts, so the report carries none over
                        "max_carryover": "5.0" if allowance is not None else "0.0",
                        "accrue_type": "yearly" if allowance is not None else "no_tracking",
                    }
                )
            return out

        return self._cached("policies", build)  # type: ignore[no-any-return]

    def policy(self, key: int) -> dict[str, Any] | None:
        """`/leave-management/policies/{id}`: the list fields plus the policy's switches (the spec's
        ~30 booleans; the ones the company has facts for are rendered from them, the others false)."""
        listed = next((p for p in self.policies() if p["id"] == key), None)
        if listed is None:
            return None
        typ = self.company.time_off_type(key)
        switches = dict.fromkeys(POLICY_SWITCHES, False) | {
            "enable_employee_access": True,
            "enable_details": True,
            "only_full_days": not typ.half_days,
            "auto_approves": not typ.requires_approval,
            "accrue_at_start": not listed["do_not_accrue"],
            "enable_replacement": typ.category == "VACATION",
        }
        return listed | switches

    # -- employees ----------------------------------------------------------------------------
    def _base(self, e: Employee) -> dict[str, Any]:
        return {
            "id": e.key,
            "email": e.email,
            "first_name": e.first_name,
            "last_name": e.last_name,
            "picture_url": f"https://{self.company.subdomain}.sage.hr/system/avatars/{e.key}.jpg"
            if e.key % 3
            else None,
            "employment_start_date": e.start_date.isoformat(),
            "date_of_birth": _iso(e.date_of_birth),
        }

    def employee(self, e: Employee) -> dict[str, Any]:
        """An active employee with all three history arrays (the app strips those not asked for)."""
        dept = self.company.department(e.department_key)
        current = e.current
        record = self._base(e) | {
            "team": dept.name,
            "team_id": dept.key,
            "position": current.title,
            "position_id": self.position_id(current.title),
            "reports_to_employee_id": e.manager_key,
            "work_phone": e.work_phone,
            "home_phone": e.home_phone,
            "mobile_phone": e.mobile,
            "gender": GENDERS.get(e.gender),
            "street_first": e.street,
            "street_second": "",
            "city": e.city,
            "post_code": e.postal_code,  # a string: S1 types it as a number, real codes are "LS1 4DY"
            "country": e.country,
            "employee_number": e.employee_number,
            "employment_status": status_name(e, current),
            "nationality": DEMONYMS.get(
                e.nationality or "", e.nationality
            ),  # text such as "Norwegian" [V-3p]
            "marital_status": MARITAL.get(e.marital_status or ""),
            # identity document number and tax number [V-3p] S3; Sage HR has no national insurance field
            "personal_identification_number": e.national_id,
            "tax_number": e.tax_id,
            "irregular_contract_worker": e.worker_type == "contractor",
        }
        record["team_history"] = [
            {
                "team_id": p.department_key,
                "start_date": start.isoformat(),
                "end_date": _iso(end),
                "team_name": self.company.department(p.department_key).name,
            }
            for p, start, end in segments(e.history, lambda p: p.department_key)
        ]
        record["employment_status_history"] = [
            {
                "employment_status_id": EMPLOYMENT_STATUSES[status_name(e, p)],
                "start_date": start.isoformat(),
                "end_date": _iso(end),
                "employment_statu_name": status_name(e, p),  # sic: the API's key is misspelt
            }
            for p, start, end in segments(e.history, lambda p: status_name(e, p))
        ]
        record["position_history"] = [
            {
                "position_id": self.position_id(p.title),
                "start_date": start.isoformat(),
                "end_date": _iso(end),
                "position_name": p.title,
                "position_code": _code(p.title),
            }
            for p, start, end in segments(e.history, lambda p: p.title)
        ]
        return record

    def terminated(self, e: Employee) -> dict[str, Any]:
        dept = self.company.department(e.department_key)
        return {
            "id": e.key,
            "termination_date": _iso(e.termination_date),
            "employee_number": e.employee_number,
            **self._base(e),
            "position": e.job_title,
            # Not in S1's list schema but in real responses [V-3p] S3:
            "team": dept.name,
            "team_id": dept.key,
            "employment_status": status_name(e, e.current),
            "irregular_contract_worker": e.worker_type == "contractor",
            "personal_identification_number": e.national_id,
            "tax_number": e.tax_id,
        }

    def termination(self, e: Employee) -> dict[str, Any]:
        reason = (
            self.company.termination_reasons[e.termination_reason][0]
            if e.termination_reason is not None
            else None
        )
        return {"reason": reason, "comments": e.termination_comment or ""}

    def active_employees(self) -> list[dict[str, Any]]:
        return self._cached("active", lambda: [self.employee(e) for e in self.company.active_employees()])  # type: ignore[no-any-return]

    def terminated_employees(self) -> list[dict[str, Any]]:
        return self._cached(  # type: ignore[no-any-return]
            "terminated", lambda: [self.terminated(e) for e in self.company.terminated_employees()]
        )

    # -- per employee ---------------------------------------------------------------------------
    def compensation(self, c: Compensation) -> dict[str, Any]:
        return {
            "start_date": c.start.isoformat(),
            "end_date": _iso(c.end),  # null on the current row [I]
            "currency": c.currency,
            "amount": _number(c.amount),
            "period": PERIODS.get(c.period, c.period),
            "comment": c.note,
            "category": CATEGORIES.get(c.kind, c.kind),
        }

    def custom_fields(self, e: Employee) -> list[dict[str, Any]]:
        """Every tenant field with this employee's value (null when unset [I])."""
        language = LANGUAGES.get(e.country or "")
        languages = sorted({"English", language} if language else {"English"})
        return [
            {
                "id": 1,
                "label": "T-shirt size",
                "type": "CustomDropdownField",
                "value": e.custom_fields.get("T-shirt size"),
                "options": ["S", "M", "L", "XL"],
            },
            {
                "id": 2,
                "label": "Dietary requirements",
                "type": "CustomDropdownField",
                "value": e.custom_fields.get("Dietary requirements"),
                "options": ["Vegetarian", "None", "Halal"],
            },
            {"id": 3, "label": "Languages", "type": "CustomTags", "value": languages, "options": None},
        ]

    def allowances(self) -> list[dict[str, Any]]:
        """The individual-allowances report: every active employee [I: the API does not say whether
        leavers are listed] with each policy's yearly quantity and carry-over (quantities as strings)."""

        def build() -> list[dict[str, Any]]:
            year = self.company.as_of.year
            return [
                {
                    "id": e.key,
                    "full_name": f"{e.first_name} {e.last_name}",
                    "eligibilities": [
                        {
                            "policy": {"id": typ.key, "name": typ.name},
                            "quantity": _quantity(self.company.entitlement(e, typ, year) or Decimal(0)),
                            "unit": typ.unit,
                            "carryover": "0.0",
                        }
                        for typ in self.company.time_off_types
                    ],
                }
                for e in self.company.active_employees()
            ]

        return self._cached("allowances", build)  # type: ignore[no-any-return]

    def balances(self, e: Employee) -> list[dict[str, Any]]:
        """Used and available per policy this calendar year (`Company.used`, `Company.entitlement`);
        available is null when the policy is untracked."""
        year = self.company.as_of.year
        out = []
        for typ in self.company.time_off_types:
            used = self.company.used(e, typ, year)
            allowance = self.company.entitlement(e, typ, year)
            out.append(
                {
                    "policy_id": typ.key,
                    "used": _number(used),
                    "available": _number(allowance - used) if allowance is not None else None,
                }
            )
        return out

    # -- leave requests ---------------------------------------------------------------------------
    def request(self, r: TimeOffRequest) -> dict[str, Any]:
        code = self.options.cancelled_spelling if r.status == "cancelled" else r.status
        part = r.part_of_day is not None
        decided = r.status == "approved" or (r.status == "declined" and self.options.approval_date_on_decline)
        return {
            "id": r.key,
            "status": STATUS_DISPLAY.get(r.status, code.capitalize()),
            "status_code": code,
            "policy_id": r.type_key,
            "employee_id": r.employee_key,
            "details": r.note,
            "is_multi_date": r.end != r.start,
            "is_single_day": r.end == r.start,
            "is_part_of_day": part,
            "first_part_of_day": r.part_of_day == "morning",
            "second_part_of_day": r.part_of_day == "afternoon",
            "start_date": r.start.isoformat(),
            "end_date": r.end.isoformat(),
            "request_date": r.requested_at.date().isoformat(),
            "approval_date": r.decided_at.date().isoformat() if decided and r.decided_at else None,
            "hours": _number(r.hours),
            "specific_time": r.part_of_day == "hours",
            "replacement": self._replacement(r),
            "fields": [{"title": "Cover arranged?", "answer": "yes" if r.key % 2 else "no"}]
            if r.key % 5 == 0
            else [],
        }

    def _replacement(self, r: TimeOffRequest) -> dict[str, Any] | None:
        """The colleague covering a request (S6: ``{id, full_name}``): the manager, on one vacation
        request in three [I: which requests name one is the tenant's choice]."""
        if self.company.time_off_type(r.type_key).category != "VACATION" or r.key % 3:
            return None
        manager = self.company.employees.get(self.company.employees[r.employee_key].manager_key or 0)
        return {"id": manager.key, "full_name": f"{manager.first_name} {manager.last_name}"} if manager else None

    def requests_overlapping(self, lo: date, hi: date) -> list[dict[str, Any]]:
        """Requests with ``start_date <= hi`` and ``end_date >= lo`` (overlap [I]), by start date and id."""

        def build() -> tuple[list[dict[str, Any]], list[str], int]:
            rows = sorted(
                (
                    self.request(r)
                    for r in self.company.all_requests()
                    if getattr(r, "deleted_at", None) is None
                ),
                key=lambda row: (row["start_date"], row["id"]),
            )
            longest = max(((r.end - r.start).days for r in self.company.all_requests()), default=0)
            return rows, [row["start_date"] for row in rows], longest

        rows, starts, longest = self._cached("requests", build)

        def window() -> list[dict[str, Any]]:
            first = bisect_left(starts, (lo - timedelta(days=longest)).isoformat())
            last = bisect_right(starts, hi.isoformat())
            floor = lo.isoformat()
            return [row for row in rows[first:last] if row["end_date"] >= floor]

        # each page of a window asks again: filtering once per window keeps the sandbox out of benchmarks
        return self._cached(f"requests:{lo}:{hi}", window)  # type: ignore[no-any-return]


def strip(record: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    drop = set(keys)
    return {k: v for k, v in record.items() if k not in drop}
