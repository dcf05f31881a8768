"""Tolerant parsing of provider values: dates, timestamps, decimals, money and booleans.

Every parser returns ``None`` for empty or unparseable input instead of raising: a bad value in
one field must not sink a record, and the raw payload keeps the original. Fast paths handle the
common ISO shapes; pendulum handles the rest.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pendulum

from unified_hris.conventions import format_timestamp

#: Currency symbols that are unambiguous enough to map by default; tenants can pass their own map.
DEFAULT_CURRENCY_SYMBOLS: Mapping[str, str] = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY", "zł": "PLN"}

_TWO_PLACES = Decimal("0.01")
#: Integers below this (in magnitude) fit the decimal context's 28 digits: `parse_decimal` gives str(n).
_PLAIN_INT = 10**27


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """One zone object per name: building it was a tenth of a sync's CPU when done per value."""
    return pendulum.timezone(name)


#: pendulum format tokens that have a ``strptime`` twin (longest first); other tokens go to pendulum.
_STRPTIME_TOKENS = {
    "YYYY": "%Y", "MMM": "%b", "MM": "%m", "M": "%m", "DD": "%d", "D": "%d", "ddd": "%a",
    "HH": "%H", "H": "%H", "mm": "%M", "ss": "%S",
}  # fmt: skip
_TOKEN = re.compile("|".join(sorted(_STRPTIME_TOKENS, key=len, reverse=True)) + r"|[A-Za-z]+|[^A-Za-z]+")


@functools.lru_cache(maxsize=64)
def _strptime_format(fmt: str) -> str | None:
    """The ``strptime`` twin of a pendulum format (``YYYY/MM/DD`` -> ``%Y/%m/%d``), or None when it has a
    token without one: ``strptime`` is tens of times quicker than ``pendulum.from_format``."""
    parts = []
    for token in _TOKEN.findall(fmt):
        if token in _STRPTIME_TOKENS:
            parts.append(_STRPTIME_TOKENS[token])
        elif token[0].isalpha():
            return None
        else:
            parts.append(token.replace("%", "%%"))
    return "".join(parts)


def _from_format(text: str, fmt: str, tz: str = "UTC") -> datetime:
    """`text` read with the pendulum format `fmt`: an offset in it wins, else wall time in `tz`;
    ValueError when it does not match."""
    twin = _strptime_format(fmt)
    if twin is not None:
        return _in_zone(datetime.strptime(text, twin), tz)
    return pendulum.from_format(text, fmt, tz=tz)


def _in_zone(moment: datetime, tz: str) -> datetime:
    """A naive `moment` read as wall time in the IANA zone `tz`."""
    return moment.replace(tzinfo=UTC) if tz == "UTC" else pendulum.instance(moment, tz=_zone(tz))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any, formats: Sequence[str] = ()) -> str | None:
    """An ISO ``YYYY-MM-DD`` string, or None.

    Accepts ISO dates and timestamps, ``date``/``datetime`` objects, the explicit `formats`
    (pendulum tokens, e.g. ``ddd, DD MMM YYYY`` or ``YYYY/MM/DD``), then anything pendulum parses.
    Impossible dates (``201-01-01``, ``0000-00-00``) give None.
    """
    if isinstance(value, str):
        return _date_from_text(value, tuple(formats))
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _date_from_text(str(value), tuple(formats))


#: Distinct values remembered by the text parsers: dates repeat across records (a tenant's three years
#: of time off span about a thousand days), so most values are parsed once per sync. Bounded small:
#: a 50,000-employee tenant's unique birth dates would otherwise hold a few MB of peak RSS.
_TEXT_CACHE_SIZE = 2048


@functools.lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _date_from_text(value: str, formats: tuple[str, ...]) -> str | None:
    text = value.strip()
    if not text:
        return None
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            pass
    for fmt in formats:
        try:
            return _from_format(text, fmt).date().isoformat()
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
    if isinstance(value, str):
        return _datetime_from_text(value, tz, tuple(formats))
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return format_timestamp(value if value.tzinfo else _in_zone(value, tz))
    return _datetime_from_text(str(value), tz, tuple(formats))


@functools.lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _datetime_from_text(value: str, tz: str, formats: tuple[str, ...]) -> str | None:
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return format_timestamp(moment if moment.tzinfo else _in_zone(moment, tz))
    except ValueError:
        pass
    for fmt in formats:
        try:
            return format_timestamp(_from_format(text, fmt, tz))
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
    if type(value) is int and -_PLAIN_INT < value < _PLAIN_INT:
        return str(value)  # what the Decimal round trip below gives for it
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
    if type(value) is str:
        return value.strip() or None
    if _blank(value) or isinstance(value, dict | list):
        return None
    return str(value).strip()


