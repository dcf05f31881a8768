"""A stand-in of PeopleHR's API (``https://api.peoplehr.net``) rendering the shared company.

Options (CLI values are strings; JSON for mappings):

- ``api_key``: the full-access key (default `API_KEY`); ``keys``: more keys, ``{key: [areas]}`` with
  areas from `AREAS`, e.g. ``{"no-salary": ["Employee", "Holiday", "Absence", "Benefit"]}``;
- ``rate_limit`` (default 30, 0 = off) calls per ``rate_limit_window`` seconds (60) per client IP;
  ``rate_limit_response``: ``http429`` (default: HTTP 429 with Status 6) or ``status6`` (HTTP 200,
  ``isError`` with Status 6 and an exception message); ``retry_after`` adds a ``Retry-After`` header to
  the 429 (default false). The real shape is [U];
- ``error_key``: ``isError`` (what real clients see, default) or ``IsError`` (the swagger's spelling);
- ``unique_key``: send ``UniqueKey`` on employees (default true; seen in captures, not in the spec);
- ``holiday_statuses``: ``captured`` (Approved/Pending/Declined, default) or ``swagger``
  (Approved/Submitted/Rejected); ``currency``: ``symbol`` (``£``, default) or ``code`` (``GBP``);
- ``renames``: ``{employee key: new EmployeeId}`` applied at start (default: employee 3 is ``PW003``);
- ``paid_status``: the ``AbsencePaidStatus`` code of a paid absence, ``1`` (default) or ``2`` (the
  other code is unpaid; which is which is [U]); ``paid_status_type``: ``int`` (real traffic, default)
  or ``string`` (the spec's ``"1"``);
- ``queries``: saved queries ``{name: kind}``, kinds ``holidays``, ``absences``, ``salaries``,
  ``allowances`` (default `DEFAULT_QUERIES`).
"""

from __future__ import annotations

import json
from typing import Any

from hris_sandbox.company import Company
from hris_sandbox.providers.peoplehr.app import API_KEY, AREAS, DEFAULT_QUERIES, PeopleHRApp

__all__ = ["API_KEY", "AREAS", "DEFAULT_QUERIES", "PeopleHRApp", "create_app"]

_INTS = ("rate_limit",)
_FLOATS = ("rate_limit_window",)
_BOOLS = ("unique_key", "retry_after")
_JSON = ("keys", "renames", "queries")


def create_app(company: Company, **options: Any) -> PeopleHRApp:
    parsed: dict[str, Any] = {}
    for name, value in options.items():
        if isinstance(value, str):
            if name in _INTS:
                value = int(value)
            elif name in _FLOATS:
                value = float(value)
            elif name in _BOOLS:
                value = value.strip().lower() in ("1", "true", "yes")
            elif name in _JSON:
                value = json.loads(value)
        if name == "renames":
            value = {int(k): v for k, v in value.items()}
        parsed[name] = value
    return PeopleHRApp(company, **parsed)
