"""Public holidays: one record per day off of each holiday calendar, with who follows the calendar.

``GET /schedule/v1/holiday-calendar`` lists the calendars with their days (``dayOff[{id, name,
date}]``); ``GET /schedule/v1/holidays/{holidayCalendarId}/employees`` lists the employees a calendar
is assigned to (paged). That costs one call per calendar, where ``GET /schedule/v1/holidays`` (an
employee's holidays of a year, both required) would cost one per employee and year. `HolidayDays`
hands each day over with its calendar and the calendar's employee ids as the record's context.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

import requests
from airbyte_cdk.sources.declarative.requesters.requester import Requester
from unified_hris.mapping import RECORD_CONTEXT
from unified_hris_cdk.extractors import KeyPathExtractor
from unified_hris_cdk.skips import kept_record

from .envelope import every_row


@dataclass
class HolidayDays(KeyPathExtractor):
    """``extractor: {type: CustomRecordExtractor, class_name: ...HolidayDays, field_path: [data],
    requester: <HttpRequester>}``: the days off of each calendar on the page, from ``start_date``."""

    requester: Requester | None = None

    def _members(self, calendar_id: str) -> list[str] | None:
        """The ids of the calendar's employees, every page; None when a page was refused (404: the
        calendar was deleted meanwhile)."""
        if self.requester is None:
            return []
        path = f"/schedule/v1/holidays/{calendar_id}/employees"
        rows = every_row(self.requester, path, self.config.get("page_size", 500))
        return None if rows is None else sorted({str(r["id"]) for r in rows if r.get("id")})

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        since = str(self.config.get("start_date") or "")[:10]
        for calendar in super().extract_records(response):
            days = [
                d
                for d in calendar.get("dayOff") or []
                if isinstance(d, MutableMapping) and d.get("id") and str(d.get("date") or "") >= since
            ]
            if not days or not calendar.get("id"):
                continue
            members = self._members(str(calendar["id"]))
            about = {k: v for k, v in calendar.items() if k != "dayOff"}
            for day in days:
                if members is None:
                    yield kept_record(day["id"], "its calendar's employees could not be read")
                    continue
                day[RECORD_CONTEXT] = {"calendar": about, "employee_ids": members}
                yield day
