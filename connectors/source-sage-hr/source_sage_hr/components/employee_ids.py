"""The employee ids the per-employee streams fan out over, from the lists other streams read too.

`EmployeeIds` reads the same pages, with the same request as ``employees`` and ``employments``,
through the requester the manifest gives it (its ``request_parameters`` are the manifest's, per
listing), so every page comes from the sync's one read of them (the list cache,
`unified_hris_cdk.list_cache`), and follows the ids itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import InitVar, dataclass
from typing import Any

from airbyte_cdk.sources.declarative.requesters.requester import Requester
from airbyte_cdk.sources.types import Config, StreamSlice
from unified_hris_cdk.decoders import response_json
from unified_hris_cdk.partition_routers import SliceOnlyPartitionRouter


def pages(requester: Requester, path: str, stream_slice: StreamSlice | None = None) -> Iterator[Any]:
    """The bodies of a paginated list (``meta.next_page``, as the manifest's paginator follows it);
    `stream_slice` is what the requester's interpolated options see as ``stream_partition``."""
    page: int | None = None
    while True:
        response = requester.send_request(
            path=path, stream_slice=stream_slice, request_params={"page": page} if page else {}
        )
        if response is None or response.status_code != 200:  # ignored by the error handler
            return
        body = response_json(response)
        yield body
        meta = body.get("meta") if isinstance(body, Mapping) else None
        following = meta.get("next_page") if isinstance(meta, Mapping) else None
        if not isinstance(following, int) or following <= (meta.get("current_page") or 0):
            return
        page = following


@dataclass
class EmployeeIds(SliceOnlyPartitionRouter):
    """Partition ``{"employee_id": <id as listed>}`` for everyone on `listings` (``employees``,
    ``terminated-employees``), the partitions the CDK's router made (scopes of saved states match).
    Each listing is requested with ``stream_partition.listing`` set, as the ``both_lists`` streams are."""

    requester: Requester
    listings: list[str]
    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def stream_slices(self) -> Iterable[StreamSlice]:
        for listing in self.listings:
            listed = StreamSlice(partition={"listing": listing}, cursor_slice={})
            for body in pages(self.requester, listing, listed):
                for item in (body.get("data") if isinstance(body, Mapping) else None) or []:
                    yield StreamSlice(partition={"employee_id": item["id"]}, cursor_slice={})
