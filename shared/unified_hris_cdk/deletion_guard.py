"""The mass-deletion guard: a sync that would report too much of a stream deleted fails instead.

A provider that answers a listing wrongly but plausibly (an empty list, "no records found", one page
instead of ten) looks to change detection like a tenant that deleted its data. The guard compares
the tombstones a completed sync is about to emit with the records the state knows for the stream;
above the limit the stream fails with a ``config_error``, emits no tombstone and keeps its state, so
nothing is lost and the next sync decides again.

- Limit: more than `max_deletion_percent` of the known records (default `DEFAULT_PERCENT`), once at
  least `MIN_DELETIONS` records would go (small streams churn by whole records); and always when
  every record the state knows would go.
- Override: ``max_deletion_percent: 100`` turns the guard off (for the one sync after a real mass
  deletion, or a setting that now leaves records out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

FIELD = "max_deletion_percent"
DEFAULT_PERCENT = 20
MIN_DELETIONS = 10


def percent_problem(value: Any) -> str | None:
    """Why `value` cannot be `FIELD`, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        return f"use a whole number from 0 to 100 (100 turns the guard off); got {value!r}."
    return None


@dataclass(frozen=True)
class DeletionGuard:
    percent: float = DEFAULT_PERCENT

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> DeletionGuard:
        value = config.get(FIELD)
        return cls(DEFAULT_PERCENT if value is None else float(value))

    def problem(self, stream: str, deleted: int, known: int) -> str | None:
        """Why `deleted` tombstones out of `known` records must not be emitted, or None."""
        if self.percent >= 100 or deleted == 0 or known == 0:
            return None
        share = 100.0 * deleted / known
        if deleted < known and (share <= self.percent or deleted < MIN_DELETIONS):
            return None
        what = (
            f"every one of the {known} records"
            if deleted >= known
            else f"{deleted} of the {known} records ({share:.0f} %, more than the {self.percent:g} % allowed)"
        )
        return (
            f"Stream {stream}: this sync would report {what} the last sync had as deleted. The provider's "
            "answer may have been incomplete, so nothing was reported deleted and the state is unchanged; "
            "the next sync checks again. If the records really are gone (or a setting now leaves them "
            f"out), run one sync with '{FIELD}' set to 100."
        )

    def check(self, stream: str, deleted: int, known: int) -> None:
        problem = self.problem(stream, deleted, known)
        if problem:
            raise AirbyteTracedException(
                message=problem, internal_message=problem, failure_type=FailureType.config_error
            )
