"""Conventions shared by every unified record: ids, canonical hashing and the envelope."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

#: Airbyte's deletion column: set on a tombstone, so Append + Deduped destinations delete the row.
CDC_DELETED_AT = "_ab_cdc_deleted_at"
#: Fields left out of `record_hash`: they change without the record's content changing.
VOLATILE_FIELDS = frozenset({"modified_at", "record_hash", "remote_data", CDC_DELETED_AT})

_HASH_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def build_id(source: str, tenant_id: str, obj: str, remote_id: str) -> str:
    """Deterministic unified id: ``{source}:{tenant}:{object}:{remote_id}``.

    Stateless and stable across syncs and machines; distinct tenants never collide.
    """
    return f"{source}:{tenant_id}:{obj}:{remote_id}"


def canonical_hash(record: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of a record (sorted keys), volatile fields excluded."""
    payload = (
        record
        if type(record) is dict and VOLATILE_FIELDS.isdisjoint(record)
        else {k: v for k, v in record.items() if k not in VOLATILE_FIELDS}
    )
    try:  # the same bytes; orjson is quicker without its non-string-key mode (only needed for such keys)
        canonical = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        canonical = orjson.dumps(payload, option=_HASH_OPTIONS)
    return hashlib.sha256(canonical).hexdigest()


def format_timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds and a trailing Z, the one timestamp format of the records."""
    return datetime.isoformat(moment.astimezone(UTC), timespec="microseconds")[:-6] + "Z"


_clock_lock = threading.Lock()
_run_started_at: datetime | None = None
_sync_started_at: str | None = None
_clock_floor: datetime | None = None


def parse_timestamp(text: str) -> datetime:
    """A record timestamp (`format_timestamp`'s, or any ISO 8601 with an offset) as an aware datetime;
    ValueError for anything else."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


def run_started_at() -> datetime:
    """This machine's clock when the process first asked: the start of this run, as the clock says."""
    global _run_started_at
    with _clock_lock:
        if _run_started_at is None:
            _run_started_at = datetime.now(UTC)
        return _run_started_at


def raise_clock_floor(moment: datetime) -> None:
    """Promise that this sync's records are stamped no earlier than `moment` (the latest `modified_at`
    a previous sync emitted, from its state). Call it before the first `sync_started_at`; later, the
    promise must already hold (several syncs in one process share one clock)."""
    global _clock_floor
    with _clock_lock:
        if _sync_started_at is not None:
            if parse_timestamp(_sync_started_at) < moment:
                raise RuntimeError("the sync clock is already fixed, before a state's last emission")
            return
        _clock_floor = moment if _clock_floor is None else max(_clock_floor, moment)


def sync_started_at() -> str:
    """The `modified_at` of every record this process emits, fixed at first use: the run's start, or just
    after the clock floor when the clock is behind it, so a record's `modified_at` never goes back."""
    global _sync_started_at
    if _sync_started_at is not None:  # every record asks: no lock once it is set
        return _sync_started_at
    started = run_started_at()
    with _clock_lock:
        if _sync_started_at is None:
            floor = _clock_floor + timedelta(microseconds=1) if _clock_floor is not None else started
            _sync_started_at = format_timestamp(max(started, floor))
        return _sync_started_at


def envelope(
    *,
    source: str,
    tenant_id: str,
    obj: str,
    remote_id: Any,
    fields: Mapping[str, Any],
    remote_data: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Wrap mapped model fields in the shared envelope and hash them.

    `fields` holds the stream's own fields (and may set `remote_created_at`, `remote_updated_at`,
    `custom_fields`, `remote_id_is_synthetic`). `remote_data` is attached after hashing.
    """
    rid = str(remote_id)
    record: dict[str, Any] = {
        "id": build_id(source, tenant_id, obj, rid),
        "remote_id": rid,
        "source": source,
        "tenant_id": tenant_id,
        "remote_deleted_at": None,
        "is_deleted": False,
    }
    record.update(fields)
    record["record_hash"] = canonical_hash(record)
    record["modified_at"] = sync_started_at()
    if remote_data is not None:
        record["remote_data"] = remote_data
    return record


def tombstone(record_id: str, deleted_at: str) -> dict[str, Any]:
    """A deletion record for a unified id that vanished from a complete listing. It carries Airbyte's
    `CDC_DELETED_AT` too, which Append + Deduped destinations read as "delete this row"."""
    source, tenant_id, _obj, remote_id = record_id.split(":", 3)
    record: dict[str, Any] = {
        "id": record_id,
        "remote_id": remote_id,
        "source": source,
        "tenant_id": tenant_id,
        "remote_deleted_at": deleted_at,
        "is_deleted": True,
    }
    record["record_hash"] = canonical_hash(record)
    record["modified_at"] = deleted_at
    record[CDC_DELETED_AT] = deleted_at
    return record
