"""The PeopleHR source: the manifest plus config validation and a check that probes every area."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from airbyte_cdk.models import AirbyteConnectionStatus, Status
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from unified_hris.security import base_url_problem
from unified_hris_cdk import UnifiedDeclarativeSource
from unified_hris_cdk.source import config_error

from source_peoplehr.components.areas import AREAS

QUERY_SETTINGS = [a.query_setting for a in AREAS.values() if a.query_setting]


class SourcePeopleHR(UnifiedDeclarativeSource):
    def validate_config(self, config: Mapping[str, Any]) -> None:
        if not str(config.get("api_key") or "").strip():
            raise config_error("api_key", "it is empty: paste the key from PeopleHR, Settings > API.")
        try:
            start = date.fromisoformat(str(config.get("start_date")))
        except ValueError:
            raise config_error("start_date", "use a date such as 2024-01-01 (YYYY-MM-DD).") from None
        if start > date.today():
            raise config_error("start_date", f"{start} is in the future; use a past date such as 2024-01-01.")
        rpm = config.get("requests_per_minute", 30)
        if isinstance(rpm, bool) or not isinstance(rpm, int) or rpm < 1:
            raise config_error("requests_per_minute", f"{rpm!r} is not a whole number of at least 1.")
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
        symbols = config.get("currency_symbols") or {}
        if not isinstance(symbols, Mapping) or not all(
            isinstance(v, str) and re.fullmatch(r"[A-Z]{3}", v) for v in symbols.values()
        ):
            raise config_error("currency_symbols", 'map symbols to ISO 4217 codes, e.g. {"$": "CAD"}.')

    def probe(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        """`CheckStream` over the manifest's check streams, extended: the first partition of *each*
        PeopleHR area of a stream is read, so a key lacking any area fails with that area's name.
        The streams are built once, so the probes share one API budget and one employee list."""
        names = list(self.resolved_manifest["check"]["stream_names"])
        streams = [s for s in self.streams(config) if s.name in names]
        for stream in sorted(streams, key=lambda s: names.index(s.name)):
            probed: set[str] = set()
            try:
                for partition in stream.generate_partitions():
                    area = str((partition.to_slice() or {}).get("area", ""))
                    if area in probed:
                        continue
                    probed.add(area)
                    next(iter(partition.read()), None)
            except AirbyteTracedException as error:
                message = error.message or error.internal_message or "unknown error"
                return AirbyteConnectionStatus(status=Status.FAILED, message=message)
            except Exception as error:  # a failure nobody mapped: say where, without a traceback
                logger.error("check of %s failed", stream.name, exc_info=True)
                message = f"Reading {stream.name} failed: {type(error).__name__}: {error}"
                return AirbyteConnectionStatus(status=Status.FAILED, message=message)
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)
