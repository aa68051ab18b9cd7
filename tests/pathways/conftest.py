from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from tests.conftest import _member
from vern.core.models import Role
from vern.pathways import services

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def clock(time_machine):
    """``clock(date(2026, 3, 30))`` stops time at noon, Oslo time, on that day."""

    def set_day(day: date) -> date:
        time_machine.move_to(datetime.combine(day, time(12, 0), tzinfo=OSLO), tick=False)
        return day

    return set_day


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def colleague(home):
    """A second case worker of ``home``, on no pathway."""
    return _member(home, Role.CASE_WORKER, "colleague")


@pytest.fixture
def open_pathway(home, case_worker, coordinator):
    """``open_pathway(today=..., priority=...)`` opens a victim's pathway as ``case_worker``."""

    def make(*, today=date(2026, 3, 2), priority="normal", kind="victim", responsible=None):
        return services.pathway_open(
            municipality=home,
            actor=case_worker,
            kind=kind,
            journal_number="2026/117",
            priority=priority,
            responsible=responsible or case_worker,
            coordinator=coordinator,
            initials="KN",
            birth_year=1988,
            notes="Bor hos en venninne nå.",
            today=today,
        )

    return make
