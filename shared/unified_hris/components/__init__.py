"""Airbyte CDK components that a connector's manifest names to produce unified streams."""

from unified_hris.components.backoff import RetryAfter
from unified_hris.components.change_detection import ChangeDetectionCursor
from unified_hris.components.schema_loader import UnifiedSchemaLoader
from unified_hris.components.source import UnifiedDeclarativeSource, config_error, run
from unified_hris.components.transformation import UnifiedRecord

__all__ = [
    "ChangeDetectionCursor",
    "RetryAfter",
    "UnifiedDeclarativeSource",
    "UnifiedRecord",
    "UnifiedSchemaLoader",
    "config_error",
    "run",
]
