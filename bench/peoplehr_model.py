"""PeopleHR at its real limit of 30 calls a minute: a model of sync time, checked by a measured run.

At 30 calls per minute the calls decide everything: the connector spends almost all of a sync waiting
for its budget (at most `requests_per_minute` calls in any 61 s). A sync of C calls therefore takes

    T(C) = start-up + (⌈C / 30⌉ − 1) × 61 s + the last batch (a fraction of a second)

and C follows the connector's formula (README, "The call budget"), which here is also the call
minimum (`minimum.peoplehr`): 1 + A·W + B + Q on a full sync; on an unchanged incremental one the
refresh budget R caps each fanned-out stream at R partitions (1 + 7·R + Q at most, with the default
R = 100). W and S are counted on the sandbox's companies of 100, 1,000 and 5,000 employees (3 years
of history; the sandbox's config starts time off two years back), for the per-employee fan-out (A =
9: holidays, absences, other events, maternity/paternity, salaries, benefits, timesheets,
entitlements, each employee's detail; B the entitled employees' second holiday call) and for saved
queries (holidays, absences and salaries in three calls; the other six areas still per employee).

The model is checked by `realistic.check()`: a reduced tenant against the sandbox enforcing 30 calls
per 60 s with 150 ms a call, a full and an unchanged incremental sync through the console script.
"""

from __future__ import annotations

import math
from typing import Any

from hris_sandbox import Company
from minimum import peoplehr as peoplehr_minimum

RATE, WINDOW = 30, 61.0
STREAMS = frozenset(
    [
        "employees",
        "departments",
        "locations",
        "time_off_types",
        "time_off_requests",
        "employments",
        "compensations",
        "benefits",
        "time_off_balances",
        "work_entries",
    ]
)
QUERIES = {
    "holiday_query": "Connector Holidays",
    "absence_query": "Connector Absences",
    "salary_query": "Connector Salaries",
}


def sync_seconds(calls: int, startup: float = 0.0, rate: int = RATE) -> float:
    return startup + (math.ceil(calls / rate) - 1) * WINDOW


def _config(company: Company, queries: bool) -> dict[str, Any]:
    start = company.as_of.replace(year=company.as_of.year - 2)
    return {"start_date": start.isoformat(), **(QUERIES if queries else {})}


def model(sizes: tuple[int, ...] = (100, 1000, 5000), startup: float = 0.0) -> list[dict[str, Any]]:
    rows = []
    for size in sizes:
        company = Company.generate(employees=size, seed=1, years=3)
        row: dict[str, Any] = {"employees": size}
        for path, queries in (("fan_out", False), ("saved_queries", True)):
            config = _config(company, queries)
            for mode in ("full", "incremental"):
                calls = sum(peoplehr_minimum(company, config, STREAMS, mode == "incremental").values())
                row[f"{path}_{mode}"] = {"calls": calls, "seconds": round(sync_seconds(calls, startup))}
        rows.append(row)
    return rows
