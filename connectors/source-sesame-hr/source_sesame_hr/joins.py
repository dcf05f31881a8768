"""Joins done with list calls, not one call per employee.

Sesame keeps an employee's departments, offices and managers in separate assignation resources. The
`AssignationJoin` partition router reads each assignation listing completely and yields ONE slice whose
``extra_fields["links"]`` maps each parent's ``partition_field`` to its `Links` (per parent key, the
extra fields of each link); the stream's mapper reads ``links[field].of(key)`` from the slice. A failed
listing fails the stream, so no record is ever emitted with a partial join. The whole tenant's links
are held for the sync, as tuples with shared values (~0.8 KB per employee; ~2.5 KB as dicts).

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
class Links:
    """One assignation listing, as compact as the whole tenant's links need to be: per parent key, one
    tuple of the extra fields' values (in `fields` order) per link; equal values share one object."""

    fields: tuple[str, ...]
    rows: dict[str, list[tuple[Any, ...]]]

    def of(self, key: str) -> list[dict[str, Any]]:
        """The links of one parent key, each as ``{extra field: value}``."""
        return [dict(zip(self.fields, row, strict=True)) for row in self.rows.get(key, ())]


@dataclass
class AssignationJoin(SliceOnlyPartitionRouter):
    """``partition_router: {type: CustomPartitionRouter, class_name: ...AssignationJoin, links: <SubstreamPartitionRouter>}``"""

    links: SubstreamPartitionRouter
    parameters: InitVar[Mapping[str, Any]]

    def stream_slices(self) -> Iterable[StreamSlice]:
        yield StreamSlice(partition={}, cursor_slice={}, extra_fields={"links": self._join()})

    def _join(self) -> dict[str, Links]:
        config = self.links.config
        joined: dict[str, Links] = {}
        # One object per distinct value (ids repeat across links and listings); dropped after the join.
        shared: dict[Any, Any] = {}
        for parent in self.links.parent_stream_configs:
            name = str(parent.partition_field.eval(config))  # type: ignore[union-attr]
            key_path = str(parent.parent_key.eval(config)).split("/")  # type: ignore[union-attr]
            fields = [[str(part.eval(config)) for part in path] for path in parent.extra_fields or []]  # type: ignore[union-attr]
            rows: dict[str, list[tuple[Any, ...]]] = {}
            joined[name] = Links(fields=tuple(".".join(path) for path in fields), rows=rows)
            with reading(parent.stream.name):
                for record in records(parent):
                    key = follow(record.data, key_path)
                    if key is MISSING or key is None:
                        continue
                    key = str(key)
                    row = tuple(_shared(shared, follow(record.data, path)) for path in fields)
                    rows.setdefault(shared.setdefault(key, key), []).append(row)
        return joined


def _shared(shared: dict[Any, Any], value: Any) -> Any:
    if value is MISSING:
        return None
    if isinstance(value, str):  # not numbers: 1, 1.0 and True are equal keys
        return shared.setdefault(value, value)
    return value
