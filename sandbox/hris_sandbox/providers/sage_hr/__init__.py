"""A stand-in of ``https://{subdomain}.sage.hr/api`` (facts: the reference notes' ``providers/sage-hr.md``, outside this repository).

Served under ``/api`` (a connector's base URL is ``http://127.0.0.1:PORT/api``):

- ``X-Auth-Token: <api key>`` on every call; missing or wrong -> 401, the optional non-admin key -> 403;
- core lists (`/employees`, `/terminated-employees`, `/teams`, `/positions`, `/termination-reasons`,
  `/leave-management/requests`, `/employees/{id}/compensations`) serve a fixed 50 per page (``page``
  is 1-based, ``per_page`` is ignored) with ``meta`` {current_page, next_page, previous_page,
  total_pages, per_page, total_entries}; a page past the end is empty with its ``meta``;
- `/leave-management/reports/individual-allowances` honours ``per_page`` (see the options);
  `/leave-management/policies/{id}` answers ``data: [policy]`` (one object in an array);
- `/leave-management/policies`, `/employees/{id}/custom-fields` and
  `/employees/{id}/leave-management/balances` answer with ``data`` and no ``meta``;
- `/employees` and `/employees/{id}` include ``team_history``, ``employment_status_history`` and
  ``position_history`` only when their flag is ``true``/``1``; active and terminated employees are
  disjoint; `/terminated-employees/{id}` adds ``termination {reason, comments}``;
- `/leave-management/requests?from=&to=` lists requests overlapping the window [I]; no window means
  the current month; ``to - from`` of 65 days or more -> 422 ``validation_failed`` [I body];
- errors use ``{"error_code": ..., "errors": [...]}``: unknown ids and routes -> 404 ``not_found``.

Not simulated: an unknown subdomain (404 from Sage HR), since a connector reaches the sandbox through
its base-URL override.

Options (strings from the CLI are accepted):

- ``api_key``: the admin key (default `API_KEY`); ``non_admin_key``: a key refused with 403 [V-3p];
- ``rate_limit``: requests per ``rate_window`` seconds (default 60) per key, then 429 with
  ``Retry-After`` (seconds until a call is free). No limit is published [U]: off by default here;
  60 a minute is the connector's default budget and what the bench's realistic rows enforce;
- ``cancelled_spelling``: ``cancelled`` or ``canceled`` for cancelled leave [U];
- ``approval_date_on_decline``: also date declined requests in ``approval_date`` [I];
- ``window_limit_days`` (65 [V]) and ``window_error`` (the 422 message [I]);
- ``allowances_max_per_page``: the largest ``per_page`` the individual-allowances report honours
  (100 [I]; its default page is 30 [I], S1 shows only an example of 25).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from datetime import date
from typing import Any

from hris_sandbox.company import Company, Employee
from hris_sandbox.limits import SlidingWindowLimiter
from hris_sandbox.providers.sage_hr.render import SageOptions, SageView, strip
from hris_sandbox.server import ProviderApp, Request, Response, int_arg, paginate

API_KEY = "sage-sandbox-key-6f1d2c9a8b7e4d3c"
NON_ADMIN_KEY = "sage-sandbox-non-admin-5a4b3c2d1e0f"
PER_PAGE = 50
HISTORY_FLAGS = ("team_history", "employment_status_history", "position_history")
ALLOWANCES_PER_PAGE = 30  # the report's default page size [I]: S1 shows only an example of 25
WINDOW_ERROR = "Days between from date and to date must be less than 65"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1")


def _bool_option(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "yes")


def error(code: str, status: int, *messages: str, headers: dict[str, str] | None = None) -> Response:
    return Response.json({"error_code": code, "errors": list(messages)}, status, headers)


class SageHRApp(ProviderApp):
    name = "sage-hr"

    def __init__(
        self,
        company: Company,
        api_key: str = API_KEY,
        non_admin_key: str | None = NON_ADMIN_KEY,
        rate_limit: int | None = None,
        rate_window: float = 60.0,
        window_limit_days: int = 65,
        window_error: str = WINDOW_ERROR,
        options: SageOptions | None = None,
        allowances_max_per_page: int = 100,
    ) -> None:
        super().__init__(company)
        self.api_key = api_key
        self.non_admin_key = non_admin_key
        self.limiter = SlidingWindowLimiter(rate_limit, rate_window) if rate_limit else None
        self.window_limit_days = window_limit_days
        self.window_error = window_error
        self.allowances_max_per_page = allowances_max_per_page
        self.view = SageView(company, options or SageOptions())
        routes = {
            "/api/employees": self.employees,
            "/api/employees/{id}": self.employee,
            "/api/terminated-employees": self.terminated_employees,
            "/api/terminated-employees/{id}": self.terminated_employee,
            "/api/teams": self.teams,
            "/api/positions": self.positions,
            "/api/termination-reasons": self.termination_reasons,
            "/api/leave-management/policies": self.policies,
            "/api/leave-management/policies/{id}": self.policy,
            "/api/leave-management/reports/individual-allowances": self.allowances,
            "/api/leave-management/requests": self.leave_requests,
            "/api/employees/{id}/compensations": self.compensations,
            "/api/employees/{id}/custom-fields": self.custom_fields,
            "/api/employees/{id}/leave-management/balances": self.balances,
        }
        for pattern, handler in routes.items():
            self.add_route("GET", pattern, handler)

    # -- harness hooks ----------------------------------------------------------------------------
    def credentials(self) -> dict[str, Any]:
        return {"api_key": self.api_key}

    def connector_config(self, base_url: str) -> dict[str, Any]:
        first = self.company.as_of.replace(day=1)
        start = first.replace(year=first.year - self.company.years)
        return {
            "subdomain": self.company.subdomain,
            "api_key": self.api_key,
            "base_url": base_url.rstrip("/") + "/api",
            "start_date": start.isoformat(),
            "include_custom_fields": True,
            "requests_per_minute": (
                max(1, int(self.limiter.limit * 60 / self.limiter.window)) if self.limiter else 60_000
            ),
        }

    def authenticate(self, request: Request) -> Response | None:
        token = request.header("X-Auth-Token")
        if token and token == self.api_key:
            return None
        if token and token == self.non_admin_key:
            return error("forbidden", 403, "Access denied: the API key's owner is not an administrator")
        return error("unauthorized", 401, "Invalid token")

    def before_request(self, request: Request) -> Response | None:
        if self.limiter is None:
            return None
        allowed, wait = self.limiter.hit(request.header("X-Auth-Token") or "")
        if allowed:
            return None
        return error(
            "too_many_requests",
            429,
            "Rate limit exceeded",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )

    def not_found(self, request: Request) -> Response:
        return error("not_found", 404)

    def method_not_allowed(self, request: Request) -> Response:
        return error("not_found", 404)

    # -- helpers ----------------------------------------------------------------------------------
    @staticmethod
    def _page(
        request: Request,
        items: list[dict[str, Any]],
        each: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        per_page: int = PER_PAGE,
    ) -> Response:
        page = int_arg(request.arg("page"), 1)
        chunk, pages = paginate(items, page, per_page)
        if each is not None:
            chunk = [each(item) for item in chunk]
        meta = {
            "current_page": page,
            "next_page": page + 1 if page < pages else None,
            "previous_page": page - 1 if page > 1 else None,
            "total_pages": pages,
            "per_page": per_page,
            "total_entries": len(items),
        }
        return Response.json({"data": chunk, "meta": meta})

    def _employee(self, request: Request) -> Employee | None:
        try:
            key = int(request.params["id"])
        except ValueError:
            return None
        return self.company.employees.get(key)

    # -- handlers ---------------------------------------------------------------------------------
    def employees(self, request: Request) -> Response:
        unflagged = [flag for flag in HISTORY_FLAGS if not _flag(request.arg(flag))]
        return self._page(request, self.view.active_employees(), lambda r: strip(r, unflagged))

    def employee(self, request: Request) -> Response:
        emp = self._employee(request)
        if emp is None or emp.status(self.company.as_of) == "inactive":
            return error("not_found", 404)
        unflagged = [flag for flag in HISTORY_FLAGS if not _flag(request.arg(flag))]
        return Response.json({"data": strip(self.view.employee(emp), unflagged)})

    def terminated_employees(self, request: Request) -> Response:
        return self._page(request, self.view.terminated_employees())

    def terminated_employee(self, request: Request) -> Response:
        emp = self._employee(request)
        if emp is None or emp.status(self.company.as_of) != "inactive":
            return error("not_found", 404)
        return Response.json(
            {"data": self.view.terminated(emp) | {"termination": self.view.termination(emp)}}
        )

    def teams(self, request: Request) -> Response:
        return self._page(request, self.view.teams())

    def positions(self, request: Request) -> Response:
        return self._page(request, self.view.positions())

    def termination_reasons(self, request: Request) -> Response:
        return self._page(request, self.view.termination_reasons())

    def policies(self, request: Request) -> Response:
        return Response.json({"data": self.view.policies()})

    def policy(self, request: Request) -> Response:
        try:
            policy = self.view.policy(int(request.params["id"]))
        except ValueError:
            policy = None
        if policy is None:
            return error("not_found", 404)
        return Response.json({"data": [policy]})  # one object in an array [V]

    def allowances(self, request: Request) -> Response:
        per_page = int_arg(request.arg("per_page"), ALLOWANCES_PER_PAGE, maximum=self.allowances_max_per_page)
        return self._page(request, self.view.allowances(), per_page=per_page)

    def leave_requests(self, request: Request) -> Response:
        today = self.company.as_of
        try:
            lo = date.fromisoformat(request.arg("from") or today.replace(day=1).isoformat())
            hi = date.fromisoformat(
                request.arg("to")
                or today.replace(day=calendar.monthrange(today.year, today.month)[1]).isoformat()
            )
        except ValueError:
            return error("validation_failed", 422, "Invalid date format, use YYYY-MM-DD")
        if hi < lo:
            return error("validation_failed", 422, "To date must be after from date")
        if (hi - lo).days >= self.window_limit_days:
            return error("validation_failed", 422, self.window_error)
        return self._page(request, self.view.requests_overlapping(lo, hi))

    def compensations(self, request: Request) -> Response:
        emp = self._employee(request)
        if emp is None:
            return error("not_found", 404)
        return self._page(request, [self.view.compensation(c) for c in emp.compensations])

    def custom_fields(self, request: Request) -> Response:
        emp = self._employee(request)
        if emp is None:
            return error("not_found", 404)
        return Response.json({"data": self.view.custom_fields(emp)})

    def balances(self, request: Request) -> Response:
        emp = self._employee(request)
        if emp is None:
            return error("not_found", 404)
        return Response.json({"data": self.view.balances(emp)})


def create_app(company: Company, **options: Any) -> SageHRApp:
    """Build the app; `options` as documented in the module docstring (CLI strings accepted)."""
    quirks = SageOptions(
        cancelled_spelling=str(options.pop("cancelled_spelling", "cancelled")),
        approval_date_on_decline=_bool_option(options.pop("approval_date_on_decline", False)),
    )
    if quirks.cancelled_spelling not in ("cancelled", "canceled"):
        raise ValueError("cancelled_spelling must be 'cancelled' or 'canceled'")
    rate_limit = options.pop("rate_limit", None)
    app = SageHRApp(
        company,
        api_key=str(options.pop("api_key", API_KEY)),
        non_admin_key=options.pop("non_admin_key", NON_ADMIN_KEY),
        rate_limit=int(rate_limit) if rate_limit not in (None, "", "0", 0) else None,
        rate_window=float(options.pop("rate_window", 60.0)),
        window_limit_days=int(options.pop("window_limit_days", 65)),
        window_error=str(options.pop("window_error", WINDOW_ERROR)),
        options=quirks,
        allowances_max_per_page=int(options.pop("allowances_max_per_page", 100)),
    )
    if options:
        raise ValueError(f"unknown sage-hr sandbox options: {', '.join(sorted(options))}")
    return app
