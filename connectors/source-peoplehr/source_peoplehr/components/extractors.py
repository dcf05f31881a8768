"""Rows of a per-employee or saved-query response, each handed to its mapper with the context it needs.

A per-employee response says nothing about whose rows it holds: the employee comes from the request
(``EmployeeId`` in the JSON body). A saved query holds every employee's rows: they are kept only for
employees this sync reads (listed, and employed at some point in the time-off window) and, for time
off, only when they overlap the window, exactly as the per-employee calls would return them. Salary
rows are grouped per employee to give each its end date (the day before the next row takes effect)
and split into one item per base salary, one per entitlement (allowance) and one per deduction.

An error answer the error handler lets through (Status 5 "EmployeeId does not exist": the employee
was deleted or renamed during the sync) yields a `skips.skipped_partition` marker: the partition
keeps its records until a sync reads it again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import InitVar, dataclass, field
from datetime import date, timedelta
from typing import Any

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.types import Config
from unified_hris.parsing import parse_date
from unified_hris_cdk.decoders import response_json
from unified_hris_cdk.scope import SyncScope
from unified_hris_cdk.skips import skipped_partition
from unified_hris_cdk.source import config_error

from source_peoplehr.components import areas as area_table
from source_peoplehr.components.directory import Directory, Person, Window, as_date, directory, hours_per_day
from source_peoplehr.components.history import periods
from source_peoplehr.components.shapes import CONTEXT, missing_columns, translate
from source_peoplehr.components.timesheets import entries


@dataclass
class AreaRows(RecordExtractor):
    """``extractor: {type: CustomRecordExtractor, class_name: source_peoplehr.components.extractors.AreaRows}``"""

    employee_list: HttpRequester
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    scope: SyncScope = field(default_factory=SyncScope)

    def extract_records(self, response: requests.Response) -> Iterable[Mapping[str, Any]]:
        body = response_json(response)
        status = body.get("Status", 0)
        if status not in (0, 10):  # an error the handler skipped: the partition was not read
            yield skipped_partition(f"PeopleHR Status {status}")
            return
        rows = body.get("Result") if status == 0 else None  # Status 10: no records
        if not rows:
            return
        rows = rows if isinstance(rows, list) else [rows]
        request = json.loads(response.request.body or b"{}")
        action = str(request.get("Action", "")).casefold()
        people = directory(self.scope, self.employee_list)
        if action == area_table.QUERY_ACTION.casefold():
            name = str(request.get("QueryName"))
            area = area_table.area_of_query(self.config, name)
            if area is None:
                raise ValueError(f"saved query {name!r} is not one of this config's")
            yield from self._query_rows(area, name, rows, people)
        else:
            area = area_table.AREA_BY_ACTION[action]
            person = people.by_employee_id.get(str(request.get("EmployeeId")))
            if person is not None:
                shaped = [(row, row) for row in rows if isinstance(row, Mapping)]
                spec = area_table.AREAS[area]
                yield from _items(
                    area,
                    person,
                    shaped,
                    via="employee",
                    path=f"/{spec.endpoint} {spec.action}",
                    config=self.config,
                )

    def _query_rows(
        self, area: str, name: str, rows: list[Any], people: Directory
    ) -> Iterable[dict[str, Any]]:
        window = Window.of(self.config)
        grouped: dict[str, list[tuple[Mapping[str, Any], Mapping[str, Any]]]] = defaultdict(list)
        for row in rows:
            if not isinstance(row, Mapping):
                continue
            absent = missing_columns(area, row)
            if absent:
                raise config_error(
                    str(area_table.AREAS[area].query_setting),
                    f"the saved query {name!r} has no column {', '.join(repr(c) for c in absent)}. Add the "
                    "column(s) to the query in PeopleHR's Query Builder (see the connector's README for "
                    "the columns each query needs).",
                )
            shaped = translate(area, row)
            person = people.by_employee_id.get(str(shaped.get("EmployeeId") or ""))
            if person is None or not window.overlaps(person.start, person.leaving):
                continue
            if area_table.AREAS[area].windowed and not window.overlaps(
                as_date(shaped.get("StartDate")), as_date(shaped.get("EndDate"))
            ):
                continue
            grouped[person.key].append((row, shaped))
        for person in people.people:
            if person.key in grouped:
                path = f"/Query {area_table.QUERY_ACTION} {name}"
                yield from _items(
                    area, person, grouped[person.key], via="query", path=path, config=self.config
                )


#: Areas whose leave PeopleHR measures in days only: their hours come from the working day.
DAYS_ONLY = frozenset({"absence", "maternity"})


def _items(
    area: str,
    person: Person,
    rows: list[tuple[Mapping[str, Any], Mapping[str, Any]]],
    via: str,
    path: str,
    config: Config,
) -> Iterable[dict[str, Any]]:
    """One raw item per unified record: `rows` pairs each raw row with its per-employee shape;
    `path` names the call in ``remote_data``. An employee's detail gives one item per job-history
    period (`history.periods`), with the detail as the raw payload; a timesheet day one per work entry
    and break (`timesheets.entries`), with the day as the raw payload."""
    base = {"area": area, "via": via, "employee": person.key, "path": path}
    if area in DAYS_ONLY:
        base["hours_per_day"] = str(hours_per_day(person, config))
    if area == "detail":
        for raw, _ in rows:
            for period in periods(raw):
                yield {**raw, CONTEXT: base | {"period": period}}
        return
    if area == "timesheet":
        for raw, _ in rows:
            for entry in entries(raw):
                yield {**raw, CONTEXT: base | {"entry": entry}}
        return
    if area != "salary":
        for raw, shaped in rows:
            yield {**raw, CONTEXT: base | {"shaped": shaped if via == "query" else None}}
        return
    ordered = sorted(rows, key=lambda pair: parse_date(pair[1].get("EffectiveFrom")) or date.min.isoformat())
    for index, (raw, shaped) in enumerate(ordered):
        following = (
            parse_date(ordered[index + 1][1].get("EffectiveFrom")) if index + 1 < len(ordered) else None
        )
        end = date.fromisoformat(following) - timedelta(days=1) if following else person.leaving
        salary = base | {
            "shaped": shaped if via == "query" else None,
            "end_date": end.isoformat() if end else None,
            "salary": {
                k: shaped.get(k)
                for k in ("EffectiveFrom", "SalaryType", "PaymentFrequency", "Currency", "SalaryAmount")
            },
        }
        yield {**raw, CONTEXT: salary | {"kind": "base"}}
        for kind, items in (("entitlement", "Entitlements"), ("deduction", "Deductions")):
            for item in shaped.get(items) or []:
                if isinstance(item, Mapping):
                    yield {**item, CONTEXT: salary | {"kind": kind, "shaped": None}}
