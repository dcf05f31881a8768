"""The interpolation shortcuts (`unified_hris.components.interpolation`) give what the CDK gives, and the
CDK methods they replace are the ones they were written against."""

from airbyte_cdk.sources.declarative.interpolation.interpolated_boolean import InterpolatedBoolean
from airbyte_cdk.sources.declarative.interpolation.interpolated_mapping import InterpolatedMapping
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.interpolation.jinja import JinjaInterpolation
from pinning import source_digest
from unified_hris.components import interpolation

#: sha256 of the CDK 7.39.1 sources of the replaced methods: a CDK that changes them must be re-read.
#: `eval` is pinned too: the shortcuts rely on how it calls the other two.
PINNED = {
    "_literal_eval": "1e8508f4364bbfc76334ca20bb769c0071edbd49b00f861e3ee8a1787796ca7a",
    "_eval": "567d462be61e160f510588f02214e441738a0539d638590c5d92edf460160438",
    "eval": "abda01329f3fcaf765abfcedeab6fc5f6a79c0f14e182e4b8928597ee7654d1d",
}


def test_the_replaced_cdk_methods_are_the_pinned_ones():
    assert source_digest(interpolation.ORIGINAL_LITERAL_EVAL) == PINNED["_literal_eval"]
    assert source_digest(interpolation.ORIGINAL_EVAL) == PINNED["_eval"]
    assert source_digest(JinjaInterpolation.eval) == PINNED["eval"]


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
