"""Markers for what a sync could not read: a record extractor yields one in place of records it could
not get, and the change-detection cursor keeps what the state knew instead of reporting a deletion.

- `skipped_partition`: the slice's listing was not read (a per-employee call answered 404 or an
  error envelope): the scope keeps its fingerprints, no id of it is tombstoned, and it is read again
  next sync.
- `kept_record`: one record of a listing could not be completed (a per-employee detail call failed):
  its last fingerprint is kept, it is not tombstoned, and it is emitted when it is read whole again;
- `kept_records`: the same for every record whose remote id starts with a prefix (an employee's
  balances, ``<employee id>:<policy id>``, when their per-employee call is not made this sync).

A marker travels the record path like a record (transformations leave it as it is) and stops at the
cursor, which never emits it. The CDK's retriever never hands an error response (one the error
handler ignored, such as a per-employee 404) to its record selector; `SkippingRetriever` does, as a
`skipped_partition` marker, for the streams whose extractor asks for it
(``skip_partition_on_error: true``, `unified_hris_cdk.extractors.KeyPathExtractor`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import requests
from airbyte_cdk.sources.declarative.retrievers.simple_retriever import SimpleRetriever
from airbyte_cdk.sources.types import Record, StreamSlice

MARKER = "__unified_hris_skipped__"
PREFIX = "remote_id_prefix"


def skipped_partition(reason: str) -> dict[str, Any]:
    return {MARKER: reason}


def kept_record(remote_id: Any, reason: str) -> dict[str, Any]:
    return {MARKER: reason, "remote_id": str(remote_id)}


def kept_records(remote_id_prefix: str, reason: str) -> dict[str, Any]:
    return {MARKER: reason, PREFIX: remote_id_prefix}


def is_marker(record: Mapping[str, Any]) -> bool:
    return MARKER in record


class SkippingRetriever(SimpleRetriever):
    """`SimpleRetriever` that turns an ignored error response into a `skipped_partition` marker, passed
    through the record selector (its transformations, then the cursor, which keeps the partition).
    `UnifiedComponentFactory` gives this class to retrievers whose extractor sets
    ``skip_partition_on_error``; `tests/shared/test_cdk_reliance.py` pins the method it overrides."""

    def _parse_response(
        self,
        response: requests.Response | None,
        records_schema: Mapping[str, Any],
        stream_slice: StreamSlice | None = None,
        next_page_token: Mapping[str, Any] | None = None,
    ) -> Iterable[Record]:
        if response is not None and not response.ok:
            yield from self.record_selector.filter_and_transform(
                [skipped_partition(f"HTTP {response.status_code}")],
                stream_state={},
                records_schema=records_schema,
                stream_slice=stream_slice,
                next_page_token=next_page_token,
            )
            return
        yield from super()._parse_response(response, records_schema, stream_slice, next_page_token)
