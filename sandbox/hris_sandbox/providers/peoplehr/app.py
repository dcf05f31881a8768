"""PeopleHR's POST-only JSON RPC: ``POST /{Endpoint}`` with ``{"APIKey", "Action", ...}``.

Every answer is HTTP 200 with ``{"isError", "Status", "Message", "Result"}``, errors included (codes in
the reference notes' ``providers/peoplehr.md`` §2); unknown paths are 404 and other methods 405 [I]. Actions match
case-insensitively [I]. A key may lack areas (``No access on salary schema.``). Leavers (a leaving
date that has passed [I]) are listed only with ``IncludeLeavers``. Calls are limited per client IP over
a rolling window; the over-limit answer is [U] and switchable.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from hris_sandbox.company import Company, Employee, TimeOffRequest
from hris_sandbox.limits import SlidingWindowLimiter
from hris_sandbox.providers.peoplehr import render
from hris_sandbox.server import ProviderApp, Request, Response

API_KEY = "5127e153-2c80-492b-a9e4-fb3e50af61a8"
AREAS = (
    "Employee",
    "Holiday",
    "Absence",
    "OtherEvent",
    "MaternityPaternity",
    "Salary",
    "Benefit",
    "Timesheet",
    "HolidayEntitlements",
    "Query",
)
#: Status 5 message of a key without the area ("employee" and "Query Builder" are [V], the rest [I]).
NO_ACCESS = {
    "Employee": "No access on employee schema.",
    "Holiday": "No access on holiday schema.",
    "Absence": "No access on absence schema.",
    "OtherEvent": "No access on other event schema.",
    "MaternityPaternity": "No access on maternity paternity schema.",
    "Salary": "No access on salary schema.",
    "Benefit": "No access on benefit schema.",
    "Timesheet": "No access on timesheet schema.",
    "HolidayEntitlements": "No access on holiday entitlement schema.",
    "Query": "No access to Query Builder schema.",
}
#: Both spellings occur in real responses [V]; which action says which is [I].
OK = "The request processed successfully."
OK_TYPO = "The requested processed successfully."
NO_RECORDS = "No records found."
DEFAULT_QUERIES = {
    "Connector Holidays": "holidays",
    "Connector Absences": "absences",
    "Connector Salaries": "salaries",
    "Holiday Allowances": "allowances",
}
DEFAULT_RENAMES = {3: "PW003"}  # one employee whose EmployeeId was changed (UpdateEmployeeId)

Handler = Callable[[dict[str, Any]], Response]


class Refusal(Exception):
    """An in-envelope error: HTTP 200, ``isError: true``, `status` and `message`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class PeopleHRApp(ProviderApp):
    name = "peoplehr"

    def __init__(
        self,
        company: Company,
        api_key: str = API_KEY,
        keys: Mapping[str, Iterable[str]] | None = None,
        rate_limit: int = 30,
        rate_limit_window: float = 60.0,
        rate_limit_response: str = "http429",
        retry_after: bool = False,
        error_key: str = "isError",
        unique_key: bool = True,
        holiday_statuses: str = "captured",
        currency: str = "symbol",
        renames: Mapping[int, str] | None = None,
        queries: Mapping[str, str] | None = None,
        paid_status: str = "1",
        paid_status_type: str = "int",
    ) -> None:
        super().__init__(company)
        if rate_limit_response not in ("http429", "status6"):
            raise ValueError("rate_limit_response must be 'http429' or 'status6'")
        self.api_key = api_key
        self.keys = {api_key: set(AREAS), **{k: set(v) for k, v in (keys or {}).items()}}
        self.limiter = SlidingWindowLimiter(rate_limit, rate_limit_window) if rate_limit > 0 else None
        self.rate_limit = rate_limit
        self.rate_limit_response = rate_limit_response
        self.retry_after = retry_after
        self.error_key = error_key
        self.queries = {name.casefold(): kind for name, kind in (queries or DEFAULT_QUERIES).items()}
        self._lock = threading.RLock()
        self._ids: dict[int, str] = {}
        self._renamed: dict[int, list[dict[str, str]]] = {}
        self._version = 0
        self._cache: dict[Any, Any] = {}
        self._cache_version: tuple[int, int] | None = None
        self.render = render.Renderer(
            company,
            self.employee_id,
            self._rename_history,
            unique_key,
            holiday_statuses,
            currency,
            paid_status,
            paid_status_type,
        )
        for key, new_id in (DEFAULT_RENAMES if renames is None else renames).items():
            if key in company.employees:
                self.rename(company.employees[key], new_id, "Payroll migration")
        self.actions: dict[str, dict[str, Handler]] = {
            "Employee": {
                "getallemployeedetail": self.get_all_employee_detail,
                "getemployeedetailbyid": self.get_employee_detail_by_id,
                "getcompanyinformation": self.get_company_information,
                "updateemployeeid": self.update_employee_id,
            },
            "Holiday": {"getholidaydetail": self.get_holiday_detail},
            "Absence": {"getabsencedetail": self.get_absence_detail},
            "OtherEvent": {"getothereventdetail": self.get_other_event_detail},
            "MaternityPaternity": {"getmaternitypaternitybyemployeeid": self.get_maternity_paternity},
            "Salary": {"getsalarydetail": self.get_salary_detail},
            "Benefit": {
                "getbenefitbyemployeeid": self.get_benefit_by_employee_id,
                "getbenefitbybenefitid": self.get_benefit_by_benefit_id,
            },
            "Timesheet": {"gettimesheetdetail": self.get_timesheet_detail},
            "HolidayEntitlements": {
                "getholidayentitlement": self.get_holiday_entitlement,
                "getnextyearholidayentitlement": self.get_next_year_holiday_entitlement,
            },
            "Query": {"getqueryresultbyqueryname": self.get_query_result_by_query_name},
        }
        for endpoint in self.actions:
            self.add_route("POST", f"/{endpoint}", self._endpoint(endpoint))

    # -- harness hooks --------------------------------------------------------------------------
    def credentials(self) -> dict[str, Any]:
        return {"api_key": self.api_key}

    def connector_config(self, base_url: str) -> dict[str, Any]:
        return {
            "api_key": self.api_key,
            "account": self.company.subdomain,
            "base_url": base_url,
            "start_date": (self.company.as_of - timedelta(days=365 * 2)).isoformat(),
            "requests_per_minute": max(self.rate_limit, 1) if self.limiter else 100_000,
        }

    def before_request(self, request: Request) -> Response | None:
        if self.limiter is None:
            return None
        allowed, wait = self.limiter.hit(request.client)
        if allowed:
            return None
        if self.rate_limit_response == "status6":
            message = f"Exception: API call limit exceeded ({self.rate_limit} calls per minute)."
            return self._envelope(True, 6, message, None)
        body = {self.error_key: True, "Status": 6, "Message": "Rate limit exceeded", "Result": None}
        return Response.json(body, 429, {"Retry-After": str(math.ceil(wait))} if self.retry_after else None)

    # -- envelope and dispatch ----------------------------------------------------------------
    def _envelope(self, is_error: bool, status: int, message: str, result: Any) -> Response:
        return Response.json(
            {self.error_key: is_error, "Status": status, "Message": message, "Result": result}
        )

    def _ok(self, result: Any, message: str = OK) -> Response:
        if result is None or result == []:
            return self._envelope(True, 10, NO_RECORDS, None)
        return self._envelope(False, 0, message, result)

    def _endpoint(self, endpoint: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            try:
                body = self._body(request)
                actions = self._authorise(endpoint, body)
                action = body.get("Action")
                if action is None:
                    raise Refusal(3, "Action is missing.")
                if not str(action).strip():
                    raise Refusal(4, "Action cannot be empty.")
                handler = actions.get(str(action).strip().casefold())
                if handler is None:
                    raise Refusal(4, "Invalid Action.")
                return handler(body)
            except Refusal as refusal:
                return self._envelope(True, refusal.status, refusal.message, None)

        return handle

    @staticmethod
    def _body(request: Request) -> dict[str, Any]:
        if not request.body.strip():
            raise Refusal(8, "Either empty or no Form Data.")
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise Refusal(9, "Invalid json data.") from error
        if not isinstance(body, dict):
            raise Refusal(7, "No Json Data Found")
        return body

    def _authorise(self, endpoint: str, body: dict[str, Any]) -> dict[str, Handler]:
        key = body.get("APIKey")
        if key is None or key == "":
            raise Refusal(1, "API key is missing.")
        areas = self.keys.get(str(key))
        if areas is None:
            raise Refusal(2, "Invalid API Key.")
        if endpoint not in areas:
            raise Refusal(5, NO_ACCESS[endpoint])
        return self.actions[endpoint]

    # -- employee ids (renamable) -----------------------------------------------------------------
    def employee_id(self, employee: Employee) -> str:
        return self._ids.get(employee.key, employee.employee_number)

    def _rename_history(self, employee: Employee) -> list[dict[str, str]]:
        return self._renamed.get(employee.key, [])

    def rename(self, employee: Employee, new_id: str, reason: str) -> None:
        """``UpdateEmployeeId``: the employee keeps everything but is known by `new_id` from now on."""
        with self._lock:
            old = self.employee_id(employee)
            self._ids[employee.key] = new_id
            changed_on = self.company.as_of.isoformat()
            self._renamed.setdefault(employee.key, []).insert(
                0, {"OldValue": old, "NewValue": new_id, "ChangedOn": changed_on, "ReasonForChange": reason}
            )
            self._version += 1

    def _cached(self, key: Any, build: Callable[[], Any]) -> Any:
        """Per-version cache: renders are reused until the company or a rename changes."""
        version = (self.company.version, self._version)
        with self._lock:
            if self._cache_version != version:
                self._cache.clear()
                self._cache_version = version
            if key in self._cache:
                return self._cache[key]
        value = build()
        with self._lock:
            if self._cache_version == version:
                self._cache[key] = value
        return value

    def _directory(self) -> dict[str, Employee]:
        return self._cached("ids", lambda: {self.employee_id(e): e for e in self.company.employee_list()})

    def _employee(self, body: dict[str, Any], field: str = "EmployeeId") -> Employee:
        if field not in body:
            raise Refusal(5, f"{field} is missing.")
        value = body[field]
        if value is None or not str(value).strip():
            raise Refusal(5, f"{field} cannot be empty.")
        if len(str(value)) > 15:
            raise Refusal(5, f"{field} contains more than 15 characters.")
        employee = self._directory().get(str(value).strip())
        if employee is None:
            raise Refusal(5, f"{field} does not exists.")
        return employee

    @staticmethod
    def _date(body: dict[str, Any], field: str, required: bool) -> date | None:
        value = body.get(field)
        if value is None or value == "":
            if required:
                raise Refusal(5, f"{field} is missing.")
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError as error:
            raise Refusal(5, f"{field} contains invalid data.") from error

    def _window(self, body: dict[str, Any], required: bool) -> tuple[date, date] | None:
        start = self._date(body, "StartDate", required)
        end = self._date(body, "EndDate", required)
        if start and end and start > end:
            raise Refusal(5, "StartDate should be before to EndDate.")
        if start is None and end is None:
            return None
        return (start or date.min, end or date.max)

    @staticmethod
    def _flag(body: dict[str, Any], field: str) -> bool:
        value = body.get(field)
        if value is None or value == "":
            raise Refusal(5, f"{field} is missing.")
        text = str(value).strip().casefold()
        if text not in ("true", "false"):
            raise Refusal(5, f"{field} contains invalid data.")
        return text == "true"

    # -- /Employee ----------------------------------------------------------------------------
    def get_all_employee_detail(self, body: dict[str, Any]) -> Response:
        leavers = self._flag(body, "IncludeLeavers")

        def build() -> Response:
            as_of = self.company.as_of
            rows = [
                self.render.employee(e)
                for e in self.company.employee_list()
                if leavers or e.termination_date is None or e.termination_date > as_of
            ]
            return self._ok(rows, OK_TYPO)

        return self._cached(("all", leavers), build)

    def get_employee_detail_by_id(self, body: dict[str, Any]) -> Response:
        employee = self._employee(body)
        return self._ok(
            self._cached(("one", employee.key), lambda: self.render.employee(employee, history=True))
        )

    def get_company_information(self, body: dict[str, Any]) -> Response:
        company = self.company
        info = {
            "CompanyId": render.company_id(company),
            "SubDomain": company.subdomain,
            "CompanyName": company.name,
        }
        return self._ok(info, OK_TYPO)

    def update_employee_id(self, body: dict[str, Any]) -> Response:
        employee = self._employee(body, "OldEmployeeId")
        new_id = str(body.get("NewEmployeeId") or "").strip()
        if not new_id:
            raise Refusal(5, "NewEmployeeId is missing.")
        if len(new_id) > 15:
            raise Refusal(5, "NewEmployeeId contains more than 15 characters.")
        if new_id in self._directory():
            raise Refusal(5, "NewEmployeeId already exists.")
        if not str(body.get("ReasonForChange") or "").strip():
            raise Refusal(5, "ReasonForChange is missing.")
        self.rename(employee, new_id, str(body["ReasonForChange"]))
        return self._envelope(False, 0, "Employee Id updated successfully.", "")

    # -- per-employee reads ----------------------------------------------------------------------
    def _leave(
        self,
        employee: Employee,
        kind: Callable[[Company, TimeOffRequest], bool],
        rendered: Callable[[TimeOffRequest], dict[str, Any]],
        window: tuple[date, date] | None,
    ) -> Response:
        """The employee's leave of one kind overlapping `window` (None: all of it)."""
        rows = [
            rendered(r)
            for r in employee.requests
            if render.visible(r) and kind(self.company, r) and overlaps(r.start, r.end, window)
        ]
        return self._ok(rows)

    def get_holiday_detail(self, body: dict[str, Any]) -> Response:
        window = self._window(body, required=False)
        holiday = lambda r: self.render.holiday(r, window)  # noqa: E731
        return self._leave(self._employee(body), render.is_holiday, holiday, window)

    def get_absence_detail(self, body: dict[str, Any]) -> Response:
        employee = self._employee(body)
        window = self._window(body, required=True)
        assert window is not None
        return self._leave(employee, render.is_absence, lambda r: self.render.absence(r, window), window)

    def get_other_event_detail(self, body: dict[str, Any]) -> Response:
        window = self._window(body, required=False)
        event = lambda r: self.render.other_event(r, window)  # noqa: E731
        return self._leave(self._employee(body), render.is_other_event, event, window)

    def get_maternity_paternity(self, body: dict[str, Any]) -> Response:
        employee = self._employee(body)
        start = self._date(body, "ActualStartDate", required=False)
        end = self._date(body, "ActualEndDate", required=False)
        window = None if start is None and end is None else (start or date.min, end or date.max)
        return self._leave(employee, render.is_maternity, self.render.maternity, window)

    def get_salary_detail(self, body: dict[str, Any]) -> Response:
        employee = self._employee(body)
        history = self._flag(body, "IsIncludeHistory")
        return self._ok(self.render.salaries(employee, history))

    def get_benefit_by_employee_id(self, body: dict[str, Any]) -> Response:
        return self._ok(self.render.benefits(self._employee(body)))

    def get_benefit_by_benefit_id(self, body: dict[str, Any]) -> Response:
        employee = self._employee(body)
        wanted = str(body.get("BenefitId") or "").strip()
        if not wanted:
            raise Refusal(5, "Benefit Id is missing.")
        rows = [b for b in self.render.benefits(employee) if str(b["BenefitId"]) == wanted]
        if not rows:
            raise Refusal(5, "Benefit Id is invalid.")
        return self._ok(rows[0])

    def get_timesheet_detail(self, body: dict[str, Any]) -> Response:
        employee = self._employee(body)
        return self._ok(self.render.timesheets(employee, self._window(body, required=False)))

    def get_holiday_entitlement(self, body: dict[str, Any]) -> Response:
        """The leave years overlapping `StartDate`-`EndDate`; without dates, the current one [I]."""
        employee = self._employee(body)
        window = self._window(body, required=False)
        year = self.company.as_of.year
        first, last = (year, year) if window is None else (window[0].year, window[1].year)
        first, last = max(first, employee.start_date.year), min(last, year + 1)
        return self._ok(self.render.entitlements(employee, range(first, last + 1)))

    def get_next_year_holiday_entitlement(self, body: dict[str, Any]) -> Response:
        employee = self._employee(body)
        return self._ok(self.render.entitlements(employee, [self.company.as_of.year + 1]))

    # -- /Query -------------------------------------------------------------------------------------
    def get_query_result_by_query_name(self, body: dict[str, Any]) -> Response:
        name = body.get("QueryName")
        if name is None or not str(name).strip():
            raise Refusal(5, "QueryName is missing.")
        kind = self.queries.get(str(name).strip().casefold())
        if kind is None:
            raise Refusal(5, "Invalid query name.")
        return self._cached(("query", kind), lambda: self._ok(self.render.query_rows(kind), OK_TYPO))


def overlaps(start: date, end: date, window: tuple[date, date] | None) -> bool:
    return window is None or (start <= window[1] and end >= window[0])
