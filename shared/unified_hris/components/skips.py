"""Markers for what a sync could not read: a record extractor yields one in place of records it could
not get, and the change-detection cursor keeps what the state knew instead of reporting a deletion.

- `skipped_partition`: the slice's listing was not read (a per-employee call answered 404 or an
  error envelope): the scope keeps its fingerprints, no id of it is tombstoned, and it is read again
  next sync.
- `kept_record`: one record of a listing could not be completed (a per-employee detail call failed):
  its last fingerprint is kept, it is not tombstoned, and it is emitted when it is read whole again.

A marker travels the record path like a record (transformations leave it as it is) and stops at the
cursor, which never emits it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MARKER = "__unified_hris_skipped__"


def skipped_partition(reason: str) -> dict[str, Any]:
    return {MARKER: reason}


def kept_record(remote_id: Any, reason: str) -> dict[str, Any]:
    return {MARKER: reason, "remote_id": str(remote_id)}


def is_marker(record: Mapping[str, Any]) -> bool:
    return MARKER in record
