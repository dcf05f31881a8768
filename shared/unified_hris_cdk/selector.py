"""The record selector of streams without schema normalisation.

For every record the CDK's `RecordSelector` makes a copy and hands it to its schema normaliser, even
when the manifest asks for none (a `TypeTransformer` configured not to transform returns at once).
Unified records are already in their schema's shape, so `UnifiedComponentFactory` gives such a
selector this class, which passes the records through as they are. The CDK method it replaces is
pinned in `cdk_private`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from airbyte_cdk.sources.declarative.extractors.record_selector import RecordSelector
from airbyte_cdk.sources.utils.transform import TransformConfig, TypeTransformer


def normalises_nothing(selector: RecordSelector) -> bool:
    """Whether `selector`'s schema normaliser is the CDK's transformer configured not to transform."""
    normaliser = selector.schema_normalization
    return type(normaliser) is TypeTransformer and TransformConfig.NoTransform in normaliser._config


class PassThroughRecordSelector(RecordSelector):
    """`RecordSelector` for a selector that `normalises_nothing`: no per-record copy."""

    def _normalize_by_schema(
        self, records: Iterable[Mapping[str, Any]], schema: Mapping[str, Any] | None
    ) -> Iterable[Mapping[str, Any]]:
        return records
