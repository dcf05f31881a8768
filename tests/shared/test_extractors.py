"""`KeyPathExtractor` yields exactly what the CDK's `DpathExtractor` yields for the same path."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from airbyte_cdk.sources.declarative.extractors.dpath_extractor import DpathExtractor
from unified_hris_cdk.extractors import KeyPathExtractor


def _response(body: Any) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    return response


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"data": [{"id": 1}, {"id": 2, "data": [3]}], "meta": {"data": [9]}}, ["data"]),
        ({"data": []}, ["data"]),
        ({"meta": {}}, ["data"]),
        ({"data": {"id": 7}}, ["data"]),
        ({"result": {"items": [{"id": 1}]}}, ["result", "items"]),
        ({"result": None}, ["result", "items"]),
        ([{"id": 1}], []),
    ],
)
def test_same_records_as_dpath(body: Any, path: list[str]) -> None:
    ours = KeyPathExtractor(field_path=path, config={}, parameters={})
    cdk = DpathExtractor(field_path=path, config={}, parameters={})
    assert list(ours.extract_records(_response(body))) == list(cdk.extract_records(_response(body)))


def test_interpolated_path() -> None:
    extractor = KeyPathExtractor(field_path=["{{ config['key'] }}"], config={"key": "rows"}, parameters={})
    assert list(extractor.extract_records(_response({"rows": [{"id": 1}]}))) == [{"id": 1}]
