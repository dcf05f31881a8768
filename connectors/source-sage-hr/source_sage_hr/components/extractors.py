"""Record extractors for what one list response cannot say by itself.

- `EmployeesExtractor`: `/employees` and `/terminated-employees` pages (the `/employees` page is the
  one ``employments`` reads, with history arrays, which it drops); adds a leaver's termination
  reason (from the `TerminationMemo`, else one detail call) and, when ``include_custom_fields`` is on,
  the employee's custom fields (one call each). An employee whose call answers 404 (deleted while
  the sync ran, or a glitch) is not emitted: a `kept_record` marker keeps their last record as it was
  (never a tombstone from a failed call); the next sync reads them again, and reports them deleted
  only when the list no longer has them. A leaver whose detail call succeeded but whose custom fields
  answer 404 keeps no custom fields. On an incremental sync the custom-fields calls are limited by
  the stream's refresh budget (`unified_hris_cdk.refresh`): an employee whose list entry is unchanged
  and who was checked more recently than the budget reaches keeps their last record.
- `EmploymentsExtractor`: one record per job-history period, cut from the three history arrays of
  `/employees?team_history=true&employment_status_history=true&position_history=true`.
- `LeaveRequestsExtractor`: leave requests with their policy's name and unit (requests carry only
  ``policy_id``), from one `/leave-management/policies` call per sync.
- `PoliciesExtractor`: each policy of `/leave-management/policies` with the switches of its detail
  (`/leave-management/policies/{id}`, one call per policy).
- `BalancesExtractor`: one record per employee and policy of the individual-allowances report
  (yearly quantity and carry-over) and, when ``include_balance_usage`` is on, of the employee's
  `/employees/{id}/leave-management/balances` (used and available; one call per employee, limited
  by the stream's refresh budget on an incremental sync: an employee whose report entry is unchanged
  and not due keeps their balances as they were).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import InitVar, dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.declarative.requesters.requester import Requester
from airbyte_cdk.sources.types import Config
from unified_hris.parsing import parse_date
from unified_hris_cdk.decoders import response_json
from unified_hris_cdk.partition_routers import records
from unified_hris_cdk.refresh import RefreshPlan, digest
from unified_hris_cdk.scope import SyncScope
from unified_hris_cdk.skips import kept_record, kept_records, skipped_partition

from source_sage_hr.components.terminations import TerminationMemo

logger = logging.getLogger("airbyte")

#: Keys the extractor adds to a raw employee (kept apart from Sage HR's own keys).
TERMINATION_KEY = "termination"
REASON_TYPE_KEY = "termination_reason_type"
CUSTOM_FIELDS_KEY = "custom_fields"
POLICY_KEY = "policy"
#: Keys of a balance record (an eligibility of the allowances report and the balance row of its policy).
BALANCE_EMPLOYEE_KEY = "employee_id"
BALANCE_KEY = "balance"
#: History arrays of `/employees?*_history=true` (employment periods; not part of an employee record).
HISTORIES = {"position": "position_history", "team": "team_history", "status": "employment_status_history"}
HISTORY_KEYS = frozenset(HISTORIES.values())
#: The `SyncScope` key of the termination reasons' types, by reason name.
REASON_TYPES = "source_sage_hr.termination_reason_types"


def _data(response: requests.Response) -> Any:
    return response_json(response).get("data")


@dataclass
class EmployeesExtractor(RecordExtractor):
    """``requester`` makes the per-employee calls (its error handler ignores 404); the parent of
    ``termination_reasons`` is the manifest's ``/termination-reasons`` listing (the CDK builds a stream
    inside a custom component only as a ``ParentStreamConfig``'s), read once per sync when a leaver's
    reason is first needed. ``refresh_stream`` names the stream whose refresh plan limits the
    custom-fields calls (the factory hands it as ``refresh_plan``)."""

    requester: Requester
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    termination_memo: TerminationMemo | None = None
    termination_reasons: SubstreamPartitionRouter | None = None
    scope: SyncScope = field(default_factory=SyncScope)
    refresh_plan: RefreshPlan | None = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if self.termination_memo is None:
            self.termination_memo = TerminationMemo()
        if self.refresh_plan is None:  # built without the connector's factory: never started, reads all
            self.refresh_plan = RefreshPlan()

    def _get(self, path: str, what: str) -> requests.Response | None:
        response = self.requester.send_request(path=path)
        if response is None or response.status_code == 404:
            logger.info("Sage HR has no %s any more (HTTP 404, deleted during the sync?): skipped.", what)
            return None
        return response

    def _reason_type(self, reason: str | None) -> str | None:
        """The type (voluntary/involuntary) of a reason name, from `/termination-reasons` (read once)."""
        if reason is None:
            return None
        return self.scope.once(REASON_TYPES, self._read_reason_types).get(reason)

    def _read_reason_types(self) -> dict[str, str | None]:
        listings = self.termination_reasons.parent_stream_configs if self.termination_reasons else []
        return {
            str(record.data.get("name")): record.data.get("type")
            for parent in listings
            for record in records(parent)
        }

    def _termination(self, employee_id: str, entry: str) -> tuple[str | None, str | None] | None:
        """The leaver's (reason, type), from the memo while their list entry (digest `entry`) is unchanged."""
        assert self.termination_memo is not None
        known = self.termination_memo.get(employee_id, entry)
        if known is not None:
            return known
        response = self._get(f"terminated-employees/{employee_id}", f"terminated employee {employee_id}")
        if response is None:
            return None
        reason = ((_data(response) or {}).get("termination") or {}).get("reason") or None
        kind = self._reason_type(reason)
        self.termination_memo.put(employee_id, entry, reason, kind)
        return reason, kind

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        leavers = urlsplit(response.url).path.rstrip("/").endswith("/terminated-employees")
        custom = self.config.get("include_custom_fields", True)
        for item in _data(response) or []:
            record = {key: value for key, value in item.items() if key not in HISTORY_KEYS}
            # the list entry's digest: the leaver memo's and the refresh plan's key to "unchanged"
            employee_id, entry = str(item["id"]), digest(item) if leavers or custom else ""
            if leavers:
                termination = self._termination(employee_id, entry)
                if termination is None:
                    yield kept_record(employee_id, "the leaver's detail call answered 404")
                    continue
                record[TERMINATION_KEY] = {"reason": termination[0]}
                record[REASON_TYPE_KEY] = termination[1]
            if custom:
                assert self.refresh_plan is not None
                if not self.refresh_plan.wants(employee_id, entry):
                    yield kept_record(employee_id, "unchanged, and not due for a re-check (refresh budget)")
                    continue
                fields = self._get(
                    f"employees/{employee_id}/custom-fields", f"custom fields of employee {employee_id}"
                )
                if fields is not None:
                    record[CUSTOM_FIELDS_KEY] = _data(fields) or []
                    self.refresh_plan.checked(employee_id, entry)
                elif not leavers:  # an active employee deleted during the sync, or a glitch
                    yield kept_record(employee_id, "the custom-fields call answered 404")
                    continue
                # A leaver's detail call just succeeded: Sage HR keeps no custom fields for them [U].
            yield record


# -- employments -------------------------------------------------------------------------------------


def _segments(rows: Any) -> list[tuple[date, date | None, Mapping[str, Any]]]:
    out = []
    for row in rows if isinstance(rows, list) else []:
        start = parse_date(row.get("start_date")) if isinstance(row, Mapping) else None
        if start is None:
            continue
        end = parse_date(row.get("end_date"))
        out.append((date.fromisoformat(start), date.fromisoformat(end) if end else None, row))
    return out


def periods(employee: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Cut an employee's history arrays into periods in which position, team and status are constant.

    Every start date, and every day after an end date, is a boundary; a period takes from each array
    the row covering its first day (none when that array has a gap). Open-ended rows (``end_date``
    null, or unparseable such as S1's ``201-01-01``) run to the next boundary or stay open.
    """
    histories = {name: _segments(employee.get(key)) for name, key in HISTORIES.items()}
    boundaries = sorted(
        {start for rows in histories.values() for start, _, _ in rows}
        | {end + timedelta(days=1) for rows in histories.values() for _, end, _ in rows if end}
    )
    out = []
    for index, first in enumerate(boundaries):
        covering = {
            name: row
            for name, rows in histories.items()
            for start, end, row in rows
            if start <= first and (end is None or end >= first)
        }
        if not covering:
            continue
        following = boundaries[index + 1] if index + 1 < len(boundaries) else None
        last = following - timedelta(days=1) if following else None
        out.append(
            {
                "employee_id": employee.get("id"),
                "effective_date": first.isoformat(),
                "end_date": last.isoformat() if last else None,
                **{name: dict(row) for name, row in covering.items()},
            }
        )
    return out


@dataclass
class EmploymentsExtractor(RecordExtractor):
    parameters: InitVar[Mapping[str, Any]]

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        for employee in _data(response) or []:
            yield from periods(employee)


@dataclass
class LeaveRequestsExtractor(RecordExtractor):
    """``requester`` reads `/leave-management/policies` (one unpaginated call, on the first request)."""

    requester: Requester
    parameters: InitVar[Mapping[str, Any]]
    _policies: dict[Any, dict[str, Any]] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _policy(self, policy_id: Any) -> dict[str, Any] | None:
        with self._lock:  # windows are read by several threads; the list is fetched once
            if self._policies is None:
                response = self.requester.send_request(path="leave-management/policies")
                rows = (
                    _data(response) if response is not None and response.status_code == 200 else None
                ) or []
                self._policies = {p.get("id"): {"name": p.get("name"), "unit": p.get("unit")} for p in rows}
            return self._policies.get(policy_id)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        for item in _data(response) or []:
            record = dict(item)
            policy = self._policy(item.get("policy_id"))
            if policy is not None:
                record[POLICY_KEY] = policy
            yield record


@dataclass
class PoliciesExtractor(RecordExtractor):
    """``requester`` reads a policy's detail (its error handler ignores 404: a policy deleted during
    the sync keeps its last record)."""

    requester: Requester
    parameters: InitVar[Mapping[str, Any]]

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        for item in _data(response) or []:
            detail = self.requester.send_request(path=f"leave-management/policies/{item['id']}")
            rows = _data(detail) if detail is not None and detail.status_code == 200 else None
            if not rows:
                yield kept_record(item["id"], "the policy's detail call answered 404")
                continue
            yield {**rows[0], **item}  # the detail wraps one object in an array [V]


@dataclass
class BalancesExtractor(RecordExtractor):
    """``requester`` reads an employee's balances (its error handler ignores 404). An employee whose
    call answers 404 (deleted during the sync) leaves the report not read completely: no balance is
    reported deleted this sync, and the next one sees whether the employee is gone. ``refresh_stream``
    names the stream whose refresh plan limits the per-employee calls (handed as ``refresh_plan``)."""

    requester: Requester
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    refresh_plan: RefreshPlan | None = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if self.refresh_plan is None:  # built without the connector's factory: never started, reads all
            self.refresh_plan = RefreshPlan()

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        usage = self.config.get("include_balance_usage", True)
        plan = self.refresh_plan
        assert plan is not None
        for item in _data(response) or []:
            employee_id = item["id"]
            key, entry = str(employee_id), digest(item)
            if usage and not plan.wants(key, entry):
                yield kept_records(f"{employee_id}:", "unchanged, and not due for a re-check (refresh budget)")
                continue
            rows: dict[Any, dict[str, Any]] = {}
            for eligibility in item.get("eligibilities") or []:
                policy = eligibility.get("policy") or {}
                rows[policy.get("id")] = {BALANCE_EMPLOYEE_KEY: employee_id, **eligibility}
            if usage:
                balances = self.requester.send_request(path=f"employees/{employee_id}/leave-management/balances")
                if balances is None or balances.status_code != 200:
                    yield skipped_partition(f"the balances of employee {employee_id} answered 404")
                    continue
                for row in _data(balances) or []:
                    policy_id = row.get("policy_id")
                    base = rows.setdefault(
                        policy_id, {BALANCE_EMPLOYEE_KEY: employee_id, POLICY_KEY: {"id": policy_id}}
                    )
                    base[BALANCE_KEY] = row
                plan.checked(key, entry)
            yield from rows.values()
