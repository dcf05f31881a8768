"""One parse per page: the decoder, the paginator and the error handler's filters share `parsed_body`."""

import sys
from pathlib import Path
from unittest import mock

import orjson
import pytest
import requests
from airbyte_cdk.sources.declarative.decoders.json_decoder import JsonDecoder
from airbyte_cdk.sources.declarative.decoders.pagination_decoder_decorator import PaginationDecoderDecorator
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    HttpResponseFilter as HttpResponseFilterModel,
)
from unified_hris_cdk import decoders
from unified_hris_cdk.decoders import ParsedBodyDecoder, ParsedBodyResponseFilter
from unified_hris_cdk.factory import UnifiedComponentFactory
from unified_hris_cdk.retries import ClientErrorFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "toy_connector"))

from source_toy_hr.source import SourceToyHR

CONFIG = {"base_url": "http://127.0.0.1:9", "api_token": "t" * 32, "start_date": "2024-01-01"}


def response(body: bytes, status: int = 200) -> requests.Response:
    built = requests.Response()
    built.status_code = status
    built._content = body
    built.url = "https://api.example.com/v1/employees?page=2"
    return built


@pytest.mark.parametrize(
    "body",
    [b'{"data": [{"id": 1}], "meta": {"page": 1}}', b"[]", b'[{"id": 1}, {"id": 2}]', b'{"v": NaN}', b"{}"],
)
def test_decodes_what_the_cdk_json_decoder_decodes(body: bytes):
    assert list(ParsedBodyDecoder().decode(response(body))) == list(JsonDecoder({}).decode(response(body)))


@pytest.mark.parametrize("body", [b"", b"<html>oops</html>", b'{"data": [', b"42"])
def test_an_empty_or_invalid_body_decodes_to_one_empty_object(body: bytes):
    assert list(ParsedBodyDecoder().decode(response(body))) == [{}]


def test_a_page_is_parsed_once_for_filter_decoder_and_paginator():
    factory = UnifiedComponentFactory()
    response_filter = factory.create_component(
        HttpResponseFilterModel,
        {"type": "HttpResponseFilter", "action": "RETRY", "predicate": "{{ 'data' not in response }}"},
        CONFIG,
    )
    page = response(b'{"data": [{"id": 1}], "meta": {"next": 2}}')
    with mock.patch.object(decoders.orjson, "loads", wraps=orjson.loads) as loads:
        assert response_filter.matches(page) is None  # the page has data: no retry
        records = list(ParsedBodyDecoder().decode(page))
        envelope = next(PaginationDecoderDecorator(ParsedBodyDecoder()).decode(page))
    assert loads.call_count == 1
    assert records[0]["data"] == [{"id": 1}] and envelope["meta"] == {"next": 2}
    assert response_filter.matches(response(b"<html>maintenance</html>")) is not None  # invalid body -> {}


def test_the_factory_gives_every_retriever_and_filter_the_shared_parse():
    streams = SourceToyHR(config=CONFIG).streams(CONFIG)
    assert streams
    for stream in streams:
        retriever = stream._stream_partition_generator._partition_factory._retriever
        assert isinstance(retriever.record_selector.extractor.decoder, ParsedBodyDecoder), stream.name
        paginator_decoder = getattr(retriever._paginator, "decoder", None)
        if paginator_decoder is not None:
            assert isinstance(paginator_decoder.decoder, ParsedBodyDecoder), stream.name
        client_errors, declared, *default = retriever.requester.error_handler.response_filters
        assert isinstance(client_errors, ClientErrorFilter), stream.name  # reads the status only
        assert isinstance(declared, ParsedBodyResponseFilter), stream.name
        # the CDK's own catch-all filter reads no body (no predicate, no message)
        assert [(f.predicate.condition, f.error_message.string) for f in default] == [("", "")]
