"""Working days in Norway: weekdays that are not public holidays.

Deadlines in routines are counted in working days (``arbeidsdager``); the
holidays come from the ``holidays`` package, so Easter and Whitsun move with
the year without any table of ours.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_for(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NO", years=year).keys())


def is_public_holiday(day: date) -> bool:
    # Statutory public holidays only; weekends are handled by is_working_day.
    # Christmas Eve and New Year's Eve are ordinary working days by law.
    return day in _holidays_for(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def add_working_days(day: date, n: int) -> date:
    """The date ``n`` working days after ``day`` (before it if ``n`` is negative).

    ``add_working_days(d, 0)`` is ``d`` itself if it is a working day, else the
    next working day.
    """
    step = 1 if n >= 0 else -1
    current = day
    if n == 0:
        while not is_working_day(current):
            current += timedelta(days=1)
        return current
    remaining = abs(n)
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    return add_working_days(day, 1)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


_HOLIDAY_LANGUAGES = {"nb": "no", "nn": "no", "en": "en_US"}


@lru_cache(maxsize=64)
def _holiday_names(year: int, language: str) -> dict[date, str]:
    return dict(holidays.country_holidays("NO", years=year, language=language).items())


def holiday_name(day: date, language: str = "nb") -> str | None:
    """The public holiday on ``day`` in ``language`` (nb, nn or en; others get bokmål)."""
    if not is_public_holiday(day):
        return None
    return _holiday_names(day.year, _HOLIDAY_LANGUAGES.get(language, "no"))[day]


def add_weekdays(day: date, n: int) -> date:
    """The date ``n`` weekdays after ``day``, counting holidays as ordinary days."""
    current = day
    remaining = n
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def days_off_between(start: date, end: date) -> list[date]:
    """The days from ``start`` up to, not including, ``end`` that are not working days."""
    days = []
    current = start
    while current < end:
        if not is_working_day(current):
            days.append(current)
        current += timedelta(days=1)
    return days
