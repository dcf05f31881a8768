"""Property-based tests of every mapper: payloads shaped like the provider's own (real records the
connector read from its sandbox, captured with the slice they came with) with fields dropped, nulled,
retyped, given odd dates or unknown enum values, always give a record valid against the strict unified
schema that keeps the raw payload in ``remote_data``, or a warning for that record: never an exception
that would fail the whole sync."""

from __future__ import annotations

import copy
import importlib
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import read
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from unified_hris.mapping import RECORD_CONTEXT
from unified_hris.schemas import load_schema
from unified_hris_cdk import UnifiedRecord

from .conftest import CONNECTORS, Connector, start_sandbox

pytestmark = pytest.mark.slow

#: What identifies a record, or the connector put next to the payload: never drifted here (an id
#: turning from number to string is drifted end to end in test_faults).
KEEP = {"id", "EmployeeId", "employee_id", RECORD_CONTEXT}
ODD = st.sampled_from(
    ["", " ", "0000-00-00", "2024-02-30", "31/12/2024", "2024-01-01T25:61:00Z", "yesterday", "NaN", "-1",
     "1e309", "9999-12-31", "Mon, 01 Jan 2024", "£1,234.5", "UNKNOWN_ENUM", "Approved\u200b", "💥"]
)  # fmt: skip
NUMBERS = st.one_of(st.integers(-(2**40), 2**40), st.floats(allow_nan=False, allow_infinity=False))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    ODD,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
#: Records the connector builds from its own tables, not from a provider payload.
SYNTHETIC = {("peoplehr", "time_off_types")}
#: the stream's transformation, raw payload, slice, and the config it was read with
Sample = tuple[UnifiedRecord, dict[str, Any], Any, dict[str, Any]]


def source_class(connector: Connector) -> Any:
    package = f"source_{connector.name.replace('-', '_')}"
    module = importlib.import_module(f"{package}.source")
    return next(
        v
        for k, v in vars(module).items()
        if k.startswith("Source")
        and k != "Source"
        and isinstance(v, type)
        and v.__module__ == module.__name__
    )


@pytest.fixture(scope="module", params=CONNECTORS, ids=str)
def samples(request: pytest.FixtureRequest) -> Iterator[tuple[Connector, dict[str, list[Sample]]]]:
    """Up to 15 raw payloads per stream, captured as the connector's transformation received them."""
    connector: Connector = request.param
    sandbox = start_sandbox(connector)
    captured: dict[str, list[Sample]] = {}
    original = UnifiedRecord.transform

    def capture(
        self: UnifiedRecord,
        record: dict[str, Any],
        config: Any = None,
        stream_state: Any = None,
        stream_slice: Any = None,
    ) -> None:
        bucket = captured.setdefault(self.model, [])
        if len(bucket) < 15:
            bucket.append((self, copy.deepcopy(record), stream_slice, dict(config)))
        original(self, record, config, stream_state, stream_slice)

    try:
        config = {**sandbox.app.connector_config(sandbox.url), **connector.config}
        cls = source_class(connector)
        names = [s.name for s in cls(config=config).streams(config)]
        catalog = CatalogBuilder()
        for name in names:
            catalog = catalog.with_stream(name, SyncMode.full_refresh)
        UnifiedRecord.transform = capture  # type: ignore[method-assign]
        try:
            output = read(cls(config=config, catalog=catalog.build()), config, catalog.build())
        finally:
            UnifiedRecord.transform = original  # type: ignore[method-assign]
        assert not output.errors, [e.trace.error.message for e in output.errors]
    finally:
        sandbox.stop()
    yield connector, captured


def drop_nulls(value: Any) -> Any:
    """What the CDK emits: null values are left out of the serialised record."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


@st.composite
def mutated(draw: st.DrawFn, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with fields missing, nulls, odd strings (dates, unknown enum values) where strings
    were, other numbers where numbers were, the same inside nested objects, and maybe a new field."""
    out: dict[str, Any] = {}
    for key, value in payload.items():
        action = "keep" if key in KEEP else draw(st.sampled_from(["keep", "keep", "drop", "null", "other"]))
        if action == "null":
            out[key] = None
        elif action == "other" and isinstance(value, str):
            out[key] = draw(ODD | st.text(max_size=12))
        elif action == "other" and isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = draw(NUMBERS)
        elif action == "other" and isinstance(value, dict):
            out[key] = draw(mutated(value))
        elif action == "other" and isinstance(value, list) and value and isinstance(value[0], dict):
            out[key] = [draw(mutated(value[0])), *value[1:]]
        elif action != "drop":
            out[key] = value
    if draw(st.booleans()):
        out[draw(st.text(min_size=1, max_size=10))] = draw(VALUES)  # a field the provider added
    return out


def check_model(model: str, payloads: list[Sample], caplog: pytest.LogCaptureFixture) -> None:
    validator = Draft7Validator(load_schema(model, strict=True))

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(index=st.integers(0, len(payloads) - 1), data=st.data())
    def maps(index: int, data: st.DataObject) -> None:
        transform, raw, stream_slice, config = payloads[index]
        payload = data.draw(mutated(raw))
        record = copy.deepcopy(payload)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="airbyte"):
            # the captured call itself (the payload still carries its context); the read's config names
            # the tenant it already resolved (Sesame's is read from the API)
            UnifiedRecord.transform(
                transform, record, {**config, "include_remote_data": True}, None, stream_slice
            )
        errors = [
            f"{list(e.absolute_path)}: {e.message[:120]}" for e in validator.iter_errors(drop_nulls(record))
        ]
        assert not errors, (model, errors)
        kept = {k: v for k, v in payload.items() if k != RECORD_CONTEXT}
        assert record["remote_data"][0]["data"] == kept, "the raw payload is kept whole"

    maps()


def test_any_payload_shape_maps_to_a_valid_record_keeping_the_raw_value(samples, caplog) -> None:
    connector, captured = samples
    assert captured, "the read captured payloads"
    for model, payloads in captured.items():
        if (connector.name, model) not in SYNTHETIC:
            check_model(model, payloads, caplog)
