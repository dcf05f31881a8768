"""Config normalisation and checks. The subdomain must be one DNS label, so the key only ever goes to
``https://{label}.sage.hr``; every refusal names the field and says what to enter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from unified_hris.config_checks import category_map_problem, start_date_problem, whole_number_problem
from unified_hris.security import base_url_problem
from unified_hris_cdk import config_error

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_ADDRESS = re.compile(r"(?:https?://)?(?P<label>[^/]+?)(?:\.sage\.hr)?/?")
SUBDOMAIN_HELP = (
    "enter only your Sage HR subdomain, the part before .sage.hr in the address you sign in at "
    "(for https://acme.sage.hr enter acme)"
)


def normalise_subdomain(value: Any) -> str | None:
    """``acme``, ``acme.sage.hr`` and ``https://acme.sage.hr/`` give ``acme``; anything else gives None."""
    if not isinstance(value, str):
        return None
    match = _ADDRESS.fullmatch(value.strip().lower())
    if match is None or not _LABEL.fullmatch(match["label"]):
        return None
    return match["label"]


def normalise_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The config with a normalisable subdomain reduced to its label and ``base_url`` without a trailing
    slash; values that cannot be normalised are left for `validate` to reject."""
    out = dict(config)
    label = normalise_subdomain(out.get("subdomain"))
    if label is not None:
        out["subdomain"] = label
    if isinstance(out.get("base_url"), str):
        out["base_url"] = out["base_url"].strip().rstrip("/") or None
    return out


def validate(config: Mapping[str, Any]) -> None:
    """Raise a ``config_error`` naming the field for a value the connector cannot use."""
    subdomain = config.get("subdomain")
    if subdomain is None or normalise_subdomain(subdomain) != subdomain:
        raise config_error("subdomain", f"{SUBDOMAIN_HELP}; got {subdomain!r}.")
    if not isinstance(config.get("api_key"), str) or not config["api_key"].strip():
        raise config_error(
            "api_key",
            "enter the API key from Sage HR Settings > Integrations > API (an admin must enable it).",
        )
    problem = start_date_problem(config.get("start_date"))
    if problem:
        raise config_error("start_date", problem)
    for field, low, high in (("future_horizon_days", 0, 3650), ("requests_per_minute", 1, 100_000)):
        problem = whole_number_problem(config.get(field), low, high)
        if problem:
            raise config_error(field, problem)
    base_url = config.get("base_url")
    problem = base_url_problem(base_url) if base_url else None
    if problem:
        raise config_error(
            "base_url",
            f"{problem}, or leave it empty to use https://{{subdomain}}.sage.hr/api.",  # never echoed: it may hold a password
        )
    problem = category_map_problem(config.get("policy_categories"), '{"Duvet day": "PERSONAL"}')
    if problem:
        raise config_error("policy_categories", problem)
