"""The employee list every PeopleHR stream starts from, fetched once per sync.

`GetAllEmployeeDetail` is PeopleHR's only list call and feeds every stream (employees, departments,
locations, and the per-employee fan-outs). It is fetched at most once per sync (kept in the sync's
`unified_hris_cdk.scope.SyncScope`) and shared, so a sync costs one list call however many streams are
selected. The request goes through the manifest's ``HttpRequester`` definition, i.e. through the error handler and
the one API budget of the sync.

The rules deciding which employees a per-employee call is made for live here too (see `needs_read`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.types import StreamSlice
from unified_hris.parsing import parse_date, parse_decimal
from unified_hris_cdk.decoders import response_json
from unified_hris_cdk.refresh import digest
from unified_hris_cdk.scope import SyncScope

from source_peoplehr.components.shapes import display

logger = logging.getLogger("airbyte")

#: A leaver's per-employee data is re-read until this long after the leaving date has passed the
#: start of the last complete sync (late payroll and absence corrections); then it is settled.
SETTLE_AFTER = timedelta(days=31)
#: Holidays and absences are read up to this far ahead of today.
HORIZON = timedelta(days=366)


@dataclass(frozen=True)
class Person:
    employee_id: str  # EmployeeId: what per-employee actions take; can be renamed
    key: str  # UniqueKey when sent, else EmployeeId: the stable key of unified ids
    start: date | None
    leaving: date | None
    raw: Mapping[str, Any]
    digest: str  # of `raw`: whether the employee changed since the refresh budget last checked them

    def left_by(self, day: date) -> bool:
        return self.leaving is not None and self.leaving <= day


@dataclass(frozen=True)
class Window:
    """The dates time off is read for: from the configured start date to today + `HORIZON`."""

    start: date
    end: date

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Window:
        return cls(date.fromisoformat(config["start_date"]), datetime.now(UTC).date() + HORIZON)

    def overlaps(self, start: date | None, end: date | None) -> bool:
        return (start is None or start <= self.end) and (end is None or end >= self.start)


def needs_read(person: Person, window: Window, last_sync: datetime | None) -> bool:
    """Whether a per-employee call for `person` can return data this sync.

    No call for someone who left before the window starts or starts after it ends; on an incremental
    sync, none either for a leaver whose leaving date is more than `SETTLE_AFTER` before the start of
    the last complete sync (that sync, or an earlier one, read them after they had left).
    """
    if not window.overlaps(person.start, person.leaving):
        return False
    return not (
        last_sync is not None
        and person.leaving is not None
        and person.leaving < last_sync.date() - SETTLE_AFTER
    )


class Directory:
    """The employees of one sync, by EmployeeId; built from one `GetAllEmployeeDetail` result."""

    def __init__(self, employees: list[Mapping[str, Any]]) -> None:
        people = []
        for raw in employees:
            employee_id = display(raw, "EmployeeId")
            if employee_id is None:
                continue
            key = raw.get("UniqueKey")
            people.append(
                Person(
                    employee_id=employee_id,
                    key=str(key).strip() if isinstance(key, str) and key.strip() else employee_id,
                    start=as_date(display(raw, "StartDate")),
                    leaving=as_date(display(raw, "LeavingDate")),
                    raw=raw,
                    digest=digest(raw),
                )
            )
        self.people: tuple[Person, ...] = tuple(people)
        self.by_employee_id: dict[str, Person] = {p.employee_id: p for p in people}

    def key_of(self, employee_id: str | None) -> str | None:
        """The stable key of the employee known as `employee_id` (itself when not listed)."""
        if not employee_id:
            return None
        person = self.by_employee_id.get(employee_id)
        return person.key if person else employee_id


#: The working day when PeopleHR does not give an employee's own (config ``hours_per_day``).
DEFAULT_HOURS_PER_DAY = Decimal("7.5")


def hours_per_day(person: Person, config: Mapping[str, Any]) -> Decimal:
    """The hours of `person`'s working day: their holiday allowance in minutes over the same allowance
    in days (``HolidayAllowanceMins`` / ``HolidayAllowanceDays``), when PeopleHR gives both; else the
    config's ``hours_per_day``."""
    days = parse_decimal(display(person.raw, "HolidayAllowanceDays"))
    minutes = parse_decimal(display(person.raw, "HolidayAllowanceMins"))
    if days and minutes and Decimal(days) > 0 and Decimal(minutes) > 0:
        return (Decimal(minutes) / Decimal(days) / 60).quantize(Decimal("0.01"))
    return Decimal(str(config.get("hours_per_day", DEFAULT_HOURS_PER_DAY)))


def as_date(value: Any) -> date | None:
    """A `date` from anything `parse_date` reads, or None."""
    text = parse_date(value)
    return date.fromisoformat(text) if text else None


def _result(requester: HttpRequester) -> Any:
    response = requester.send_request(stream_slice=StreamSlice(partition={}, cursor_slice={}))
    if response is None:
        return None
    body = response_json(response)
    if body.get("Status", 0) == 10:
        # Taken as an empty company only where the state knows no employee: the deletion guard
        # (unified_hris_cdk.deletion_guard) refuses to report a known tenant deleted.
        logger.warning("PeopleHR answered the employee list with Status 10 (%s).", body.get("Message"))
        return None
    return body.get("Result")


#: The `SyncScope` key of the sync's `Directory`.
DIRECTORY = "source_peoplehr.directory"


def directory(scope: SyncScope, employee_list: HttpRequester) -> Directory:
    """This sync's employees: `GetAllEmployeeDetail` through `employee_list` the first time the sync's
    scope is asked. A failed fetch is remembered, so streams after the first fail without another call."""
    return scope.once(DIRECTORY, lambda: Directory(list(_result(employee_list) or [])), remember_error=True)
