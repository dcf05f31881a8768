"""Joins done with list calls, not one call per employee.

Sesame keeps an employee's departments, offices and managers in separate assignation resources. The
`AssignationJoin` partition router reads each assignation listing completely and yields ONE slice whose
``extra_fields["links"]`` maps each parent's ``partition_field`` to ``{parent key: [the parent's extra
fields, ...]}``; the stream's mapper reads it from the slice. A failed listing fails the stream, so no
record is ever emitted with a partial join.

The listings are declared as an ordinary `SubstreamPartitionRouter` in the manifest; the join reads its
parent streams with `listings.records` and follows ``parent_key`` and ``extra_fields`` itself (see
`listings`), one listing at a time under `listings.reading`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import InitVar, dataclass
from typing import Any

from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.types import StreamSlice
from unified_hris.components.partition_routers import SliceOnlyPartitionRouter

from .listings import MISSING, follow, reading, records


@dataclass
class AssignationJoin(SliceOnlyPartitionRouter):
    """``partition_router: {type: CustomPartitionRouter, class_name: ...AssignationJoin, links: <SubstreamPartitionRouter>}``"""

    links: SubstreamPartitionRouter
    parameters: InitVar[Mapping[str, Any]]

    def stream_slices(self) -> Iterable[StreamSlice]:
        config = self.links.config
        joined: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for parent in self.links.parent_stream_configs:
            name = str(parent.partition_field.eval(config))  # type: ignore[union-attr]
            key_path = str(parent.parent_key.eval(config)).split("/")  # type: ignore[union-attr]
            fields = [[str(part.eval(config)) for part in path] for path in parent.extra_fields or []]  # type: ignore[union-attr]
            names = [".".join(path) for path in fields]
            by_key = joined.setdefault(name, {})
            with reading(parent.stream.name):
                for record in records(parent):
                    key = follow(record.data, key_path)
                    if key is MISSING or key is None:
                        continue
                    extra = {}
                    for field, path in zip(names, fields, strict=True):
                        value = follow(record.data, path)
                        extra[field] = None if value is MISSING else value
                    by_key.setdefault(str(key), []).append(extra)
        yield StreamSlice(partition={}, cursor_slice={}, extra_fields={"links": joined})
