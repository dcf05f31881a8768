from datetime import date, timedelta

import pytest
from unified_hris.mapping import employment_type, working_days


@pytest.mark.parametrize(
    ("worker", "time", "expected"),
    [
        ("EMPLOYEE", "FULL_TIME", "FULL_TIME"),
        ("EMPLOYEE", "PART_TIME", "PART_TIME"),
        ("EMPLOYEE", None, "OTHER"),  # an employee whose hours are not known
        ("CONTRACTOR", "FULL_TIME", "CONTRACTOR"),
        ("INTERN", None, "INTERN"),
        ("FREELANCE", None, "FREELANCE"),
        ("TEMPORARY", "FULL_TIME", "OTHER"),
        ("APPRENTICE", None, "OTHER"),
        (None, "FULL_TIME", None),
        (None, None, None),
    ],
)
def test_employment_type_folds_the_two_axes(worker, time, expected):
    assert employment_type(worker, time) == expected


def test_working_days_count_monday_to_friday_both_ends_included():
    monday = date(2024, 7, 22)
    assert working_days(monday, monday) == 1
    assert working_days(monday, monday + timedelta(days=4)) == 5  # Monday to Friday
    assert working_days(monday + timedelta(days=5), monday + timedelta(days=6)) == 0  # a weekend
    assert working_days(monday, monday + timedelta(days=13)) == 10
    assert working_days(monday + timedelta(days=4), monday + timedelta(days=7)) == 2  # Friday to Monday
    assert working_days(monday, monday - timedelta(days=1)) == 0
    for length in range(60):  # the closed form agrees with counting day by day
        end = monday + timedelta(days=length + 3)
        counted = sum(1 for n in range((end - monday).days + 1) if (monday + timedelta(days=n)).weekday() < 5)
        assert working_days(monday, end) == counted


def test_is_current_is_measured_against_the_utc_date(monkeypatch):
    """One "today" for every connector: the UTC date (Sesame once used the machine's local date)."""
    from datetime import UTC, date, datetime

    from unified_hris import mapping

    assert mapping.today() == datetime.now(UTC).date()
    monkeypatch.setattr(mapping, "today", lambda: date(2025, 3, 1))
    assert mapping.is_current("2025-03-01", None) is True
    assert mapping.is_current("2024-01-01", "2025-03-01") is True  # the end day is included
    assert mapping.is_current("2024-01-01", "2025-02-28") is False
    assert mapping.is_current("2025-03-02", None) is False
    assert mapping.is_current(None, None) is None


def test_annualized_amount_is_money_or_none():
    from unified_hris.mapping import annualized_amount

    assert annualized_amount("83.33", 12) == "999.96"
    assert annualized_amount("0.00", 12) == "0.00"
    assert annualized_amount(None, 12) is None
    assert annualized_amount("100.00", None) is None
