"""A base for custom partition routers whose slices carry everything a request needs.

With the change-detection cursor a router's own request options are not applied (the manifest puts
``{{ stream_partition.x }}`` into the path, parameters or body instead), so a custom router only has
to yield slices: this base answers the rest of the `PartitionRouter` interface with nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airbyte_cdk.sources.declarative.partition_routers.partition_router import PartitionRouter
from airbyte_cdk.sources.types import StreamState


class SliceOnlyPartitionRouter(PartitionRouter):
    """Subclass and implement `stream_slices` only."""

    def get_request_params(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_headers(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_data(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_request_body_json(self, **kwargs: Any) -> Mapping[str, Any]:
        return {}

    def get_stream_state(self) -> Mapping[str, StreamState] | None:
        return None
