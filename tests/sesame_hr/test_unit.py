"""Config checks (pure functions: no request is made)."""

from __future__ import annotations

from typing import Any

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from source_sesame_hr import SourceSesameHR

TOKEN = "unit-test-token-0f9e8d7c6b5a4f3e2d1c"
CONFIG = {"api_token": TOKEN, "region": "eu1", "start_date": "2024-01-01", "requests_per_minute": 6000}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"base_url": "http://api-eu1.sesametime.com"}, "base_url"),
        ({"base_url": "ftp://example.org"}, "base_url"),
        ({"start_date": "01/02/2024"}, "start_date"),
        ({"start_date": "2999-01-01"}, "start_date"),
        ({"region": "mars1"}, "region"),
        ({"api_token": "  "}, "api_token"),
        ({"page_size": 1000}, "page_size"),
        ({"time_off_categories": {"Baja IT": "ILLNESS"}}, "time_off_categories"),
    ],
)
def test_bad_config_values_are_named(change: dict[str, Any], field: str) -> None:
    with pytest.raises(AirbyteTracedException) as raised:
        SourceSesameHR(config={**CONFIG, **change}).validate_config({**CONFIG, **change})
    assert f"'{field}'" in raised.value.message
    assert raised.value.failure_type.value == "config_error"


def test_loopback_http_and_an_https_override_are_accepted() -> None:
    for base_url in ("http://127.0.0.1:8080", "http://localhost:9", "https://api-eu2.sesametime.com/"):
        SourceSesameHR(config=CONFIG).validate_config({**CONFIG, "base_url": base_url})


