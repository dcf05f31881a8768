"""An employee's job history, from their detail (``GetEmployeeDetailById``): PeopleHR fills the history
of each effective-dated field only there, never in the list call.

Job role (``FieldHistoryForJobRole``), department, employment type and location
(``FieldHistoryForEffectiveDate``) each give ``(effective date, value)`` rows; every effective date is a
boundary, and a period takes each field's latest value from on or before its first day. A field without
history keeps its current value (``DisplayValue``) for the whole employment. A period ends the day before
the next one starts; the last one on the leaving date, if any.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from unified_hris.parsing import clean_str, parse_date

from source_peoplehr.components.shapes import display

#: unified field -> (PeopleHR field, history key, value key of a history row)
FIELDS = {
    "job_title": ("JobRole", "FieldHistoryForJobRole", "JobRole"),
    "department": ("Department", "FieldHistoryForEffectiveDate", "FieldData"),
    "employment_type": ("EmploymentType", "FieldHistoryForEffectiveDate", "FieldData"),
    "location": ("Location", "FieldHistoryForEffectiveDate", "FieldData"),
}


def _history(raw: Mapping[str, Any], name: str, key: str, value: str) -> list[tuple[str, str | None]]:
    """(effective date, value) rows of one field, oldest first."""
    wrapper = raw.get(name)
    rows = wrapper.get(key) if isinstance(wrapper, Mapping) else None
    out = []
    for row in rows if isinstance(rows, list) else []:
        day = parse_date(row.get("EffectiveDate")) if isinstance(row, Mapping) else None
        if day:
            out.append((day, clean_str(row.get(value))))
    return sorted(out)


def periods(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The employee's job-history periods: ``{effective_date, end_date, <field>: value}``."""
    start = parse_date(display(raw, "StartDate"))
    leaving = parse_date(raw.get("LeavingDate"))
    histories = {field: _history(raw, *spec) for field, spec in FIELDS.items()}
    boundaries = sorted(
        {day for rows in histories.values() for day, _ in rows} | ({start} if start else set())
    )
    if start:
        boundaries = [day for day in boundaries if day >= start]
    out = []
    for index, first in enumerate(boundaries):
        following = boundaries[index + 1] if index + 1 < len(boundaries) else None
        period: dict[str, Any] = {
            "effective_date": first,
            "end_date": (date.fromisoformat(following) - timedelta(days=1)).isoformat()
            if following
            else leaving,
        }
        for field, rows in histories.items():
            known = [value for day, value in rows if day <= first]
            period[field] = known[-1] if known else (rows[0][1] if rows else display(raw, FIELDS[field][0]))
        out.append(period)
    return out
