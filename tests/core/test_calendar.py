from datetime import date

from vern.core.calendar import (
    add_working_days,
    is_public_holiday,
    is_working_day,
    next_working_day,
    working_days_between,
)


def test_easter_2026_holidays_are_not_working_days():
    # Maundy Thursday 2 April to Easter Monday 6 April 2026.
    for day in (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6)):
        assert is_public_holiday(day)
        assert not is_working_day(day)


def test_adding_working_days_skips_easter():
    # Wednesday 1 April 2026 + 1 working day jumps the holidays and the weekend.
    assert add_working_days(date(2026, 4, 1), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 3, 30), 5) == date(2026, 4, 9)


def test_adding_working_days_skips_christmas_and_new_year():
    # 24 and 31 December are ordinary working days by law; 25, 26 Dec and 1 Jan are not.
    assert is_working_day(date(2026, 12, 24))
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_negative_days_count_backwards():
    assert add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 1)


def test_zero_days_rolls_forward_from_a_holiday():
    assert add_working_days(date(2026, 5, 17), 0) == date(2026, 5, 18)
    assert add_working_days(date(2026, 5, 18), 0) == date(2026, 5, 18)


def test_next_working_day_after_friday_is_monday():
    assert next_working_day(date(2026, 11, 27)) == date(2026, 11, 30)


def test_working_days_between_counts_both_directions():
    assert working_days_between(date(2026, 4, 1), date(2026, 4, 9)) == 3
    assert working_days_between(date(2026, 4, 9), date(2026, 4, 1)) == -3
    assert working_days_between(date(2026, 4, 1), date(2026, 4, 1)) == 0
