"""Helpers that build the schools app's records through its services."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from vern.core.models import Role, Unit
from vern.schools import services
from vern.schools.models import SchoolYear

# A Monday in August with no public holiday near it.
START = date(2025, 8, 18)


def school_year(municipality, starts_on: date = START) -> SchoolYear:
    return SchoolYear.objects.get_or_create(
        municipality=municipality, year=starts_on.year, defaults={"starts_on": starts_on}
    )[0]


def school(municipality, name: str | None = None) -> Unit:
    if name is None:
        return UnitFactory(municipality=municipality, kind=Unit.Kind.SCHOOL)
    return UnitFactory(municipality=municipality, kind=Unit.Kind.SCHOOL, name=name)


def member(municipality, role, unit=None, name: str = ""):
    user = UserFactory(**({"full_name": name} if name else {}))
    MembershipFactory(user=user, municipality=municipality, role=role, unit=unit)
    return user


def case(municipality, unit=None, *, actor=None, first_day: date = START, today=None):
    """An open no-show case at ``unit`` (a new school if none), routine started."""
    school_year(municipality)
    unit = unit or school(municipality)
    if unit.kind != Unit.Kind.SCHOOL:
        unit.kind = Unit.Kind.SCHOOL
        unit.save()
    actor = actor or member(municipality, Role.SCHOOL_CONTACT, unit)
    created, _new = services.case_create(
        school=unit,
        actor=actor,
        pupil_name="Elev Eksempel",
        pupil_class="5A",
        guardians_contact="Mor: Mona Eksempel",
        first_day=first_day,
        submission=uuid.uuid4(),
        today=today or first_day + timedelta(days=10),
    )
    return created


def signal(municipality, unit=None, *, actor=None, observed_on: date = START):
    unit = unit or school(municipality)
    if unit.kind != Unit.Kind.SCHOOL:
        unit.kind = Unit.Kind.SCHOOL
        unit.save()
    actor = actor or member(municipality, Role.READER, unit)
    created, _new = services.signal_create(
        school=unit,
        actor=actor,
        pupil_name="Elev Eksempel",
        pupil_class="6B",
        activity="swimming",
        observed_on=observed_on,
        description="Eleven får ikke være med på svømming.",
        submission=uuid.uuid4(),
        today=observed_on + timedelta(days=3),
    )
    return created
