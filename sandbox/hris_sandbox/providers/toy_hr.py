"""A deliberately small, made-up HR API: the reference provider for the conformance kit's own tests.

It is no real product. It shows how a provider sandbox uses the harness and gives the shared CDK
components a target before (and independently of) the real connectors:

- ``Authorization: Bearer <token>``; 401 otherwise;
- ``GET /v1/employees?page=&per_page=`` (max 100), ``GET /v1/departments``;
- ``GET /v1/time-off?from=YYYY-MM-DD&to=YYYY-MM-DD&page=`` (window of at most 92 days, else 422);
- ``GET /v1/employees/{id}/compensations``;
- list envelope ``{"items": [...], "next_page": n | null}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hris_sandbox.company import Company, Employee, TimeOffRequest
from hris_sandbox.server import ProviderApp, Request, Response, int_arg, paginate

TOKEN = "toy-sandbox-token-0123456789abcdef"


class ToyHRApp(ProviderApp):
    name = "toy-hr"

    def __init__(self, company: Company, token: str = TOKEN) -> None:
        super().__init__(company)
        self.token = token
        self.add_route("GET", "/v1/employees", self.employees)
        self.add_route("GET", "/v1/departments", self.departments)
        self.add_route("GET", "/v1/time-off", self.time_off)
        self.add_route("GET", "/v1/employees/{id}/compensations", self.compensations)

    def credentials(self) -> dict[str, Any]:
        return {"api_token": self.token}

    def connector_config(self, base_url: str) -> dict[str, Any]:
        return {
            "base_url": base_url,
            "api_token": self.token,
            "start_date": (self.company.as_of.replace(day=1)).isoformat(),
        }

    def authenticate(self, request: Request) -> Response | None:
        if request.header("Authorization") != f"Bearer {self.token}":
            return Response.json({"error": "invalid token"}, 401)
        return None

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        page = int_arg(request.arg("page"), 1)
        per_page = int_arg(request.arg("per_page"), 25, maximum=100)
        chunk, pages = paginate(items, page, per_page)
        return Response.json({"items": chunk, "next_page": page + 1 if page < pages else None})

    def _employee(self, e: Employee) -> dict[str, Any]:
        return {
            "id": e.key,
            "number": e.employee_number,
            "first_name": e.first_name,
            "last_name": e.last_name,
            "email": e.email,
            "status": e.status(self.company.as_of),
            "department_id": e.department_key,
            "manager_id": e.manager_key,
            "start_date": e.start_date.isoformat(),
            "end_date": e.termination_date.isoformat() if e.termination_date else None,
            "title": e.job_title,
        }

    def employees(self, request: Request) -> Response:
        return self._page(request, [self._employee(e) for e in self.company.employee_list()])

    def departments(self, request: Request) -> Response:
        return Response.json(
            {"items": [{"id": d.key, "name": d.name} for d in self.company.departments], "next_page": None}
        )

    def _request(self, r: TimeOffRequest) -> dict[str, Any]:
        return {
            "id": r.key,
            "employee_id": r.employee_key,
            "type": self.company.time_off_type(r.type_key).name,
            "status": r.status,
            "from": r.start.isoformat(),
            "to": r.end.isoformat(),
            "days": str(r.days),
            "hours": str(r.hours),
        }

    def time_off(self, request: Request) -> Response:
        try:
            lo = date.fromisoformat(request.arg("from") or "")
            hi = date.fromisoformat(request.arg("to") or "")
        except ValueError:
            return Response.json({"error": "from and to are required (YYYY-MM-DD)"}, 422)
        if (hi - lo).days > 92:
            return Response.json({"error": "window longer than 92 days"}, 422)
        rows = [self._request(r) for r in self.company.all_requests() if r.start <= hi and r.end >= lo]
        return self._page(request, rows)

    def compensations(self, request: Request) -> Response:
        emp = self.company.employees.get(int_arg(request.params["id"], 0, minimum=0))
        if emp is None:
            return Response.json({"error": "not found"}, 404)
        rows = [
            {
                "kind": c.kind,
                "amount": str(c.amount),
                "currency": c.currency,
                "period": c.period,
                "from": c.start.isoformat(),
            }
            for c in emp.compensations
        ]
        return Response.json({"items": rows, "next_page": None})


def create_app(company: Company, **options: Any) -> ToyHRApp:
    return ToyHRApp(company, **options)
