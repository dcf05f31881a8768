"""In-process reads of the connector against ``requests-mock`` (for unit tests of paging and errors)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests_mock
from airbyte_cdk.models import AirbyteStateMessageSerializer, ConfiguredAirbyteCatalog, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.models.outcome import ExpectedOutcome
from source_sage_hr.source import SourceSageHR

BASE = "https://acme.sage.hr/api"
KEY = "unit-test-key-0123456789abcdef0123"
CONFIG: dict[str, Any] = {
    "subdomain": "acme",
    "api_key": KEY,
    "start_date": "2026-01-01",
    "future_horizon_days": 30,
    "requests_per_minute": 100_000,
}


def meta(page: int, pages: int, total: int) -> dict[str, Any]:
    return {
        "current_page": page,
        "next_page": page + 1 if page < pages else None,
        "previous_page": page - 1 if page > 1 else None,
        "total_pages": pages,
        "per_page": 50,
        "total_entries": total,
    }


def paged(items: list[dict[str, Any]], per_page: int = 50) -> Callable[..., dict[str, Any]]:
    """A requests-mock callback serving `items` in pages of `per_page` by the ``page`` parameter."""
    pages = max(1, -(-len(items) // per_page))

    def respond(request: Any, context: Any) -> dict[str, Any]:
        page = int(parse_qs(urlsplit(request.url).query).get("page", ["1"])[0])
        return {"data": items[(page - 1) * per_page : page * per_page], "meta": meta(page, pages, len(items))}

    return respond


def catalog(*streams: str, mode: SyncMode = SyncMode.incremental) -> ConfiguredAirbyteCatalog:
    builder = CatalogBuilder()
    for name in streams:
        builder = builder.with_stream(name, mode)
    return builder.build()


def run_read(
    config: Mapping[str, Any],
    *streams: str,
    state: list[dict[str, Any]] | None = None,
    fails: bool = False,
) -> EntrypointOutput:
    messages = [AirbyteStateMessageSerializer.load(s) for s in state] if state else None
    source = SourceSageHR(config=dict(config), state=messages)
    outcome = ExpectedOutcome.EXPECT_EXCEPTION if fails else ExpectedOutcome.EXPECT_SUCCESS
    return read(source, dict(config), catalog(*streams), messages, expected_outcome=outcome)


def final_state(output: EntrypointOutput) -> list[dict[str, Any]]:
    last: dict[str, dict[str, Any]] = {}
    for message in output.state_messages:
        stream = message.state.stream
        last[stream.stream_descriptor.name] = {
            "type": "STREAM",
            "stream": {
                "stream_descriptor": {"name": stream.stream_descriptor.name},
                "stream_state": json.loads(json.dumps(stream.stream_state.__dict__)),
            },
        }
    return list(last.values())


def records(output: EntrypointOutput, stream: str) -> list[dict[str, Any]]:
    return [m.record.data for m in output.records if m.record.stream == stream]


def calls(mocker: requests_mock.Mocker, path: str) -> list[dict[str, list[str]]]:
    """Query strings of the requests made to `path` (below the base URL)."""
    return [
        parse_qs(urlsplit(r.url).query)
        for r in mocker.request_history
        if urlsplit(r.url).path == urlsplit(BASE + path).path
    ]
