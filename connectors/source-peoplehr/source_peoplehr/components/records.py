"""The unified transformation, naming in ``remote_data`` the call each raw row came from."""

from __future__ import annotations

from typing import Any

from airbyte_cdk.sources.types import Config, StreamSlice, StreamState
from unified_hris.mapping import RECORD_CONTEXT
from unified_hris_cdk import UnifiedRecord


class ContextRecord(UnifiedRecord):
    """`UnifiedRecord` whose ``remote_data`` path is the call the row came from: the ``path`` of the
    row's context (`RECORD_CONTEXT`, put there by the extractors), else the stream's label."""

    def transform(
        self,
        record: dict[str, Any],
        config: Config | None = None,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> None:
        path = (record.get(RECORD_CONTEXT) or {}).get("path")
        super().transform(record, config, stream_state, stream_slice)
        if record.get("remote_data") and path:
            record["remote_data"][0]["path"] = path
