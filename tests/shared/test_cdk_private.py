"""Every entry of the private-CDK table (`unified_hris_cdk.cdk_private`) still exists in the installed
CDK, and the code each depends on is the code it was written against: a CDK upgrade that moves,
renames or rewrites one fails here until the use is re-read (see the entry) and re-pinned."""

import importlib
import inspect
import re
from typing import Any

import pytest
from pinning import source_digest
from unified_hris_cdk.cdk_private import PRIVATE_NAMES, PrivateName

#: sha256 of the source (CDK 7.39.1, requests 2.32) of every method-like entry.
DIGESTS = {
    "HttpClient._handle_error_resolution": "d09b80cf4e4a8cc5837659dcd2425c7dd3531e961da56b3e1a9ea1e1b54c7f45",
    "HttpClient._send_with_retry": "1e9bacde06bdf37a285b37a8cfb02226803b4c52180fc98f830aa0be0a60d2be",
    "ModelToComponentFactory._init_mappings": "4912ff9af1f281b911b267b195165fab520d602bb3c848bfd33adc883535614f",
    "ModelToComponentFactory._build_concurrent_cursor": "d150a101a3a0a5522dccb26230137aa1cb24088f22e24e5a9a8fca4ed58e7a10",
    "ModelToComponentFactory._create_component_from_model": "64d5d0863b4a2cdac13a438953e8bbe6b21453a4648dda92dfdc1384ddaecd80",
    "ModelToComponentFactory.create_parent_stream_config_with_substream_wrapper": "2d41f67776f8af76cc34a1c31a9a781cde9082ca081915d9a2157832e25eb986",
    "RecordSelector._normalize_by_schema": "2dc6358608de95c479410e1f13e6f3d0d3632fc30d7898b1278dababee4b7145",
    "HttpResponseFilter._safe_response_json": "6025489366b84475ce66e3107c9a9c08d7df270d6fa5a21c814a1f9b1859e570",
    "SimpleRetriever._parse_response": "c65b12825b8c7361d17829bc7cab7984e50213370968a9dcf93d6bb755943602",
    "JinjaInterpolation._eval": "567d462be61e160f510588f02214e441738a0539d638590c5d92edf460160438",
    "JinjaInterpolation._literal_eval": "1e8508f4364bbfc76334ca20bb769c0071edbd49b00f861e3ee8a1787796ca7a",
    "Session.rebuild_auth": "ddd3997ad6d691e21896aa22b8ffe74dee94d6a2768578c59eaaf58de36b7dbb",
}


def _owner(entry: PrivateName) -> Any:
    module, _, cls = entry.owner.partition(":")
    return getattr(importlib.import_module(module), cls)


def _key(entry: PrivateName) -> str:
    return f"{entry.owner.partition(':')[2]}.{entry.name}"


def _original(owner: Any, name: str) -> Any:
    """The CDK's own function, also when a process-wide patch (`interpolation`, `redirects`) is in place."""
    from unified_hris_cdk import interpolation, redirects

    patched = {
        ("JinjaInterpolation", "_eval"): interpolation.ORIGINAL_EVAL,
        ("JinjaInterpolation", "_literal_eval"): interpolation.ORIGINAL_LITERAL_EVAL,
        ("Session", "rebuild_auth"): redirects.ORIGINAL_REBUILD_AUTH,
    }
    found = patched.get((owner.__name__, name)) or inspect.getattr_static(owner, name)
    return getattr(found, "__func__", found)


@pytest.mark.parametrize("entry", PRIVATE_NAMES, ids=_key)
def test_each_private_name_is_where_the_table_says(entry: PrivateName) -> None:
    owner = _owner(entry)
    if entry.set_in is not None:
        setter = inspect.getsource(getattr(owner, entry.set_in))
        assert re.search(rf"self\.{entry.name}\s*[:=]", setter), (
            f"{_key(entry)} is no longer set in {entry.set_in}"
        )
    else:
        assert source_digest(_original(owner, entry.name)) == DIGESTS[_key(entry)], (
            f"re-read our use of {_key(entry)} ({entry.use}), then re-pin"
        )


def test_every_method_entry_is_pinned_and_every_pin_is_an_entry() -> None:
    assert {_key(e) for e in PRIVATE_NAMES if e.set_in is None} == set(DIGESTS)


def test_the_parent_stream_factory_is_named_by_the_module_global() -> None:
    """The swap works only while the CDK builds the parent's factory by the module's global name."""
    from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory

    source = inspect.getsource(ModelToComponentFactory.create_parent_stream_config_with_substream_wrapper)
    assert "ModelToComponentFactory(" in source
