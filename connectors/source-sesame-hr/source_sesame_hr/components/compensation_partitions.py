"""Partitions of the compensations stream: salaries per employee, and assigned compensations only when
the company uses them.

Every employee gets a ``{employee_id, endpoint: salaries}`` slice (``/contract/v1/salaries`` requires
``employeeId``). ``/contract/v1/employees/{id}/compensations`` (current docs only) costs one more call
per employee, so its slices are generated only when the compensation catalogue
(``/contract/v1/compensations?limit=1``, read first) lists at least one compensation: a company that
does not use the feature pays one call, not one per employee; ``include_compensation_assignments:
false`` skips both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import InitVar, dataclass
from typing import Any

from airbyte_cdk.sources.declarative.interpolation.interpolated_boolean import InterpolatedBoolean
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    SubstreamPartitionRouter,
)
from airbyte_cdk.sources.types import Config, StreamSlice
from unified_hris_cdk.partition_routers import SliceOnlyPartitionRouter, key_slices
from unified_hris_cdk.refresh import PARENT_DIGEST, REFRESH_KEY


@dataclass
class CompensationPartitions(SliceOnlyPartitionRouter):
    """``employees`` yields ``employee_id`` partitions; ``catalogue`` any record when compensations exist."""

    employees: SubstreamPartitionRouter
    catalogue: SubstreamPartitionRouter
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    include_assignments: str | bool = True

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._include = InterpolatedBoolean(str(self.include_assignments), parameters=parameters)

    def stream_slices(self) -> Iterable[StreamSlice]:
        uses_catalogue = (
            self._include.eval(self.config) and sum(1 for _ in self.catalogue.stream_slices()) > 0
        )
        endpoints = ("salaries", "compensations") if uses_catalogue else ("salaries",)
        for parent in key_slices(self.employees):
            for endpoint in endpoints:
                yield StreamSlice(
                    partition={"employee_id": parent.partition["employee_id"], "endpoint": endpoint},
                    cursor_slice={},
                    extra_fields={
                        PARENT_DIGEST: parent.extra_fields[PARENT_DIGEST],
                        REFRESH_KEY: str(parent.partition["employee_id"]),  # both endpoints together
                    },
                )
