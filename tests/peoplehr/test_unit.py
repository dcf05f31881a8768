"""Config checks (pure functions: no request is made)."""

from __future__ import annotations

from typing import Any

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from source_peoplehr.source import SourcePeopleHR

KEY = "0f3c9a51d2e84b7c9e1a6b2d4c8f0e17"
CONFIG = {"api_key": KEY, "account": "Acme", "start_date": "2025-01-01"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"requests_per_minute": 0}, "requests_per_minute"),
        ({"requests_per_minute": -5}, "requests_per_minute"),
        ({"requests_per_minute": "30"}, "requests_per_minute"),
        ({"requests_per_minute": True}, "requests_per_minute"),
        ({"base_url": "http://api.example.com"}, "base_url"),
        ({"base_url": "https://user:pw@proxy.example.com"}, "base_url"),
        ({"start_date": "01/02/2025"}, "start_date"),
        ({"account": "a:b"}, "account"),
        ({"api_key": " "}, "api_key"),
        ({"holiday_query": "Q", "absence_query": "Q"}, "holiday_query"),
        ({"read_areas": ["Holiday", "Payroll"]}, "read_areas"),
        ({"currency_symbols": {"$": "usd"}}, "currency_symbols"),
    ],
)
def test_bad_config_values_are_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    config = CONFIG | change
    with pytest.raises(AirbyteTracedException) as raised:
        SourcePeopleHR(config=config).validate_config(config)
    assert raised.value.message.startswith(f"Invalid '{field}'")
    assert raised.value.failure_type.value == "config_error"


def test_loopback_may_use_http() -> None:
    config = CONFIG | {"base_url": "http://127.0.0.1:8080", "requests_per_minute": 600}
    SourcePeopleHR(config=config).validate_config(config)
