"""`CustomTransformation` that maps a raw provider record onto a unified model.

The manifest names the model and the connector's mapper function; the component adds the envelope
(id, source, tenant, hash, cursor) and, when the user opted in, the raw payload.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from unified_hris.conventions import envelope
from unified_hris.mapping import RECORD_CONTEXT, Mapper, MappingContext
from unified_hris.schemas import object_name, withhold_sensitive

from unified_hris_cdk.skips import MARKER

logger = logging.getLogger("airbyte")


def import_mapper(path: str) -> Mapper:
    module_name, _, attr = path.rpartition(".")
    mapper: Mapper = getattr(importlib.import_module(module_name), attr)
    return mapper


def tolerant_map(mapper: Mapper, raw: dict[str, Any], ctx: MappingContext, model: str) -> dict[str, Any]:
    """`mapper(raw, ctx)`; when the payload has a shape the mapper does not know (a provider's schema
    drift), the record is mapped without the top-level fields that make it fail, with a warning naming
    them (the raw payload stays whole in ``remote_data`` when the user opted in). Only a payload that
    cannot be mapped even so (e.g. without its id) fails the sync, with a message saying so."""
    try:
        return dict(mapper(raw, ctx))
    except Exception as problem:  # any shape problem of this one record
        first: Exception = problem
    # One field at fault (the usual drift), else several: drop fields one after another, keeping each
    # drop that changes the failure (unless the mapper now misses that very field, e.g. the id).
    candidates = [[key] for key in raw]
    error, trial, dropped = first, dict(raw), []
    for key in raw:
        without = {k: v for k, v in trial.items() if k != key}
        try:
            mapper(without, ctx)
        except Exception as other:
            missing_it = isinstance(other, KeyError) and other.args[:1] == (key,)
            if not missing_it and (type(other) is not type(error) or str(other) != str(error)):
                trial, error = without, other
                dropped.append(key)
            continue
        candidates.append([*dropped, key])
        break
    for left_out in candidates:
        try:
            fields = dict(mapper({k: v for k, v in raw.items() if k not in left_out}, ctx))
        except Exception:
            continue
        logger.warning(
            "A %s record (id %s) has fields of an unexpected shape; it was mapped without %s (%s).",
            model,
            fields.get("remote_id"),
            ", ".join(left_out),
            type(first).__name__,  # not the message: it may quote personal data
        )
        return fields
    message = (
        f"A {model} record could not be mapped ({type(first).__name__}); please report this payload shape."
    )
    raise AirbyteTracedException(
        message=message, internal_message=message, failure_type=FailureType.system_error
    ) from first


@dataclass
class UnifiedRecord(RecordTransformation):
    """Manifest usage::

        transformations:
          - type: CustomTransformation
            class_name: unified_hris_cdk.UnifiedRecord
            model: employees
            source: sage_hr
            tenant_id: "{{ config['subdomain'] }}"    # rendered from the config only
            mapper: source_sage_hr.mappings.employee
            remote_data_path: /employees      # label of the endpoint in remote_data

    The raw record is replaced in place by the unified record. `remote_data` is attached only when
    the config sets ``include_remote_data: true``, labelled with the context's ``path`` (the call the
    row came from, where one stream reads several) or else `remote_data_path`. A raw record's
    `RECORD_CONTEXT` (put there by the connector's extractor) goes to the mapper as ``ctx.record``,
    never into the record. Sensitive identifiers (`unified_hris.schemas.sensitive_fields`) are
    blanked unless the config sets ``include_sensitive: true``.
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
    #: The config of the last record and its tenant: `tenant_of` is asked once per config.
    _tenant_for: tuple[Config, str] | None = field(init=False, repr=False, default=None)
    #: The context of the last (config, slice): a page's records share one.
    _context: tuple[Config, StreamSlice | None, MappingContext] | None = field(
        init=False, repr=False, default=None
    )

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._mapper = import_mapper(self.mapper)
        self._object = object_name(self.model)
        self._tenant = InterpolatedString.create(self.tenant_id, parameters=parameters or {})

    def tenant_of(self, config: Config) -> str:
        """The record's tenant, rendered from the config; a connector whose tenant comes from the API
        (Sesame's company id) overrides this. Asked once per config, not once per record."""
        return str(self._tenant.eval(config))

    def _tenant_once(self, config: Config) -> str:
        last = self._tenant_for  # one read: partitions are transformed on several threads
        if last is not None and last[0] is config:
            return last[1]
        tenant = self.tenant_of(config)
        self._tenant_for = (config, tenant)
        return tenant

    def _context_for(self, config: Config, tenant: str, stream_slice: StreamSlice | None) -> MappingContext:
        last = self._context  # one read: partitions are transformed on several threads
        if last is not None and last[0] is config and last[1] is stream_slice and last[2].tenant_id == tenant:
            return last[2]
        ctx = MappingContext(self.source, tenant, config, stream_slice or {})
        self._context = (config, stream_slice, ctx)
        return ctx

    def transform(
        self,
        record: dict[str, Any],
        config: Config | None = None,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> None:
        if MARKER in record:  # a skip marker (`skips`) goes to the cursor as it is
            return
        config = config or {}
        tenant = self._tenant_once(config)
        ctx = self._context_for(config, tenant, stream_slice)
        context = record.pop(RECORD_CONTEXT, None)
        if context is not None:
            ctx = dataclasses.replace(ctx, record=context)
        fields = tolerant_map(self._mapper, record, ctx, self.model)
        withhold_sensitive(self.model, fields, config)
        remote_id = fields.pop("remote_id")
        raw = (
            [{"path": (context or {}).get("path") or self.remote_data_path, "data": dict(record)}]
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
