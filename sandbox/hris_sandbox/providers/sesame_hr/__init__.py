"""A stand-in of Sesame HR's public API ``https://api-{region}.sesametime.com`` (facts:
the reference notes' ``providers/sesame-hr.md``; shapes: the vendor spec ``sesame-hr-openapi.yaml``; both outside this repository).

Served at the root (a connector's base URL is ``http://127.0.0.1:PORT``), module-prefixed paths:

- ``Authorization: Bearer <token>`` on every call; missing, wrong or revoked (`SesameHRApp.revoke`)
  -> 401; every token of the company shares one rate limit (`rate_limit` requests per `rate_window`
  seconds, 1,000/minute [V]), then 429 with ``Retry-After`` (seconds until a call is free) [I];
- ``api_addon=False``: the company has no API add-on, every call -> 403 [I body]; the `NO_CONTRACT_TOKEN`
  belongs to a role without the contract module -> 403 on ``/contract/v1/*`` [I];
- ``GET /core/v3/info`` -> ``{"data": {"company": {...}}, "meta": {...}}``;
- lists -> ``{"data": [...], "meta": {currentPage, lastPage, total, perPage}}`` with ``page`` (1-based)
  and ``limit``: defaults and maxima per endpoint in `LIMITS` (documented ones [V]; elsewhere the
  `default_limit` 20 and `max_limit` 500 options [I]); a larger ``limit`` is clamped
  (``over_max_limit="reject"``: 422 [U]); a page past the end is empty with its ``meta``;
- ``meta="partial"`` sends list pages with ``meta: {total, perPage}`` only, ``meta="missing"`` without
  ``meta`` (the reference: a list may come without it, trimmed bodies or proxies; the partial shape [I]);
- array filters accept ``x=a,b``, ``x=a&x=b``, ``x[]=a`` and ``x[in]=a,b`` [I];
- ``/schedule/v1/work-entries``: ``updatedAt[gte]``/``updatedAt[lte]`` (``Y-m-dTH:i:sP``; a space for
  the ``T`` and naive values in Europe/Madrid are accepted; unparseable -> 422), ``from``/``to`` (local
  date of the clock-in), ``onlyReturn`` = ``not_deleted`` (default) | ``deleted`` | ``all``;
- day-off requests: ``fromDayOff``/``toDayOff`` keep requests with a day off in the range, ``status``,
  ``employeeId``; soft-deleted requests are listed with ``deletedAt`` (``deleted_requests="hidden"``
  leaves them out) [U];
- ``GET /contract/v1/salaries`` without ``employeeId`` -> 422 [I]; unknown ids in paths -> 404;
- ``/schedule/v1/vacation-calendars`` (``employeeId``, ``year[in]``): each employee's yearly vacation
  calendar, ``maxDaysOff`` the company's entitlement, ``daysOff`` the days granted; public holidays:
  ``/schedule/v1/holiday-calendar`` (one calendar per country of the company's offices, named after
  it: Sesame's calendar has no country field), ``/schedule/v1/holidays/{id}/employees`` (who follows
  it: the employees of that country's offices) and ``/schedule/v1/holidays?employeeId&year`` (both
  required, else 422 [I]); breaks are ``workEntryType: pause`` entries inside their work entry [U];
- error bodies ``{"error": {"code": N, "message": "..."}}`` [I]: the vendor does not document them,
  so a connector must decide on the status code alone.

Options (strings from the CLI are accepted): ``token``, ``rate_limit``, ``rate_window``, ``api_addon``,
``default_limit``, ``max_limit``, ``over_max_limit`` (clamp|reject), ``deleted_requests``
(listed|hidden), ``soft_deleted_requests`` (how many requests start soft-deleted, default 1), ``meta``
(full|partial|missing).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from hris_sandbox.company import Company
from hris_sandbox.limits import SlidingWindowLimiter
from hris_sandbox.providers.sesame_hr.render import MADRID, Listing, SesameView, Snapshot
from hris_sandbox.server import ProviderApp, Request, Response, flatten_csv, int_arg

TOKEN = "sesame-sandbox-token-7c3e9b1a5d2f4e60"
SECOND_TOKEN = "sesame-sandbox-token-second-0a1b2c3d4e5f"
NO_CONTRACT_TOKEN = "sesame-sandbox-token-no-contract-9f8e7d6c"

#: (default, maximum) page size per endpoint where the vendor documents them [V]; None: options.
LIMITS: dict[str, tuple[int | None, int | None]] = {
    "/schedule/v1/work-entries": (20, None),  # default 20 [V]; maximum [U]
    "/contract/v1/compensations": (50, 500),  # [V] current docs
    "/schedule/v1/vacation-calendars": (20, None),  # default 20 [V]
    "/schedule/v1/holiday-calendar": (20, None),  # default 20 [V]
}


def _bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "yes")


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response.json({"error": {"code": status, "message": message}}, status, headers)


def many(request: Request, name: str) -> list[str]:
    """An array filter in any of the encodings clients use."""
    return flatten_csv(
        request.query.get(name, [])
        + request.query.get(f"{name}[]", [])
        + request.query.get(f"{name}[in]", [])
    )


def parse_moment(text: str) -> datetime:
    """``Y-m-dTH:i:sP`` as PHP reads it: a space may replace the ``T``; no offset means Madrid time."""
    moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=MADRID)


class SesameHRApp(ProviderApp):
    name = "sesame-hr"

    def __init__(
        self,
        company: Company,
        token: str = TOKEN,
        rate_limit: int | str = 1000,
        rate_window: float | str = 60.0,
        api_addon: bool | str = True,
        default_limit: int | str = 20,
        max_limit: int | str = 500,
        over_max_limit: str = "clamp",
        deleted_requests: str = "listed",
        soft_deleted_requests: int | str = 1,
        meta: str = "full",
    ) -> None:
        super().__init__(company)
        self.token = token
        self.tokens = {token: "admin", SECOND_TOKEN: "admin", NO_CONTRACT_TOKEN: "no-contract"}
        self.revoked: set[str] = set()
        self.limiter = SlidingWindowLimiter(int(rate_limit), float(rate_window)) if int(rate_limit) else None
        self.api_addon = _bool(api_addon)
        self.default_limit = int(default_limit)
        self.max_limit = int(max_limit)
        if over_max_limit not in ("clamp", "reject"):
            raise ValueError("over_max_limit must be 'clamp' or 'reject'")
        self.over_max_limit = over_max_limit
        if meta not in ("full", "partial", "missing"):
            raise ValueError("meta must be 'full', 'partial' or 'missing'")
        self.meta = meta
        if deleted_requests not in ("listed", "hidden"):
            raise ValueError("deleted_requests must be 'listed' or 'hidden'")
        self.view = SesameView(company, deleted_requests_listed=deleted_requests == "listed")
        # the day-off requests a filter selects, per listing and filter: every page of one listing is
        # served from one selection instead of filtering the whole listing again (a page cost O(tenant))
        self._selections: dict[tuple[Any, ...], tuple[Listing, list[int]]] = {}
        self._soft_delete_some(int(soft_deleted_requests))
        routes: dict[str, Callable[[Request], Response]] = {
            "/core/v3/info": self.info,
            "/core/v3/employees": self.employees,
            "/core/v3/employees/{id}": self.employee,
            "/core/v3/departments": self.listing("departments", named=True),
            "/core/v3/offices": self.listing("offices", named=True),
            "/core/v3/employee-department-assignations": self.department_assignations,
            "/core/v3/employee-office-assignations": self.office_assignations,
            "/core/v3/employee-managers": self.managers,
            "/core/v3/custom-fields": self.listing("custom_fields"),
            "/schedule/v1/absence-types": self.listing("absence_types"),
            "/schedule/v1/vacation-configurations": self.listing("vacation_configurations"),
            "/schedule/v1/vacation-day-off-requests": self.requests("vacation_requests"),
            "/schedule/v1/absence-day-off-requests": self.requests("absence_requests"),
            "/schedule/v1/work-entries": self.work_entries,
            "/schedule/v1/vacation-calendars": self.vacation_calendars,
            "/schedule/v1/holiday-calendar": self.holiday_calendars,
            "/schedule/v1/holidays/{holidayCalendarId}/employees": self.holiday_calendar_employees,
            "/schedule/v1/holidays": self.holidays,
            "/contract/v1/contracts/{employeeId}": self.per_employee("contracts"),
            "/contract/v1/salaries": self.salaries,
            "/contract/v1/compensations": self.compensations,
            "/contract/v1/employees/{employeeId}/compensations": self.per_employee("employee_compensations"),
            "/contract/v1/compensations/{compensationId}/employees": self.compensation_employees,
        }
        for path, handler in routes.items():
            self.add_route("GET", path, handler)

    def _soft_delete_some(self, count: int) -> None:
        """Start with `count` soft-deleted requests (the earliest pending ones), as a real tenant has."""
        pending = sorted(
            (r for r in self.company.all_requests() if r.status == "pending" and r.deleted_at is None),
            key=lambda r: (r.requested_at, r.key),
        )
        for r in pending[:count]:
            self.company.soft_delete_time_off_request(r.employee_key, r.key)

    # -- harness hooks ------------------------------------------------------------------------
    def credentials(self) -> dict[str, Any]:
        return {"api_token": self.token}

    def connector_config(self, base_url: str) -> dict[str, Any]:
        years = self.company.years
        start = self.company.as_of.replace(year=self.company.as_of.year - years, day=1)
        config = {
            "api_token": self.token,
            "region": "eu1",
            "base_url": base_url,
            "start_date": start.isoformat(),
        }
        if self.limiter is not None:
            # 60% of the sandbox's limit, as the connector's default (600) is 60% of Sesame's 1,000/minute
            per_minute = 60 / self.limiter.window * self.limiter.limit
            config["requests_per_minute"] = max(1, int(per_minute * 0.6))
        return config

    def revoke(self, token: str) -> None:
        """Revoke a token, as an admin does under Settings -> Integrations -> API."""
        self.revoked.add(token)

    def authenticate(self, request: Request) -> Response | None:
        header = request.header("Authorization") or ""
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        if token not in self.tokens or token in self.revoked:
            return error(401, "Unauthenticated.")
        if not self.api_addon:
            return error(403, "The API add-on is not active for this company.")
        if self.tokens[token] == "no-contract" and request.path.startswith("/contract/"):
            return error(403, "This token has no permission for this resource.")
        return None

    def before_request(self, request: Request) -> Response | None:
        if self.limiter is None:
            return None
        allowed, wait = self.limiter.hit(self.company.uid)
        if allowed:
            return None
        return error(429, "Too Many Attempts.", {"Retry-After": str(max(1, math.ceil(wait)))})

    def not_found(self, request: Request) -> Response:
        return error(404, "Not Found")

    def method_not_allowed(self, request: Request) -> Response:
        return error(405, "Method Not Allowed")

    # -- paging -------------------------------------------------------------------------------
    def _page(
        self, request: Request, route: str, listing: Listing, indices: list[int] | None = None
    ) -> Response:
        default, maximum = LIMITS.get(route, (None, None))
        default = default or self.default_limit
        maximum = maximum or self.max_limit
        requested = int_arg(request.arg("limit"), default)
        if requested > maximum and self.over_max_limit == "reject":
            return error(422, f"The limit may not be greater than {maximum}.")
        limit = min(requested, maximum)
        page = int_arg(request.arg("page"), 1)
        chosen = list(range(len(listing.items))) if indices is None else indices
        chosen = self._order(request, listing, chosen)
        total = len(chosen)
        last = max(1, math.ceil(total / limit))
        window = chosen[(page - 1) * limit : page * limit]
        meta = {"currentPage": page, "lastPage": last, "total": total, "perPage": limit}
        if self.meta == "partial":
            meta = {"total": total, "perPage": limit}
        tail = b"}" if self.meta == "missing" else b',"meta":' + json.dumps(meta).encode() + b"}"
        body = b'{"data":[' + b",".join(listing.encoded(i) for i in window) + b"]" + tail
        return Response(200, body, {"Content-Type": "application/json"})

    @staticmethod
    def _order(request: Request, listing: Listing, indices: list[int]) -> list[int]:
        """``orderBy=field1 asc, field2 desc`` on top-level fields; unknown fields are ignored [U]."""
        spec = request.arg("orderBy")
        if not spec:
            return indices
        for part in reversed([p.split() for p in spec.split(",") if p.strip()]):
            name, direction = part[0], (part[1].lower() if len(part) > 1 else "asc")
            indices = sorted(
                indices,
                key=lambda i: (listing.items[i].get(name) is None, str(listing.items[i].get(name) or "")),
                reverse=direction == "desc",
            )
        return indices

    def _snapshot(self) -> Snapshot:
        return self.view.snapshot()

    # -- handlers -----------------------------------------------------------------------------
    def info(self, request: Request) -> Response:
        meta = {"currentPage": 1, "lastPage": 1, "total": 1, "perPage": 1}
        return Response.json({"data": {"company": self._snapshot().company}, "meta": meta})

    def listing(self, name: str, named: bool = False) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            listing: Listing = getattr(self._snapshot(), name)
            indices = None
            wanted = request.arg("name") if named else None
            if wanted:
                indices = [
                    i for i, item in enumerate(listing.items) if wanted.lower() in item["name"].lower()
                ]
            return self._page(request, request.path, listing, indices)

        return handler

    def employees(self, request: Request) -> Response:
        snap = self._snapshot()
        departments, offices = set(many(request, "departmentIds")), set(many(request, "officeIds"))
        statuses = set(many(request, "status"))
        code, dni, email = request.arg("code"), request.arg("dni"), request.arg("email")
        member_of: dict[str, set[str]] = {}
        if departments:
            for row in snap.department_assignations.items:
                member_of.setdefault(row["employee"]["id"], set()).add(row["department"]["id"])
        located_in: dict[str, set[str]] = {}
        if offices:
            for row in snap.office_assignations.items:
                located_in.setdefault(row["employee"]["id"], set()).add(row["office"]["id"])

        def keep(e: dict[str, Any]) -> bool:
            return (
                (not statuses or e["status"] in statuses)
                and (code is None or str(e["code"]) == code)
                and (dni is None or e["nid"] == dni)
                and (email is None or (e["email"] or "").lower() == email.lower())
                and (not departments or bool(member_of.get(e["id"], set()) & departments))
                and (not offices or bool(located_in.get(e["id"], set()) & offices))
            )

        indices = [i for i, e in enumerate(snap.employees.items) if keep(e)]
        return self._page(request, request.path, snap.employees, indices)

    def employee(self, request: Request) -> Response:
        snap = self._snapshot()
        index = snap.employee_by_uid.get(request.params["id"])
        if index is None:
            return error(404, "Employee not found.")
        meta = {"currentPage": 1, "lastPage": 1, "total": 1, "perPage": 1}
        return Response.json({"data": snap.employees.items[index], "meta": meta})

    def _assignations(self, request: Request, listing: Listing, filters: dict[str, str]) -> Response:
        wanted = {path: set(many(request, param)) for param, path in filters.items()}
        wanted = {path: values for path, values in wanted.items() if values}

        def value(row: dict[str, Any], path: str) -> Any:
            for part in path.split("."):
                row = row.get(part) if isinstance(row, dict) else None  # type: ignore[assignment]
            return row

        indices = [
            i
            for i, row in enumerate(listing.items)
            if all(str(value(row, path)) in values for path, values in wanted.items())
        ]
        return self._page(request, request.path, listing, indices)

    def department_assignations(self, request: Request) -> Response:
        return self._assignations(
            request,
            self._snapshot().department_assignations,
            {"employeeId": "employee.id", "departmentId": "department.id"},
        )

    def office_assignations(self, request: Request) -> Response:
        return self._assignations(
            request,
            self._snapshot().office_assignations,
            {"employeeId": "employee.id", "officeId": "office.id"},
        )

    def managers(self, request: Request) -> Response:
        return self._assignations(
            request,
            self._snapshot().managers,
            {"employeeId": "employee.id", "managerId": "manager.id", "permission": "permission"},
        )

    def requests(self, name: str) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            listing: Listing = getattr(self._snapshot(), name)
            try:
                lo = date.fromisoformat(request.arg("fromDayOff")) if request.arg("fromDayOff") else None
                hi = date.fromisoformat(request.arg("toDayOff")) if request.arg("toDayOff") else None
            except ValueError:
                return error(422, "fromDayOff and toDayOff must be dates (Y-m-d).")
            statuses, employees = set(many(request, "status")), set(many(request, "employeeId"))
            low, high = lo.isoformat() if lo else "", hi.isoformat() if hi else "9999-12-31"

            def keep(row: dict[str, Any]) -> bool:
                return (
                    (not statuses or row["status"] in statuses)
                    and (not employees or row["employee"]["id"] in employees)
                    and any(low <= d["date"] <= high for d in row["daysOff"])
                )

            key = (name, frozenset(statuses), frozenset(employees), low, high)
            cached = self._selections.get(key)
            if cached is None or cached[0] is not listing:  # a new company version renders new listings
                if len(self._selections) > 64:
                    self._selections.clear()
                cached = self._selections[key] = (
                    listing,
                    [i for i, row in enumerate(listing.items) if keep(row)],
                )
            return self._page(request, request.path, listing, cached[1])

        return handler

    def work_entries(self, request: Request) -> Response:
        listing = self._snapshot().work_entries
        try:
            gte = parse_moment(request.arg("updatedAt[gte]")) if request.arg("updatedAt[gte]") else None
            lte = parse_moment(request.arg("updatedAt[lte]")) if request.arg("updatedAt[lte]") else None
            lo = request.arg("from") and date.fromisoformat(request.arg("from") or "").isoformat()
            hi = request.arg("to") and date.fromisoformat(request.arg("to") or "").isoformat()
        except ValueError:
            return error(422, "updatedAt must be a date-time (Y-m-dTH:i:sP); from and to dates (Y-m-d).")
        only = request.arg("onlyReturn") or "not_deleted"
        if only not in ("all", "not_deleted", "deleted"):
            return error(422, "The selected only return is invalid.")
        employees = set(many(request, "employeeId"))

        def keep(row: dict[str, Any]) -> bool:
            deleted = row["deletedAt"] is not None
            if (only == "not_deleted" and deleted) or (only == "deleted" and not deleted):
                return False
            if employees and row["employee"]["id"] not in employees:
                return False
            day = row["workEntryIn"]["date"][:10]
            if (lo and day < lo) or (hi and day > hi):
                return False
            if gte or lte:
                updated = datetime.fromisoformat(row["updatedAt"])
                if (gte and updated < gte) or (lte and updated > lte):
                    return False
            return True

        indices = [i for i, row in enumerate(listing.items) if keep(row)]
        return self._page(request, request.path, listing, indices)

    def vacation_calendars(self, request: Request) -> Response:
        """Every employee's vacation calendar (allowance ``maxDaysOff``, granted ``daysOff``) per year;
        ``employeeId`` and ``year[in]`` filter."""
        listing = self._snapshot().vacation_calendars
        employees = set(many(request, "employeeId"))
        years = set(many(request, "year"))
        if any(not y.isdigit() for y in years):
            return error(422, "The year must be a year (YYYY).")
        indices = [
            i
            for i, row in enumerate(listing.items)
            if (not employees or row["employee"]["id"] in employees) and (not years or str(row["year"]) in years)
        ]
        return self._page(request, request.path, listing, indices)

    def holiday_calendars(self, request: Request) -> Response:
        listing = self._snapshot().holiday_calendars
        wanted = (request.arg("name[contains]") or "").lower()
        indices = [i for i, row in enumerate(listing.items) if wanted in row["name"].lower()]
        return self._page(request, request.path, listing, indices)

    def holiday_calendar_employees(self, request: Request) -> Response:
        listing = self._snapshot().holiday_employees.get(request.params["holidayCalendarId"])
        if listing is None:
            return error(404, "Holiday calendar not found.")
        return self._page(request, "/schedule/v1/holidays/{holidayCalendarId}/employees", listing)

    def holidays(self, request: Request) -> Response:
        """One employee's public holidays of a year, ``{employee, dayOff{name, date}}`` (both required)."""
        employee, year = request.arg("employeeId"), request.arg("year")
        if not employee or not year or not year.isdigit():
            return error(422, "The employee id and year fields are required.")
        snap = self._snapshot()
        if employee not in snap.holiday_calendar_of:
            return error(404, "Employee not found.")
        index, person = snap.holiday_calendar_of[employee]
        days = [d for d in snap.holiday_calendars.items[index]["dayOff"] if d["date"][:4] == year]
        listing = Listing([{"employee": person, "dayOff": {"name": d["name"], "date": d["date"]}} for d in days])
        return self._page(request, request.path, listing)

    def per_employee(self, name: str) -> Callable[[Request], Response]:
        route = {"contracts": "/contract/v1/contracts/{employeeId}"}.get(name, "")

        def handler(request: Request) -> Response:
            rows: dict[str, Listing] = getattr(self._snapshot(), name)
            listing = rows.get(request.params["employeeId"])
            if listing is None:
                return error(404, "Employee not found.")
            return self._page(request, route, listing)

        return handler

    def salaries(self, request: Request) -> Response:
        employee = request.arg("employeeId")
        if not employee:
            return error(422, "The employee id field is required.")
        listing = self._snapshot().salaries.get(employee)
        if listing is None:
            return error(404, "Employee not found.")
        periods = set(many(request, "payPeriod"))
        indices = [i for i, row in enumerate(listing.items) if not periods or row["payPeriod"] in periods]
        return self._page(request, request.path, listing, indices)

    def compensations(self, request: Request) -> Response:
        listing = self._snapshot().compensations
        filters = {
            key: set(many(request, key)) for key in ("compensationType", "period", "status", "currency")
        }
        name = (request.arg("name") or "").lower()
        indices = [
            i
            for i, row in enumerate(listing.items)
            if name in row["name"].lower() and all(not v or row[k] in v for k, v in filters.items())
        ]
        return self._page(request, request.path, listing, indices)

    def compensation_employees(self, request: Request) -> Response:
        snap = self._snapshot()
        wanted = request.params["compensationId"]
        if not any(row["id"] == wanted for row in snap.compensations.items):
            return error(404, "Compensation not found.")
        listing = snap.compensation_employees.get(wanted, Listing([]))
        return self._page(request, "/contract/v1/compensations/{compensationId}/employees", listing)


def create_app(company: Company, **options: Any) -> SesameHRApp:
    return SesameHRApp(company, **options)
