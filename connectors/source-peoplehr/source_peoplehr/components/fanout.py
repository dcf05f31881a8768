"""The partitions of a per-employee stream: one per employee and area, or one saved query per area.

`EmployeeFanOut` reads the employee list (shared, see `directory`) and yields a partition for each
employee and area that can have data this sync (`directory.needs_read`), and for every partition the
state does not hold (never read completely: a settled leaver whose records a fault kept from the
last syncs is read again). It tells the change-detection cursor which partitions it skipped on
purpose, so their fingerprints are kept, while the partitions of employees who vanished from PeopleHR
are tombstoned. An area with a saved query configured is read with that one call instead of one call
per employee. Each employee's partitions carry the digest of their list record and their key, for
the refresh budget (`unified_hris_cdk.refresh`): an incremental sync re-checks changed employees first,
then the least recently checked, all of an employee's areas together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import InitVar, dataclass, field
from datetime import datetime
from typing import Any

from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.types import Config, StreamSlice
from unified_hris_cdk.partition_routers import SliceOnlyPartitionRouter
from unified_hris_cdk.refresh import PARENT_DIGEST, REFRESH_KEY
from unified_hris_cdk.scope import SyncScope

from source_peoplehr.components import areas as area_table
from source_peoplehr.components.directory import Window, directory, needs_read

logger = logging.getLogger("airbyte")


@dataclass
class EmployeeFanOut(SliceOnlyPartitionRouter):
    """``partition_router: {type: CustomPartitionRouter, class_name: ..., areas: [holiday, absence]}``

    Partition ``{"area", "employee": <stable key>}`` or ``{"area", "via": "query"}``. The request
    parameters (endpoint, action, EmployeeId, dates, query name) travel in the slice's
    ``extra_fields``, outside the partition, so a renamed EmployeeId or a new end date keeps the
    partition's scope.
    """

    employee_list: HttpRequester
    areas: list[str]
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    stream_name: str = ""
    scope: SyncScope = field(default_factory=SyncScope)
    _last_sync: datetime | None = field(default=None, init=False, repr=False)
    _known: Callable[[Mapping[str, Any]], bool] = field(default=lambda _: True, init=False, repr=False)
    _retained: list[dict[str, str]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        unknown = set(self.areas) - set(area_table.AREAS)
        if unknown:
            raise ValueError(f"unknown PeopleHR areas {sorted(unknown)}")

    # -- hooks of the change-detection cursor ---------------------------------------------------
    def set_last_sync(self, last_sync: datetime | None) -> None:
        self._last_sync = last_sync

    def set_known_partitions(self, known: Callable[[Mapping[str, Any]], bool]) -> None:
        self._known = known

    def retained_partitions(self) -> list[dict[str, str]]:
        return list(self._retained)

    # -- slicing ------------------------------------------------------------------------------------
    def stream_slices(self) -> Iterable[StreamSlice]:
        readable = [a for a in self.areas if area_table.enabled(self.config, a)]
        for area in self.areas:
            if area not in readable:
                logger.warning(
                    "%s: the %s area is not in 'read_areas', so its records are not read (earlier ones are kept).",
                    self.stream_name,
                    area_table.AREAS[area].name,
                )
        fanned = []
        for area in readable:
            name = area_table.query_name(self.config, area)
            if name is None:
                fanned.append(area)
                continue
            yield StreamSlice(
                partition={"area": area, "via": "query"},
                cursor_slice={},
                extra_fields={
                    "endpoint": "Query",
                    "action": area_table.QUERY_ACTION,
                    "QueryName": name,
                },
            )
        window = Window.of(self.config)
        retained = []
        for person in directory(self.scope, self.employee_list).people:
            wanted = needs_read(person, window, self._last_sync)
            in_window = wanted or needs_read(person, window, None)  # a full sync would read them
            for area in self.areas:
                partition = {"area": area, "employee": person.key}
                if area in fanned and (wanted or (in_window and not self._known(partition))):
                    yield StreamSlice(
                        partition=partition,
                        cursor_slice={},
                        extra_fields=self._request(area, person.employee_id, window)
                        | {PARENT_DIGEST: person.digest, REFRESH_KEY: person.key},
                    )
                elif area in fanned or area not in readable:
                    retained.append(partition)
        self._retained = retained

    @staticmethod
    def _request(area: str, employee_id: str, window: Window) -> dict[str, str]:
        spec = area_table.AREAS[area]
        fields = {"endpoint": spec.endpoint, "action": spec.action, "EmployeeId": employee_id}
        if spec.windowed:
            first, last = spec.window_fields
            fields |= {first: window.start.isoformat(), last: window.end.isoformat()}
        return fields | dict(spec.params)
