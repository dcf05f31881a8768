"""Config checks: every refusal is a ``config_error`` naming the field and saying what to enter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from unified_hris.config_checks import category_map_problem, start_date_problem, whole_number_problem
from unified_hris.security import base_url_problem
from unified_hris_cdk import config_error

REGIONS = ("eu1",)


def validate(config: Mapping[str, Any]) -> None:
    """Raise a ``config_error`` naming the field for a value the connector cannot use."""
    token = config.get("api_token")
    if not isinstance(token, str) or not token.strip() or any(ch.isspace() for ch in token.strip()):
        raise config_error(
            "api_token", "paste the token from Sesame (Settings > Integrations > API), without spaces."
        )
    region = config.get("region", "eu1")
    if region not in REGIONS:
        raise config_error(
            "region", f"known regions are {', '.join(REGIONS)}; for another one set base_url."
        )
    _validate_base_url(config.get("base_url"))
    problem = start_date_problem(config.get("start_date"))
    if problem:
        raise config_error("start_date", problem)
    for field, low, high in (
        ("requests_per_minute", 1, None),
        ("num_workers", 1, 10),
        ("page_size", 1, 500),
    ):
        problem = whole_number_problem(config.get(field), low, high)
        if problem:
            raise config_error(field, problem)
    problem = category_map_problem(config.get("time_off_categories"), '{"Baja IT": "SICK"}')
    if problem:
        raise config_error("time_off_categories", problem)


def _validate_base_url(value: Any) -> None:
    problem = None if value in (None, "") else base_url_problem(value)
    if problem:  # the value is never echoed: it may hold a password
        raise config_error("base_url", f"{problem}, or leave it empty to use https://api-<region>.sesametime.com.")
