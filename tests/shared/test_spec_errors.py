"""A config outside the spec's bounds fails `check` with a message naming the field and the bound
(never the value, never a traceback), for every kind of bound the specs use."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from source_peoplehr.source import SourcePeopleHR
from source_sage_hr.source import SourceSageHR
from source_sesame_hr.source import SourceSesameHR

SOURCES = {
    "sage-hr": (SourceSageHR, {"subdomain": "acme", "api_key": "k" * 20, "start_date": "2024-01-01"}),
    "sesame-hr": (SourceSesameHR, {"api_token": "t" * 20, "start_date": "2024-01-01"}),
    "peoplehr": (SourcePeopleHR, {"api_key": "k" * 20, "account": "acme", "start_date": "2024-01-01"}),
}
#: fields that only the spec checks (the connectors' own checks word theirs, e.g. requests_per_minute)
BAD = [
    ("refresh_budget", -1, "use at least 0."),
    ("refresh_budget", "many", "use a value of type integer."),
]


@pytest.mark.parametrize("provider", SOURCES)
@pytest.mark.parametrize(("field", "value", "message"), BAD)
def test_a_value_outside_the_spec_names_the_field_and_the_bound(
    provider: str, field: str, value: Any, message: str
) -> None:
    source_class, base = SOURCES[provider]
    config = base | {field: value}
    with pytest.raises(AirbyteTracedException) as failed:
        source_class(config=config).check(logging.getLogger("test"), config)
    assert failed.value.failure_type.value == "config_error"
    assert failed.value.message == f"Invalid '{field}': {message}"
