"""Joins done with list calls, not one call per employee.

Sesame keeps an employee's departments, offices and managers in separate assignation resources. The
`AssignationJoin` partition router reads each assignation listing completely (through an ordinary
`SubstreamPartitionRouter` of the manifest, so paging, retries and the API budget apply) and yields ONE
slice whose ``extra_fields["links"]`` maps each parent's ``partition_field`` to ``{parent key: [the
parent's extra fields, ...]}``; the stream's mapper reads it from the slice. A failed listing fails the
stream, so no record is ever emitted with a partial join.
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


@dataclass
class AssignationJoin(SliceOnlyPartitionRouter):
    """``partition_router: {type: CustomPartitionRouter, class_name: ...AssignationJoin, links: <SubstreamPartitionRouter>}``"""

    links: SubstreamPartitionRouter
    parameters: InitVar[Mapping[str, Any]]

    def stream_slices(self) -> Iterable[StreamSlice]:
        joined: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for link in self.links.stream_slices():
            for name, key in link.partition.items():
                if name != "parent_slice":
                    joined.setdefault(name, {}).setdefault(str(key), []).append(dict(link.extra_fields))
        yield StreamSlice(partition={}, cursor_slice={}, extra_fields={"links": joined})
