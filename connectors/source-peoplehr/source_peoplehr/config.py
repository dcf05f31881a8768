"""Config checks: every refusal is a ``config_error`` naming the field and saying what to enter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from unified_hris.config_checks import category_map_problem, start_date_problem, whole_number_problem
from unified_hris.security import base_url_problem
from unified_hris_cdk import config_error

from source_peoplehr.components.areas import AREAS

#: The config fields that name a saved query (one per area that can be read through one).
QUERY_SETTINGS = [a.query_setting for a in AREAS.values() if a.query_setting]


def validate(config: Mapping[str, Any]) -> None:
    """Raise a ``config_error`` naming the field for a value the connector cannot use."""
    if not str(config.get("api_key") or "").strip():
        raise config_error("api_key", "it is empty: paste the key from PeopleHR, Settings > API.")
    problem = start_date_problem(config.get("start_date"))
    if problem:
        raise config_error("start_date", problem)
    problem = whole_number_problem(config.get("requests_per_minute"), 1)
    if problem:
        raise config_error("requests_per_minute", problem)
    if config.get("base_url") not in (None, ""):
        problem = base_url_problem(config["base_url"])
        if problem:
            raise config_error("base_url", problem)
    names: dict[str, str] = {}
    for setting in QUERY_SETTINGS:
        value = config.get(setting)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or not value.strip():
            raise config_error(
                setting, "give the name of a saved query in PeopleHR's Query Builder, or leave it empty."
            )
        twin = next((other for other, name in names.items() if name == value.strip()), None)
        if twin:
            raise config_error(
                twin, f"each saved query reads one area: give {setting} a different query."
            )
        names[setting] = value.strip()
    areas = config.get("read_areas")
    known = {a.name for a in AREAS.values() if a.optional}
    if areas is not None and (not isinstance(areas, list) or not set(areas) <= known):
        raise config_error("read_areas", f"use a list of {', '.join(sorted(known))}.")
    account = str(config.get("account") or "").strip()
    if not account or ":" in account:
        raise config_error(
            "account", "give your PeopleHR account name (acme for acme.peoplehr.net), without ':'."
        )
    hours = config.get("hours_per_day", 7.5)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 24:
        raise config_error("hours_per_day", f"{hours!r} is not a number of hours above 0 and up to 24.")
    if config.get("paid_absence_status", 1) not in (1, 2) or isinstance(config.get("paid_absence_status"), bool):
        raise config_error("paid_absence_status", "give 1 or 2: the AbsencePaidStatus code of a paid absence.")
    problem = category_map_problem(config.get("time_off_categories"), '{"Jury service": "JURY_DUTY"}')
    if problem:
        raise config_error("time_off_categories", problem)
    symbols = config.get("currency_symbols") or {}
    if not isinstance(symbols, Mapping) or not all(
        isinstance(v, str) and re.fullmatch(r"[A-Z]{3}", v) for v in symbols.values()
    ):
        raise config_error("currency_symbols", 'map symbols to ISO 4217 codes, e.g. {"$": "CAD"}.')
