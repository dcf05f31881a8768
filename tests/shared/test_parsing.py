from decimal import Decimal

import pytest
from unified_hris.parsing import (
    clean_str,
    parse_bool,
    parse_currency,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_money,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-02", "2024-01-02"),
        ("2024-01-02T23:30:00+02:00", "2024-01-02"),
        ("2024/03/01", "2024-03-01"),
        ("201-01-01", None),  # the typo in Sage HR's spec examples
        ("0000-00-00", None),
        ("", None),
        (None, None),
        ("not a date", None),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


def test_parse_date_with_explicit_format():
    assert parse_date("Thu, 25 May 2023", ["ddd, DD MMM YYYY"]) == "2023-05-25"


def test_parse_datetime_normalises_offsets_and_local_times():
    assert parse_datetime("2024-05-10T17:02:11+02:00") == "2024-05-10T15:02:11.000000Z"
    # PeopleHR's LastActionDateTime is naive UK local time: BST in July.
    assert parse_datetime("2024-07-02 08:41:15", tz="Europe/London") == "2024-07-02T07:41:15.000000Z"
    assert parse_datetime("2024-01-02 08:41:15", tz="Europe/London") == "2024-01-02T08:41:15.000000Z"
    assert parse_datetime("yesterday-ish") is None


def test_parse_datetime_with_explicit_formats():
    # strptime twin: wall time in the given zone (BST in July)
    assert (
        parse_datetime("2024/07/02 08:41:15", tz="Europe/London", formats=["YYYY/MM/DD HH:mm:ss"])
        == "2024-07-02T07:41:15.000000Z"
    )
    # a token without a twin (the offset) goes to pendulum, and the value's offset wins over `tz`
    assert (
        parse_datetime("2024/07/02 08:41:15 +02:00", tz="Europe/London", formats=["YYYY/MM/DD HH:mm:ss Z"])
        == "2024-07-02T06:41:15.000000Z"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("31500.0000", "31500"),
        (3.5, "3.5"),
        (0.1, "0.1"),
        ("1,200.50", "1200.5"),
        ("abc", None),
        (True, None),
        ("", None),
        (292, "292"),
        (-7, "-7"),
        (10**26, str(10**26)),
    ],
)
def test_parse_decimal(raw, expected):
    assert parse_decimal(raw) == expected


def test_parse_money_keeps_two_places_and_extra_precision():
    assert parse_money(3500) == "3500.00"
    assert parse_money("31500.0000") == "31500.00"
    assert parse_money("12.345") == "12.345"
    assert parse_money(Decimal("59850.00")) == "59850.00"
    assert parse_money(None) is None


def test_parse_currency_codes_and_symbols():
    assert parse_currency("gbp") == "GBP"
    assert parse_currency("£") == "GBP"
    assert parse_currency("€") == "EUR"
    assert parse_currency("kr", symbols={"kr": "NOK"}) == "NOK"
    assert parse_currency("pounds") is None


def test_parse_bool_and_clean_str():
    assert parse_bool("true") is True and parse_bool("No") is False and parse_bool("maybe") is None
    assert (
        clean_str("  x ") == "x" and clean_str("") is None and clean_str(12) == "12" and clean_str({}) is None
    )
