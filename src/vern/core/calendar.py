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
