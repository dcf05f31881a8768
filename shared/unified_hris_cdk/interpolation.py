"""Exact shortcuts in the CDK's Jinja interpolation (its methods replaced for speed, results unchanged).

The CDK interpolates every templated value of every request (url, path, headers and parameters with
their keys, paginator cursor and stop condition, each response filter's predicate): it renders the
template, then reads the text back with ``ast.literal_eval`` (``"2"`` -> ``2``, ``"True"`` -> ``True``).
Profiled on Sage HR (10,000 employees, 5,473 requests), that was a tenth of the sync's CPU, a third
of it in ``ast``. Two shortcuts keep every result identical:

- `JinjaInterpolation._literal_eval` remembers what each rendered text reads as (a sync renders the
  same few texts over and over: ``"True"``, ``"False"``, page numbers, dates), for immutable results
  only: a list or dict is read afresh each time, as the CDK does.
- `JinjaInterpolation._eval` returns a text without template syntax as it is (Jinja renders such a
  text unchanged when it has no ``{`` and no line break), without building a render context.

`install` is idempotent; `UnifiedDeclarativeSource` calls it. The overridden methods are in
`cdk_private`, whose test pins their source: it fails when the CDK changes them under us.
"""

from __future__ import annotations

import functools
from typing import Any

from airbyte_cdk.sources.declarative.interpolation.jinja import JinjaInterpolation

#: The CDK methods replaced by `install` (kept for the test that pins them and for uncached reads).
ORIGINAL_LITERAL_EVAL = JinjaInterpolation._literal_eval
ORIGINAL_EVAL = JinjaInterpolation._eval

#: Result types safe to share between callers.
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
_TEMPLATE_MARKS = ("{", "\n", "\r")


@functools.lru_cache(maxsize=1024)
def _read_literal(text: str, valid_types: tuple[type, ...] | None) -> Any:
    return ORIGINAL_LITERAL_EVAL(_READER, text, valid_types)


_READER = JinjaInterpolation()


def _literal_eval(self: JinjaInterpolation, result: Any, valid_types: Any) -> Any:
    if type(result) is not str:
        return ORIGINAL_LITERAL_EVAL(self, result, valid_types)
    try:
        value = _read_literal(result, valid_types)
    except TypeError:  # valid_types not hashable
        return ORIGINAL_LITERAL_EVAL(self, result, valid_types)
    if type(value) in _IMMUTABLE:
        return value
    return ORIGINAL_LITERAL_EVAL(self, result, valid_types)  # a fresh list/dict for each caller


def _eval(self: JinjaInterpolation, s: Any, context: Any) -> Any:
    if type(s) is str and not any(mark in s for mark in _TEMPLATE_MARKS):
        return s
    return ORIGINAL_EVAL(self, s, context)


def install() -> None:
    """Put the shortcuts on `JinjaInterpolation` (every interpolation of this process)."""
    JinjaInterpolation._literal_eval = _literal_eval  # type: ignore[method-assign,assignment]
    JinjaInterpolation._eval = _eval  # type: ignore[method-assign,assignment]
