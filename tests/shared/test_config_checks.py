"""The shared config checks: what each accepts, and that a refusal says what to enter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from unified_hris.config_checks import category_map_problem, start_date_problem, whole_number_problem


@pytest.mark.parametrize("value", ["2024-01-01", date.today().isoformat()])
def test_a_past_or_current_start_date_is_accepted(value: str) -> None:
    assert start_date_problem(value) is None


@pytest.mark.parametrize("value", ["", "2024-13-45", "01/02/2024", None, "soon"])
def test_a_start_date_that_is_not_a_date_asks_for_the_format(value: object) -> None:
    problem = start_date_problem(value)
    assert problem is not None
    assert "YYYY-MM-DD" in problem and repr(value) in problem


def test_a_future_start_date_asks_for_a_past_one() -> None:
    tomorrow = date.today() + timedelta(days=1)
    assert start_date_problem(tomorrow.isoformat()) == (
        f"{tomorrow} is in the future; use a past date such as 2024-01-01."
    )


@pytest.mark.parametrize(("value", "low", "high"), [(None, 1, 10), (1, 1, 10), (10, 1, 10), (10**6, 1, None)])
def test_a_whole_number_in_range_is_accepted(value: int | None, low: int, high: int | None) -> None:
    assert whole_number_problem(value, low, high) is None


@pytest.mark.parametrize(
    ("value", "low", "high", "expected"),
    [
        (0, 1, 10, "use a whole number from 1 to 10; got 0."),
        (11, 1, 10, "use a whole number from 1 to 10; got 11."),
        (-5, 1, None, "use a whole number of at least 1; got -5."),
        (1.5, 1, None, "use a whole number of at least 1; got 1.5."),
        ("fast", 1, None, "use a whole number of at least 1; got 'fast'."),
        (True, 0, 3650, "use a whole number from 0 to 3650; got True."),
    ],
)
def test_a_bad_whole_number_says_the_range(value: object, low: int, high: int | None, expected: str) -> None:
    assert whole_number_problem(value, low, high) == expected


def test_a_category_override_must_name_unified_categories() -> None:
    assert category_map_problem(None, "{}") is None
    assert category_map_problem({"Baja IT": "SICK", "Jury service": "JURY_DUTY"}, "{}") is None
    assert "such as" in str(category_map_problem(["Baja IT"], '{"Baja IT": "SICK"}'))
    problem = str(category_map_problem({"Baja IT": "ILLNESS", "Holiday": "VACATION"}, "{}"))
    assert "ILLNESS" in problem and "VACATION, SICK" in problem and "Holiday" not in problem
