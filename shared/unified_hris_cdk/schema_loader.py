"""`CustomSchemaLoader` that serves a unified stream's shared schema, so discover has one source of truth."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar, dataclass
from typing import Any

from airbyte_cdk.sources.declarative.schema.schema_loader import SchemaLoader
from unified_hris.schemas import load_schema


@dataclass
class UnifiedSchemaLoader(SchemaLoader):
    """``schema_loader: {type: CustomSchemaLoader, class_name: unified_hris_cdk.UnifiedSchemaLoader, model: employees}``"""

    model: str
    parameters: InitVar[Mapping[str, Any]]

    def get_json_schema(self) -> Mapping[str, Any]:
        return load_schema(self.model)
