"""Streams made from the employee list alone: employees, departments, locations, and time-off types.

PeopleHR has no endpoint for departments, locations or leave types: departments and locations exist
only as text on employees, and the leave types are the kinds of record the connector reads. These
streams therefore read the shared employee list (one call per sync for all of them, see `directory`)
instead of calling PeopleHR themselves; their records go through the stream's transformations and the
change-detection cursor like those of any other stream.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import InitVar, dataclass, field
from datetime import UTC, datetime
from typing import Any

from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.declarative.retrievers.retriever import Retriever
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.streams.concurrent.cursor import Cursor
from airbyte_cdk.sources.types import Config, Record, StreamSlice
from unified_hris_cdk.scope import SyncScope

from source_peoplehr.components.directory import Directory, directory
from source_peoplehr.components.shapes import CONTEXT, display, norm_name
from source_peoplehr.mappings import TIME_OFF_TYPES


def _employees(people: Callable[[], Directory]) -> Iterable[dict[str, Any]]:
    listed = people()
    for person in listed.people:
        manager = listed.key_of(display(person.raw, "ReportsToEmployeeId"))
        yield {**person.raw, CONTEXT: {"employee": person.key, "manager": manager}}


def _groups(field_name: str) -> Callable[[Callable[[], Directory]], Iterable[dict[str, Any]]]:
    """Distinct values of a text field (``Department``, ``Location``) with their current members."""

    def derive(people: Callable[[], Directory]) -> Iterable[dict[str, Any]]:
        today = datetime.now(UTC).date()
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        members: dict[str, list[str]] = defaultdict(list)
        for person in people().people:
            name = display(person.raw, field_name)
            key = norm_name(name)
            if key is None or name is None:
                continue
            spellings[key][name] += 1
            if not person.left_by(today):
                members[key].append(person.key)
        for key in sorted(spellings):
            name = min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
            yield {field_name: name, CONTEXT: {"id": key, "members": sorted(members[key])}}

    return derive


def _time_off_types(people: Callable[[], Directory]) -> Iterable[dict[str, Any]]:
    for row in TIME_OFF_TYPES:
        yield dict(row)


DERIVATIONS: Mapping[str, Callable[[Callable[[], Directory]], Iterable[dict[str, Any]]]] = {
    "employees": _employees,
    "departments": _groups("Department"),
    "locations": _groups("Location"),
    "time_off_types": _time_off_types,
}


@dataclass
class DirectoryRecords(Retriever):
    """``retriever: {type: CustomRetriever, class_name: ..., derive: departments}`` (see `DERIVATIONS`)."""

    employee_list: HttpRequester
    derive: str
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    name: str = ""
    transformations: list[RecordTransformation] = field(default_factory=list)
    cursor: Cursor | None = None
    scope: SyncScope = field(default_factory=SyncScope)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if self.derive not in DERIVATIONS:
            raise ValueError(f"derive must be one of {sorted(DERIVATIONS)}")

    def read_records(
        self, records_schema: Mapping[str, Any], stream_slice: StreamSlice | None = None
    ) -> Iterable[Record]:
        base = stream_slice or StreamSlice(partition={}, cursor_slice={})
        for raw in DERIVATIONS[self.derive](lambda: directory(self.scope, self.employee_list)):
            for transformation in self.transformations:
                transformation.transform(raw, config=self.config, stream_state={}, stream_slice=base)
            record = Record(data=raw, stream_name=self.name, associated_slice=base)
            if self.cursor is None or self.cursor.should_be_synced(record):
                yield record
