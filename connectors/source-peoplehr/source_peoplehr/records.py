"""The unified transformation, fed with the context the extractors put next to each raw row."""

from __future__ import annotations

from typing import Any

from airbyte_cdk.sources.types import Config, StreamSlice, StreamState
from unified_hris.components import UnifiedRecord
from unified_hris.mapping import MappingContext

from source_peoplehr.shapes import CONTEXT


class ContextRecord(UnifiedRecord):
    """`UnifiedRecord` that moves the row's ``__peoplehr`` context out of the raw record (so it never
    reaches ``remote_data``) into the slice's ``extra_fields["record"]``, where mappers read it. A
    context ``path`` (the call the row came from) replaces the stream's label in ``remote_data``."""

    def transform(
        self,
        record: dict[str, Any],
        config: Config | None = None,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> None:
        context = record.pop(CONTEXT, {})
        base = stream_slice or StreamSlice(partition={}, cursor_slice={})
        extra = {**(base.extra_fields or {}), "record": context}
        super().transform(
            record,
            config,
            stream_state,
            StreamSlice(partition=base.partition, cursor_slice=base.cursor_slice, extra_fields=extra),
        )
        if record.get("remote_data") and context.get("path"):
            record["remote_data"][0]["path"] = context["path"]


def context(ctx: MappingContext) -> dict[str, Any]:
    """The context of the row being mapped (see `ContextRecord`)."""
    extra = getattr(ctx.stream_slice, "extra_fields", None) or {}
    return dict(extra.get("record") or {})
