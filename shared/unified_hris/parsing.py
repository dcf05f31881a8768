"""Tolerant parsing of provider values: dates, timestamps, decimals, money and booleans.

Every parser returns ``None`` for empty or unparseable input instead of raising: a bad value in
one field must not sink a record, and the raw payload keeps the original. Fast paths handle the
common ISO shapes; pendulum handles the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pendulum

from unified_hris.conventions import format_timestamp

#: Currency symbols that are unambiguous enough to map by default; tenants can pass their own map.
DEFAULT_CURRENCY_SYMBOLS: Mapping[str, str] = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY", "zł": "PLN"}

_TWO_PLACES = Decimal("0.01")


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """One zone object per name: building it was a tenth of a sync's CPU when done per value."""
    return pendulum.timezone(name)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any, formats: Sequence[str] = ()) -> str | None:
    """An ISO ``YYYY-MM-DD`` string, or None.

    Accepts ISO dates and timestamps, ``date``/``datetime`` objects, the explicit `formats`
    (pendulum tokens, e.g. ``ddd, DD MMM YYYY`` or ``YYYY/MM/DD``), then anything pendulum parses.
    Impossible dates (``201-01-01``, ``0000-00-00``) give None.
    """
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            pass
    for fmt in formats:
        try:
            return pendulum.from_format(text, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        parsed = pendulum.parse(text, strict=False)
    except (ValueError, OverflowError, pendulum.parsing.exceptions.ParserError):
        return None
    if isinstance(parsed, datetime | date) and parsed.year >= 1000:
        return parsed.isoformat()[:10]
    return None


def parse_datetime(value: Any, tz: str = "UTC", formats: Sequence[str] = ()) -> str | None:
    """An ISO-8601 UTC timestamp (``...Z``), or None.

    Offsets in the value win; naive values are read in `tz` (an IANA name, e.g. the provider's
    documented local time zone). `formats` are pendulum tokens tried before generic parsing.
    """
    if _blank(value):
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else pendulum.instance(value, tz=_zone(tz))
        return format_timestamp(moment)
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = pendulum.instance(moment, tz=_zone(tz))
        return format_timestamp(moment)
    except ValueError:
        pass
    for fmt in formats:
        try:
            return format_timestamp(pendulum.from_format(text, fmt, tz=tz))
        except ValueError:
            continue
    try:
        parsed = pendulum.parse(text, strict=False, tz=tz)
    except (ValueError, OverflowError, pendulum.parsing.exceptions.ParserError):
        return None
    if isinstance(parsed, datetime):
        return format_timestamp(parsed)
    return None


def parse_decimal(value: Any) -> str | None:
    """A plain decimal string (``"37.5"``, ``"-2"``), or None. Strings with thousands separators
    (``"1,200.50"``) are accepted; floats are read through their shortest repr, never binary noise."""
    if _blank(value) or isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "").replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def parse_money(value: Any) -> str | None:
    """A money amount as a decimal string with at least two places (``"3500.00"``, ``"12.345"``)."""
    text = parse_decimal(value)
    if text is None:
        return None
    number = Decimal(text)
    if number.as_tuple().exponent > -2:  # type: ignore[operator]
        number = number.quantize(_TWO_PLACES)
    return format(number, "f")


def parse_currency(value: Any, symbols: Mapping[str, str] = DEFAULT_CURRENCY_SYMBOLS) -> str | None:
    """An ISO-4217 code from a code (``gbp``) or a known symbol (``£``); None when unknown."""
    if _blank(value):
        return None
    text = str(value).strip()
    if text in symbols:
        return symbols[text]
    if len(text) == 3 and text.isalpha():
        return text.upper()
    return None


def parse_bool(value: Any) -> bool | None:
    """True/False from booleans, ``"true"``/``"yes"``/``"1"`` and friends; None otherwise."""
    if isinstance(value, bool):
        return value
    if _blank(value):
        return None
    text = str(value).strip().casefold()
    if text in ("true", "yes", "y", "1", "on"):
        return True
    if text in ("false", "no", "n", "0", "off"):
        return False
    return None


def clean_str(value: Any) -> str | None:
    """A stripped string, or None for null/empty; numbers become their string form."""
    if _blank(value) or isinstance(value, dict | list):
        return None
    return str(value).strip()


def utc_now() -> datetime:
    return datetime.now(UTC)
