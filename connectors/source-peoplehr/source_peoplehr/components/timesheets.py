"""Work entries from one PeopleHR timesheet day (``GetTimesheetDetail``).

A day holds up to 15 clock-in/out pairs, ``TimeIn1``/``TimeOut1`` to ``TimeIn15``/``TimeOut15``
(``HH:mm``, UK local time [I]; ``""`` when unused). Each pair with a clock-in is a work entry (an open
one has no clock-out); the gap between a pair's clock-out and the next pair's clock-in is a break:
PeopleHR records no break rows. A clock-out earlier than its clock-in is on the next day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from unified_hris.parsing import clean_str, parse_date

PAIRS = 15


def _local(day: str, clock: str, after: str | None = None) -> str | None:
    """``YYYY-MM-DDTHH:MM`` of `clock` on `day`, on the next day when earlier than `after`."""
    try:
        moment = datetime.combine(date.fromisoformat(day), datetime.strptime(clock, "%H:%M").time())
    except ValueError:
        return None
    if after is not None and moment < datetime.fromisoformat(after):
        moment += timedelta(days=1)
    return moment.isoformat(timespec="minutes")


def entries(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The day's work entries and breaks: ``{kind, slot, start, end}`` (a break also names the ``next``
    slot), local times (end None when open)."""
    day = parse_date(row.get("TimesheetDate"))
    if day is None:
        return []
    pairs: list[tuple[int, str, str | None]] = []
    for slot in range(1, PAIRS + 1):
        start = _local(day, clean_str(row.get(f"TimeIn{slot}")) or "")
        if start is None:
            continue
        if pairs and pairs[-1][2] is not None and start < pairs[-1][2]:
            start = _local(day, start[11:], pairs[-1][2])  # past midnight
        end_clock = clean_str(row.get(f"TimeOut{slot}"))
        end = _local(day, end_clock, start) if end_clock else None
        pairs.append((slot, str(start), end))
    out = []
    for index, (slot, start, end) in enumerate(pairs):
        out.append({"kind": "work", "slot": slot, "start": start, "end": end})
        following = pairs[index + 1] if index + 1 < len(pairs) else None
        if end is not None and following is not None:
            out.append({"kind": "break", "slot": slot, "next": following[0], "start": end, "end": following[1]})
    return out
