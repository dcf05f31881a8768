"""What a provider mapper receives (the config, the slice, helpers to build unified foreign keys) and
the derivations every connector's mappers share (`is_current`, `annualized_amount`, `employment_type`,
`working_days`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from unified_hris.conventions import build_id
from unified_hris.parsing import parse_money

#: A mapper turns one raw provider record into the unified fields of one record.
#: It returns the stream's own fields plus ``remote_id``; the envelope is added for it.
Mapper = Callable[[Mapping[str, Any], "MappingContext"], Mapping[str, Any]]

#: The key under which an extractor hands a mapper what the raw record alone does not say (whose row it
#: is, what a join found): `UnifiedRecord` takes it out of the record (so it never reaches
#: ``remote_data``) and passes it as `MappingContext.record`.
RECORD_CONTEXT = "__context"


@dataclass(frozen=True)
class MappingContext:
    source: str
    tenant_id: str
    config: Mapping[str, Any] = field(default_factory=dict)
    stream_slice: Mapping[str, Any] = field(default_factory=dict)
    #: The record's own context (`RECORD_CONTEXT`), empty when the extractor gave none.
    record: Mapping[str, Any] = field(default_factory=dict)

    def ref(self, obj: str, remote_id: Any) -> str | None:
        """The unified id of another object of this tenant (None when `remote_id` is empty)."""
        if remote_id is None or remote_id == "":
            return None
        return build_id(self.source, self.tenant_id, obj, str(remote_id))

    def refs(self, obj: str, remote_ids: Any) -> list[str]:
        return [r for r in (self.ref(obj, rid) for rid in (remote_ids or [])) if r is not None]


#: `employment_type` of a worker type that is not an employee's (an employee's is the time type).
_NON_EMPLOYEE_TYPES = {"CONTRACTOR": "CONTRACTOR", "INTERN": "INTERN", "FREELANCE": "FREELANCE"}


def employment_type(worker_type: str | None, time_type: str | None) -> str | None:
    """The one-axis ``employment_type`` (Merge's) from the two axes: an employee's time type
    (FULL_TIME, PART_TIME), CONTRACTOR, INTERN or FREELANCE, OTHER for any other known worker type."""
    if worker_type == "EMPLOYEE" and time_type:
        return time_type
    if worker_type is None:
        return None
    return _NON_EMPLOYEE_TYPES.get(worker_type, "OTHER")


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days from `start` to `end`, both included: the day count of a leave that a
    provider gives in dates only (public holidays and personal work patterns are not known)."""
    if end < start:
        return 0
    whole_weeks, rest = divmod((end - start).days + 1, 7)
    return whole_weeks * 5 + sum(1 for n in range(rest) if (start + timedelta(days=n)).weekday() < 5)


def today() -> date:
    """Today's date in UTC: what "current", "future" and "in force" are measured against in every mapper."""
    return datetime.now(UTC).date()


def is_current(start: str | None, end: str | None) -> bool | None:
    """Whether the period from `start` to `end` (ISO dates, `end` included, None for open) holds today
    (UTC); None when the start is not known."""
    if start is None:
        return None
    day = today().isoformat()
    return start <= day and (end is None or end >= day)


def annualized_amount(amount: str | None, per_year: int | float | Decimal | None) -> str | None:
    """`amount` (a `parse_money` string) times the payments per year, as money; None when either is missing."""
    if amount is None or not per_year:
        return None
    return parse_money(Decimal(amount) * Decimal(per_year))
