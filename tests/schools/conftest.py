from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests.schools.factories import member, school, school_year
from vern.core.models import Role

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def clock(time_machine):
    """``clock(date(2025, 8, 20))`` stops time at noon, Oslo time, on that day."""

    def set_day(day: date) -> date:
        time_machine.move_to(datetime.combine(day, time(12, 0), tzinfo=OSLO), tick=False)
        return day

    return set_day


@pytest.fixture
def bakken(home):
    school_year(home)
    return school(home, "Bakken skole")


@pytest.fixture
def haugen(home):
    return school(home, "Haugen skole")


@pytest.fixture
def contact(home, bakken):
    return member(home, Role.SCHOOL_CONTACT, bakken, "Sara Skolekontakt")


@pytest.fixture
def principal(home, bakken):
    return member(home, Role.ADMIN, bakken, "Rolf Rektor")
