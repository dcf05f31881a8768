"""Settings the environment may override (tests shorten intervals and budgets this way)."""

from __future__ import annotations

import os


def seconds(variable: str, default: float) -> float:
    """The non-negative number of seconds in the environment `variable`, else `default`."""
    try:
        return max(0.0, float(os.environ[variable]))
    except (KeyError, ValueError):
        return default
