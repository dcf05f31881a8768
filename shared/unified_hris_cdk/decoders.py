"""One JSON parse per response, shared by everything that reads the body.

Left to itself the CDK parses a page once per error-handler filter whose predicate reads the body
(with the standard library's ``json``), once more in the record decoder and again in the paginator
(with ``orjson``): four or more parses of every page, the largest single CPU cost of a sync.
`parsed_body` parses with ``orjson`` once and keeps the result on the response object, so it lives
exactly as long as the page; `UnifiedComponentFactory` makes every retriever's default decoder and
every response filter read it.

The parsed body is shared, not copied: the readers before the decoder (filters) only look at it,
and records taken from it are changed in place by the transformations after the paginator has been
given the same page; the paginators of the suite read the envelope (``meta``), never the records.
"""

from __future__ import annotations

import json
from collections.abc import Generator, MutableMapping
from typing import Any

import orjson
import requests
from airbyte_cdk.sources.declarative.decoders.json_decoder import JsonDecoder
from airbyte_cdk.sources.declarative.requesters.error_handlers.http_response_filter import (
    HttpResponseFilter,
)

_BODY = "_unified_hris_body"
#: What `parsed_body` returns for a body that is empty or not JSON.
INVALID = object()


def parsed_body(response: requests.Response) -> Any:
    """The JSON body of `response`, parsed once (``orjson``, then ``json`` for what ``orjson`` refuses,
    such as ``NaN``); `INVALID` when the body is empty or not JSON."""
    try:
        return response.__dict__[_BODY]
    except KeyError:
        pass
    content = response.content
    try:
        body: Any = orjson.loads(content)
    except orjson.JSONDecodeError:
        try:
            body = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            body = INVALID
    response.__dict__[_BODY] = body
    return body


def response_json(response: requests.Response) -> Any:
    """``response.json()`` for a connector's own code, from the same parse (`parsed_body`); a body that
    is not JSON raises as ``response.json()`` does."""
    body = parsed_body(response)
    return response.json() if body is INVALID else body


class ParsedBodyDecoder(JsonDecoder):
    """`JsonDecoder` (same output: the body, each item of a top-level list, ``{}`` for an empty or
    invalid body) over `parsed_body`."""

    def __init__(self, parameters: Any = None, **kwargs: Any) -> None:
        super().__init__(parameters=parameters or {})

    def decode(self, response: requests.Response) -> Generator[MutableMapping[str, Any], None, None]:
        body = parsed_body(response)
        if isinstance(body, list) and body:
            yield from body
        elif isinstance(body, MutableMapping):
            yield body
        else:
            yield {}


class ParsedBodyResponseFilter(HttpResponseFilter):
    """`HttpResponseFilter` whose predicates and messages read `parsed_body` (``{}`` when not an object)."""

    @staticmethod
    def _safe_response_json(response: requests.Response) -> dict[str, Any]:
        body = parsed_body(response)
        return body if isinstance(body, dict) else {}
