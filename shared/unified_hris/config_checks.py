"""Config checks every connector shares. Each returns what to tell the user (without the field name,
which the connector's ``config_error`` adds), or None when the value is usable."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from unified_hris.mapping import today
from unified_hris.schemas import enum_fields


def start_date_problem(value: Any) -> str | None:
    """A ``start_date`` must be a ``YYYY-MM-DD`` date that is not in the future (UTC, as every mapper's
    "today")."""
    try:
        start = date.fromisoformat(str(value))
    except ValueError:
        return f"use a date in the format YYYY-MM-DD, e.g. 2024-01-01; got {value!r}."
    if start > today():
        return f"{start} is in the future; use a past date such as 2024-01-01."
    return None


def whole_number_problem(value: Any, low: int, high: int | None = None) -> str | None:
    """An optional whole number from `low` to `high` (no upper bound when `high` is None)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        return f"use a whole number {bounds}; got {value!r}."
    return None


def category_map_problem(value: Any, example: str) -> str | None:
    """An optional ``{provider name: unified time-off category}`` override (`example` shows one)."""
    allowed = [c for c in enum_fields("time_off_types")["category"] if c]
    if value is None or value == {}:
        return None
    if not isinstance(value, Mapping):
        return f"use an object such as {example}."
    unknown = {name: category for name, category in value.items() if category not in allowed}
    if unknown:
        return f"unknown categories {unknown}; use one of {', '.join(allowed)}."
    return None
