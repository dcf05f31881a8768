"""Airbyte CDK components that a connector's manifest names to produce unified streams."""

from unified_hris_cdk.backoff import RetryAfter
from unified_hris_cdk.cursor import ChangeDetectionCursor
from unified_hris_cdk.entrypoint import run
from unified_hris_cdk.schema_loader import UnifiedSchemaLoader
from unified_hris_cdk.source import UnifiedDeclarativeSource, config_error
from unified_hris_cdk.transformation import UnifiedRecord

__all__ = [
    "ChangeDetectionCursor",
    "RetryAfter",
    "UnifiedDeclarativeSource",
    "UnifiedRecord",
    "UnifiedSchemaLoader",
    "config_error",
    "run",
]
