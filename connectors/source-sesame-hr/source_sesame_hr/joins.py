"""Joins done with list calls, not one call per employee.

Sesame keeps an employee's departments, offices and managers in separate assignation resources. The
`AssignationJoin` partition router reads each assignation listing completely and yields ONE slice whose
``extra_fields["links"]`` maps each parent's ``partition_field`` to ``{parent key: [the parent's extra
fields, ...]}``; the stream's mapper reads it from the slice. A failed listing fails the stream, so no
record is ever emitted with a partial join.

The listings are declared as an ordinary `SubstreamPartitionRouter` in the manifest and read through
its parent streams (the CDK retriever: paging, retries and the API budget apply), but the join reads
``parent_key`` and ``extra_fields`` itself by following each path's keys: the router's own slices
look every field up with ``dpath.get``, which walks the whole record each time (minutes at 50,000
employees). The listings are full-refresh parents of no state of their own, so their cursors are not
consulted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass
from typing import Any

from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.types import StreamSlice
from unified_hris.components.partition_routers import SliceOnlyPartitionRouter

_MISSING = object()


def _follow(record: Mapping[str, Any], path: Sequence[str]) -> Any:
    """The value at ``path`` (keys of nested objects), or `_MISSING`."""
    value: Any = record
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return _MISSING
        value = value[key]
    return value


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
            for partition in parent.stream.generate_partitions():
                for record in partition.read():
                    key = _follow(record.data, key_path)
                    if key is _MISSING or key is None:
                        continue
                    extra = {}
                    for field, path in zip(names, fields, strict=True):
                        value = _follow(record.data, path)
                        extra[field] = None if value is _MISSING else value
                    by_key.setdefault(str(key), []).append(extra)
        yield StreamSlice(partition={}, cursor_slice={}, extra_fields={"links": joined})
