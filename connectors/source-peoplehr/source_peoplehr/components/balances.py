"""Holiday balances: PeopleHR's entitlement per leave year, with the days used worked out from the
employee's approved holidays.

``GetHolidayEntitlement`` gives the allowance of each leave year (``StartDate``-``EndDate``,
``MeasuredIn`` days or hours) and nothing about what was taken. So for each employee whose
entitlement came back, one ``GetHolidayDetail`` call over those leave years gives the bookings: a
year's ``used`` is the approved holidays (time off in lieu left out) that start in it, in the
entitlement's unit. Both calls go through the manifest's requester, i.e. the one API budget. Without
the Holiday area (`read_areas`) ``used`` and ``balance`` stay empty and the call is not made.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests
from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.types import StreamSlice
from unified_hris.parsing import parse_bool, parse_date, parse_decimal
from unified_hris_cdk.decoders import response_json

from source_peoplehr.components import areas as area_table
from source_peoplehr.components.extractors import AreaRows
from source_peoplehr.components.shapes import CONTEXT
from source_peoplehr.mappings import T


@dataclass
class BalanceRows(AreaRows):
    """``extractor: {type: CustomRecordExtractor, class_name: ...BalanceRows, holidays: <requester>}``"""

    holidays: HttpRequester | None = None

    def extract_records(self, response: requests.Response) -> Iterable[Mapping[str, Any]]:
        items = list(super().extract_records(response))
        periods = [item for item in items if CONTEXT in item]
        if not periods or self.holidays is None or not area_table.enabled(self.config, "holiday"):
            yield from items
            return
        employee_id = str(json.loads(response.request.body or b"{}").get("EmployeeId"))
        starts = [parse_date(item.get("StartDate")) for item in periods]
        ends = [parse_date(item.get("EndDate")) for item in periods]
        if None in starts or None in ends:
            yield from items
            return
        bookings = self._holidays(employee_id, min(str(s) for s in starts), max(str(e) for e in ends))
        for item, start, end in zip(periods, starts, ends, strict=True):
            hours = T["entitlement_unit"](item.get("MeasuredIn")) == "HOURS"
            used = sum((amount(b, hours) for b in bookings if start <= b["StartDate"] <= end), Decimal(0))
            item[CONTEXT] = {**item[CONTEXT], "used": str(used)}
        yield from items

    def _holidays(self, employee_id: str, first: str, last: str) -> list[dict[str, Any]]:
        """The employee's approved holidays (not time off in lieu) starting from `first` to `last`."""
        spec = area_table.AREAS["holiday"]
        fields = {"endpoint": spec.endpoint, "action": spec.action, "EmployeeId": employee_id}
        stream_slice = StreamSlice(
            partition={}, cursor_slice={}, extra_fields=fields | {"StartDate": first, "EndDate": last}
        )
        assert self.holidays is not None
        answer = self.holidays.send_request(stream_slice=stream_slice)
        body = response_json(answer) if answer is not None else {}
        rows = body.get("Result") if body.get("Status", 0) == 0 else None
        out = []
        for row in rows if isinstance(rows, list) else []:
            start = parse_date(row.get("StartDate")) if isinstance(row, Mapping) else None
            approved = start and T["holiday_status"](row.get("Status")) == "APPROVED"
            if approved and not parse_bool(row.get("IsToilHoliday")) and first <= start <= last:
                out.append({**row, "StartDate": start})
        return out


def amount(booking: Mapping[str, Any], hours: bool) -> Decimal:
    """A booking's length in days (``DurationInDays``) or hours (``DurationInMinutes`` / 60)."""
    value = parse_decimal(booking.get("DurationInMinutes" if hours else "DurationInDays"))
    if value is None:
        return Decimal(0)
    return Decimal(value) / 60 if hours else Decimal(value)
