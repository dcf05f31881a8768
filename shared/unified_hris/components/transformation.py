"""`CustomTransformation` that maps a raw provider record onto a unified model.

The manifest names the model and the connector's mapper function; the component adds the envelope
(id, source, tenant, hash, cursor) and, when the user opted in, the raw payload.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from typing import Any

from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from unified_hris.conventions import envelope
from unified_hris.mapping import Mapper, MappingContext
from unified_hris.schemas import object_name


def import_mapper(path: str) -> Mapper:
    module_name, _, attr = path.rpartition(".")
    mapper: Mapper = getattr(importlib.import_module(module_name), attr)
    return mapper


@dataclass
class UnifiedRecord(RecordTransformation):
    """Manifest usage::

        transformations:
          - type: CustomTransformation
            class_name: unified_hris.components.UnifiedRecord
            model: employees
            source: sage_hr
            tenant_id: "{{ config['subdomain'] }}"    # rendered from the config only
            mapper: source_sage_hr.mappings.employee
            remote_data_path: /employees      # label of the endpoint in remote_data

    The raw record is replaced in place by the unified record. `remote_data` is attached only when
    the config sets ``include_remote_data: true``.
    """

    model: str
    source: str
    tenant_id: str
    mapper: str
    parameters: InitVar[Mapping[str, Any]]
    remote_data_path: str = ""
    _mapper: Mapper = field(init=False, repr=False)
    _object: str = field(init=False, repr=False)
    _tenant: InterpolatedString = field(init=False, repr=False)
    _tenant_for: tuple[int, str] | None = field(init=False, repr=False, default=None)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._mapper = import_mapper(self.mapper)
        self._object = object_name(self.model)
        self._tenant = InterpolatedString.create(self.tenant_id, parameters=parameters or {})

    def tenant_of(self, config: Config) -> str:
        """The record's tenant. Rendered from the config once per config, not once per record; a connector
        whose tenant comes from the API (Sesame's company id) overrides this."""
        if self._tenant_for is None or self._tenant_for[0] != id(config):
            self._tenant_for = (id(config), str(self._tenant.eval(config)))
        return self._tenant_for[1]

    def transform(
        self,
        record: dict[str, Any],
        config: Config | None = None,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> None:
        config = config or {}
        tenant = self.tenant_of(config)
        ctx = MappingContext(self.source, tenant, config, stream_slice or {})
        fields = dict(self._mapper(record, ctx))
        remote_id = fields.pop("remote_id")
        raw = (
            [{"path": self.remote_data_path, "data": dict(record)}]
            if config.get("include_remote_data")
            else None
        )
        unified = envelope(
            source=self.source,
            tenant_id=tenant,
            obj=self._object,
            remote_id=remote_id,
            fields=fields,
            remote_data=raw,
        )
        record.clear()
        record.update(unified)
