from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def clock(time_machine):
    """``clock(date(2026, 5, 4))`` stops time at noon, Oslo time, on that day."""

    def set_day(day: date) -> date:
        time_machine.move_to(datetime.combine(day, time(12, 0), tzinfo=OSLO), tick=False)
        return day

    return set_day


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached PDFs of one test's plan must not answer for another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
