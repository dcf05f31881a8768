"""The selector of streams without schema normalisation passes records through without copying them,
as the CDK's would give them (the CDK method it replaces is pinned)."""

import sys
from pathlib import Path

from airbyte_cdk.sources.declarative.extractors.record_selector import RecordSelector
from airbyte_cdk.sources.utils.transform import TransformConfig, TypeTransformer
from pinning import source_digest
from unified_hris_cdk.selector import PassThroughRecordSelector, normalises_nothing

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "toy_connector"))

from source_toy_hr.source import SourceToyHR

CONFIG = {"base_url": "http://127.0.0.1:9", "api_token": "t" * 32, "start_date": "2024-01-01"}

#: sha256 of CDK 7.39.1's `TypeTransformer.transform`: the pass-through is exact only while it returns at
#: once for `NoTransform` (the replaced `RecordSelector._normalize_by_schema`, which copies, is pinned
#: with the other private names in `test_cdk_private.py`).
TRANSFORM_DIGEST = "a2edc65612fdb4a1c008d1cae6674d353b8a0a8c5f3528a006637f21f5975a08"


def test_the_cdk_method_the_pass_through_relies_on_is_the_pinned_one():
    assert source_digest(TypeTransformer.transform) == TRANSFORM_DIGEST


def test_every_stream_of_a_connector_gets_the_pass_through_selector():
    for stream in SourceToyHR(config=CONFIG).streams(CONFIG):
        retriever = stream._stream_partition_generator._partition_factory._retriever
        assert type(retriever.record_selector) is PassThroughRecordSelector, stream.name


def test_pass_through_gives_what_the_cdk_gives():
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    records = [{"n": "1"}, {"n": 2, "x": None}]
    cdk = RecordSelector.__new__(RecordSelector)
    cdk.schema_normalization = TypeTransformer(TransformConfig.NoTransform)
    assert normalises_nothing(cdk)
    expected = list(cdk._normalize_by_schema([dict(r) for r in records], schema))
    ours = PassThroughRecordSelector.__new__(PassThroughRecordSelector)
    assert list(ours._normalize_by_schema([dict(r) for r in records], schema)) == expected
    cdk.schema_normalization = TypeTransformer(TransformConfig.DefaultSchemaNormalization)
    assert not normalises_nothing(cdk)
