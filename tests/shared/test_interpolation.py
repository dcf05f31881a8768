"""The interpolation shortcuts (`unified_hris_cdk.interpolation`) give what the CDK gives. The private
methods they replace are pinned with the other private names (`test_cdk_private.py`); the public
`eval` that calls them is pinned here."""

from airbyte_cdk.sources.declarative.interpolation.interpolated_boolean import InterpolatedBoolean
from airbyte_cdk.sources.declarative.interpolation.interpolated_mapping import InterpolatedMapping
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.interpolation.jinja import JinjaInterpolation
from pinning import source_digest
from unified_hris_cdk import interpolation

#: sha256 of CDK 7.39.1's `JinjaInterpolation.eval`: the shortcuts rely on how it calls `_eval` and
#: `_literal_eval` (those two are in `unified_hris_cdk.cdk_private`).
EVAL_DIGEST = "abda01329f3fcaf765abfcedeab6fc5f6a79c0f14e182e4b8928597ee7654d1d"


def test_the_cdk_method_calling_the_replaced_ones_is_the_pinned_one():
    assert source_digest(JinjaInterpolation.eval) == EVAL_DIGEST


TEMPLATES = [
    "application/json",
    "plain text\n",
    "two\r\nlines",
    "123",
    "1e5",
    "0x10",
    "True",
    "true",
    "None",
    "",
    "[1, 2]",
    "{'a': 1}",
    "{{ config['key'] }}",
    "{{ config['number'] }}",
    "{{ config.get('missing') }}",
    "{{ stream_partition.listing }}",
    "/{{ stream_partition['listing'] }}/x",
    "{{ response.meta.next_page }}",
    "{{ [1, 2] }}",
    "{{ undefined_name }}",
]
CONFIG = {"key": "k-123", "number": "42"}
CONTEXT = {"stream_slice": {"listing": "employees"}, "response": {"meta": {"next_page": 3}}}


def _evaluate(template):
    try:
        return ("value", InterpolatedString.create(template, parameters={}).eval(CONFIG, **CONTEXT))
    except Exception as error:  # the same failure either way
        return ("error", type(error).__name__)


def test_shortcuts_give_what_the_cdk_gives(monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(JinjaInterpolation, "_literal_eval", interpolation.ORIGINAL_LITERAL_EVAL)
        patch.setattr(JinjaInterpolation, "_eval", interpolation.ORIGINAL_EVAL)
        expected = [_evaluate(t) for t in TEMPLATES]
        expected_bool = InterpolatedBoolean("{{ response.meta.next_page > 2 }}", parameters={}).eval(
            CONFIG, **CONTEXT
        )
        expected_mapping = InterpolatedMapping({"Accept": "application/json", "n": "7"}, parameters={}).eval(
            CONFIG
        )
    interpolation.install()
    assert JinjaInterpolation._eval is interpolation._eval
    for _ in range(2):  # the second time from the remembered literals
        assert [_evaluate(t) for t in TEMPLATES] == expected
    assert (
        InterpolatedBoolean("{{ response.meta.next_page > 2 }}", parameters={}).eval(CONFIG, **CONTEXT)
        is expected_bool
    )
    assert (
        InterpolatedMapping({"Accept": "application/json", "n": "7"}, parameters={}).eval(CONFIG)
        == expected_mapping
    )


def test_a_list_read_from_a_rendered_text_is_never_shared():
    interpolation.install()
    first = InterpolatedString.create("{{ [1, 2] }}", parameters={}).eval(CONFIG)
    first.append(3)
    assert InterpolatedString.create("{{ [1, 2] }}", parameters={}).eval(CONFIG) == [1, 2]
