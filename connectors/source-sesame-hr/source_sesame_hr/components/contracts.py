"""Each employee's contracts: where Sesame keeps the facts of an employment.

``GET /contract/v1/contracts/{employeeId}`` is the only source of an employee's start and end dates,
hire (seniority) date, contract and workday type, weekly hours, FTE and hours per weekday; the employee
object has none of them. In the current vendor docs (H2) a contract carries ``startAt``/``endAt``
beside H1's ``startDate``/``endDate`` and all those fields; both shapes are read.

`ContractBook` reads one employee's contracts through a requester of the manifest marked ``use_cache:
true`` and sends exactly the requests of the ``employments`` stream's paginator (``limit``, then
``page``), so the pages several streams read come from the sync's one list cache: one call per employee
and sync, whichever of ``employees``, ``employments`` and ``time_off_requests`` are selected. The
extractors below attach what their mappers need as the record's context (`RECORD_CONTEXT`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import requests
from airbyte_cdk.sources.declarative.requesters.requester import Requester
from airbyte_cdk.sources.types import Config
from unified_hris.mapping import RECORD_CONTEXT
from unified_hris.parsing import parse_date, parse_decimal
from unified_hris_cdk.extractors import KeyPathExtractor
from unified_hris_cdk.scope import SyncScope
from unified_hris_cdk.skips import kept_record

from source_sesame_hr.components.envelope import every_row
from source_sesame_hr.components.joins import JoinedRecords

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Without ``workDays``, a contract's weekly hours are spread over Monday to Friday.
DEFAULT_WORK_DAYS = 5
#: The `SyncScope` key prefix of an employee's contract periods (`RequestsWithDayLength`).
CONTRACT_PERIODS = "source_sesame_hr.contract_periods"


def period(contract: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """A contract's first and last day (H2 ``startAt``/``endAt``, else H1 ``startDate``/``endDate``)."""
    start = parse_date(contract.get("startAt")) or parse_date(contract.get("startDate"))
    end = parse_date(contract.get("endAt")) or parse_date(contract.get("endDate"))
    return start, end


def ordered(contracts: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Contracts with a start date, oldest first."""
    dated = [c for c in contracts if isinstance(c, Mapping) and period(c)[0]]
    return sorted(dated, key=lambda c: (period(c)[0], str(c.get("id") or "")))


def current(contracts: list[Mapping[str, Any]], today: date) -> Mapping[str, Any] | None:
    """The contract in force `today`; else the latest one begun (a leaver's last); else the first one
    (a future starter's). `contracts` as `ordered` gives them."""
    day = today.isoformat()
    begun = [c for c in contracts if str(period(c)[0]) <= day]
    in_force = [c for c in begun if period(c)[1] is None or str(period(c)[1]) >= day]
    chosen = in_force or begun or contracts[:1]
    return chosen[-1] if chosen else None


def employment_start(contracts: list[Mapping[str, Any]]) -> str | None:
    """The first day of the latest unbroken run of contracts (a rehire after a gap starts a new run).
    `contracts` as `ordered` gives them."""
    start: str | None = None
    reach: date | None = None  # the last day the run covers so far; None: open-ended
    for contract in contracts:
        first, last = period(contract)
        if first is None:
            continue
        if start is None or (reach is not None and date.fromisoformat(first) > reach + timedelta(days=1)):
            start, reach = first, date.fromisoformat(last) if last else None
        elif reach is not None:
            reach = None if last is None else max(reach, date.fromisoformat(last))
    return start


def hours_on(contract: Mapping[str, Any], day: date) -> Decimal | None:
    """The contract's working hours on `day`: its ``workDays`` entry for that weekday (H2), else its
    weekly hours spread over Monday to Friday; None when the contract gives neither."""
    work_days = contract.get("workDays")
    if isinstance(work_days, list) and work_days:
        name = WEEKDAYS[day.weekday()]
        for entry in work_days:
            if isinstance(entry, Mapping) and str(entry.get("day") or "").lower() == name:
                hours = parse_decimal(entry.get("hours", entry.get("hour")))
                return Decimal(hours) if hours is not None else None
        return Decimal(0)
    weekly = parse_decimal(contract.get("weeklyHours"))
    if weekly is None or day.weekday() >= DEFAULT_WORK_DAYS:
        return None if weekly is None else Decimal(0)
    return Decimal(weekly) / DEFAULT_WORK_DAYS


@dataclass
class ContractBook:
    """``contracts: {type: ..., requester: <HttpRequester>}``: an employee's contracts, every page."""

    requester: Requester
    config: Config

    def of(self, employee_id: str) -> list[dict[str, Any]] | None:
        """Every contract of the employee; None when a page was refused (the error handler ignores a
        404: the employee was deleted meanwhile, or the call failed): its contract facts are unknown."""
        return every_row(self.requester, f"/contract/v1/contracts/{employee_id}", self.config.get("page_size", 500))


def _reads_contracts(config: Config) -> bool:
    return bool(config.get("read_contracts", True))


@dataclass
class EmployeesWithContracts(JoinedRecords):
    """Employees, each with its links (`JoinedRecords`) and its contracts as context (``read_contracts:
    false``: without contracts). An employee
    whose contracts could not be read is kept as the state knew it (`skips.kept_record`), never emitted
    without its contract facts."""

    requester: Requester | None = None

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        book = ContractBook(self.requester, self.config) if self.requester is not None else None
        for record in super().extract_records(response):
            if book is not None and _reads_contracts(self.config) and record.get("id"):
                contracts = book.of(str(record["id"]))
                if contracts is None:
                    yield kept_record(record["id"], "its contracts could not be read")
                    continue
                record.setdefault(RECORD_CONTEXT, {})["contracts"] = contracts
            yield record


@dataclass
class RequestsWithDayLength(KeyPathExtractor):
    """Day-off requests, each with the working hours of its employee on each of its days (from the
    contract in force that day) as context, so that a partial day counts as part of a day. A request
    whose employee's contracts could not be read is kept as the state knew it (`skips.kept_record`)."""

    requester: Requester | None = None
    scope: SyncScope = field(default_factory=SyncScope)

    def _contracts(self, employee_id: str) -> list[tuple[str, str | None, Mapping[str, Any]]] | None:
        """The employee's contract periods (first day, last day, hours by weekday or weekly hours); None
        when its contracts could not be read. Both partitions (vacation, absence) ask: the sync's scope
        reads each employee's contracts once, holding up only a caller asking for the same employee."""
        return self.scope.once(f"{CONTRACT_PERIODS}:{employee_id}", lambda: self._read_periods(employee_id))

    def _read_periods(self, employee_id: str) -> list[tuple[str, str | None, Mapping[str, Any]]] | None:
        contracts = ContractBook(self.requester, self.config).of(employee_id) if self.requester else None
        if contracts is None:
            return None
        return [
            (str(period(c)[0]), period(c)[1], {k: c.get(k) for k in ("workDays", "weeklyHours")})
            for c in ordered(contracts)
        ]

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        for record in super().extract_records(response):
            employee = record.get("employee") or {}
            if self.requester is not None and _reads_contracts(self.config) and employee.get("id"):
                contracts = self._contracts(str(employee["id"]))
                if contracts is None:
                    yield kept_record(record.get("id"), "its employee's contracts could not be read")
                    continue
                seconds: dict[str, int] = {}
                for entry in record.get("daysOff") or []:
                    day = parse_date(entry.get("date")) if isinstance(entry, Mapping) else None
                    for first, last, hours in contracts:
                        if day and first <= day and (last is None or day <= last):
                            on_day = hours_on(hours, date.fromisoformat(day))
                            if on_day:
                                seconds[day] = int(on_day * 3600)
                record[RECORD_CONTEXT] = {"day_seconds": seconds}
            yield record
