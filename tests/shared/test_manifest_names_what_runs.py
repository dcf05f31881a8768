"""Each connector's manifest names the cursor that runs: every stream with change detection names its
class as ``$parameters.change_detection.class_name``, and the stream the source builds has exactly that
cursor (the swaps the CDK offers no type for are in shared/README.md's "What runs that the manifest does
not name")."""

from __future__ import annotations

from typing import Any

import pytest
from source_peoplehr.source import SourcePeopleHR
from source_sage_hr.source import SourceSageHR
from source_sesame_hr import SourceSesameHR

CONFIGS: dict[type, dict[str, Any]] = {
    SourceSageHR: {"subdomain": "acme", "api_key": "k" * 32, "start_date": "2026-01-01"},
    SourcePeopleHR: {"api_key": "0f3c9a51d2e84b7c9e1a6b2d4c8f0e17", "account": "Acme", "start_date": "2025-01-01"},
    SourceSesameHR: {"api_token": "t" * 30, "region": "eu1", "start_date": "2024-01-01"},
}


@pytest.mark.parametrize("source_class", list(CONFIGS), ids=lambda c: c.__name__)
def test_every_stream_runs_the_cursor_its_manifest_names(source_class: type) -> None:
    config = CONFIGS[source_class]
    source = source_class(config=config)
    declared = {
        stream["name"]: stream["incremental_sync"]["$parameters"]["change_detection"]["class_name"]
        for stream in source.resolved_manifest["streams"]
    }
    built = {s.name: f"{type(s.cursor).__module__}.{type(s.cursor).__name__}" for s in source.streams(config)}
    assert built == declared
