"""The component factory's hooks, for the pinned CDK: a declared change-detection cursor becomes ours,
parent streams are built with the same hooks, the budget, the console script. Every private CDK name
these hooks touch is in `unified_hris_cdk.cdk_private` (pinned by `test_cdk_private.py`)."""

import sys
from pathlib import Path

import pytest
from unified_hris_cdk import ChangeDetectionCursor

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "toy_connector"))

from source_toy_hr.source import SourceToyHR

CONFIG = {"base_url": "http://127.0.0.1:9", "api_token": "t" * 32, "start_date": "2024-01-01"}


def test_every_declared_stream_gets_the_change_detection_cursor():
    streams = {s.name: s for s in SourceToyHR(config=CONFIG).streams(CONFIG)}
    assert set(streams) == {"employees", "departments", "time_off_requests", "compensations"}
    for stream in streams.values():
        assert isinstance(stream.cursor, ChangeDetectionCursor), stream.name
        assert stream.cursor_field == "modified_at"


def test_windowed_stream_slices_carry_the_request_window():
    stream = next(s for s in SourceToyHR(config=CONFIG).streams(CONFIG) if s.name == "time_off_requests")
    slices = list(stream.cursor.stream_slices())
    assert slices[0].cursor_slice["start_time"] == "2024-01-01"
    assert all(set(s.cursor_slice) == {"start_time", "end_time"} for s in slices)


def test_parent_streams_are_built_with_the_same_factory_hooks():
    """The CDK builds a substream's parent with a factory of its own; ours must build it (timeout, one parse)."""
    from unified_hris_cdk.decoders import ParsedBodyDecoder
    from unified_hris_cdk.factory import DEFAULT_READ_TIMEOUT_SECONDS

    stream = next(s for s in SourceToyHR(config=CONFIG).streams(CONFIG) if s.name == "compensations")
    parent = stream.cursor._partition_router.parent_stream_configs[0].stream
    retriever = parent._stream_partition_generator._partition_factory._retriever
    assert isinstance(retriever.record_selector.extractor.decoder, ParsedBodyDecoder)
    assert retriever.requester._http_client._request_timeout[1] == DEFAULT_READ_TIMEOUT_SECONDS


def test_the_budget_remembers_calls_not_requests():
    """A policy for every request keeps timestamps only: the CDK's kept each request for the window."""
    from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
        MovingWindowCallRatePolicy as PolicyModel,
    )
    from airbyte_cdk.sources.streams.call_rate import CallRateLimitHit
    from unified_hris_cdk.budget import CallCountingPolicy
    from unified_hris_cdk.factory import UnifiedComponentFactory

    policy = UnifiedComponentFactory().create_component(
        PolicyModel,
        {
            "type": "MovingWindowCallRatePolicy",
            "rates": [{"type": "Rate", "limit": 2, "interval": "PT1M"}],
            "matchers": [],
        },
        CONFIG,
    )
    assert isinstance(policy, CallCountingPolicy)
    for request in (object(), object()):
        policy.try_acquire(request, weight=1)
    assert [item.name for item in policy._bucket.items] == ["call", "call"]
    with pytest.raises(CallRateLimitHit):  # the limit still holds
        policy.try_acquire(object(), weight=1)


def test_the_console_script_parses_the_state_file_once(tmp_path, monkeypatch, capsys):
    """The entrypoint asks for --state again; a second parse would hold every fingerprint twice."""
    import json

    from airbyte_cdk.connector import BaseConnector
    from unified_hris_cdk import files
    from unified_hris_cdk.entrypoint import run

    paths = {}
    for name, payload in {
        "config": CONFIG,
        "catalog": {"streams": []},
        "state": [
            {"type": "STREAM", "stream": {"stream_descriptor": {"name": "employees"}, "stream_state": {}}}
        ],
    }.items():
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(payload))
    reads: list[str] = []
    original = BaseConnector._read_json_file
    original_load = files._load_json

    def counting(file_path: str):
        reads.append(str(file_path))
        return original(file_path)

    def counting_load(file_path: str, what: str):
        reads.append(str(file_path))
        return original_load(file_path, what)

    monkeypatch.setattr(BaseConnector, "_read_json_file", staticmethod(counting))
    monkeypatch.setattr(files, "_load_json", counting_load)
    run(SourceToyHR, ["read", *(arg for name in paths for arg in (f"--{name}", str(paths[name])))])
    assert reads.count(str(paths["state"])) == 1
    assert "Traceback" not in capsys.readouterr().out


def test_a_long_message_is_written_whole_after_what_was_buffered(capsys):
    from unified_hris_cdk.entrypoint import DIRECT_WRITE_CHARS, _write_message

    state = '{"type":"STATE","state":"' + "0123456789abcdef," * (DIRECT_WRITE_CHARS // 17 + 1) + '"}'
    for message in ('{"type":"RECORD"}', state, '{"type":"LOG"}'):
        _write_message(message)
    assert capsys.readouterr().out.split("\n") == ['{"type":"RECORD"}', state, '{"type":"LOG"}', ""]
