"""People and a team for the consultation tests.

``team`` belongs to ``home`` and meets every fourth Tuesday; ``chair`` (child
welfare) and ``nurse`` (health station) sit on it; ``teacher`` is a school
contact who brings concerns; ``bystander`` holds the team-member role in
``home`` but does not sit on the team.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine

from tests.factories import MembershipFactory, UserFactory
from vern.consultations import services
from vern.consultations.models import Agency
from vern.core.models import Role

# A Monday; the team's first meeting is the Tuesday after.
TODAY = datetime.date(2026, 9, 7)
WORRY = "Eleven virker redd for å gå hjem og har hatt blåmerker på armene to ganger."


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 9, 7, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def person(municipality, role, name):
    user = UserFactory(email=f"{name}@{municipality.number}.example.test", full_name=name.title())
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def chair(home):
    return person(home, Role.TEAM_MEMBER, "chair")


@pytest.fixture
def nurse(home):
    return person(home, Role.TEAM_MEMBER, "nurse")


@pytest.fixture
def bystander(home):
    return person(home, Role.TEAM_MEMBER, "bystander")


@pytest.fixture
def teacher(home):
    return person(home, Role.SCHOOL_CONTACT, "teacher")


@pytest.fixture
def team(home, coordinator, chair, nurse):
    team = services.team_create(
        municipality=home,
        actor=coordinator,
        name="Konsultasjonsteamet",
        first_meeting_on=TODAY + datetime.timedelta(days=1),
        meeting_time=datetime.time(9, 0),
        duration_minutes=90,
        interval_weeks=4,
        location="Rådhuset",
        today=TODAY,
    )
    services.member_add(
        team=team, actor=coordinator, municipality=home, user=chair, agency=Agency.CHILD_WELFARE
    )
    services.member_add(
        team=team, actor=coordinator, municipality=home, user=nurse, agency=Agency.HEALTH_STATION
    )
    return team


@pytest.fixture
def concern(home, team, teacher):
    concern, _ = services.concern_submit(
        municipality=home,
        submitted_by=teacher,
        team=team,
        age_band="10-12",
        setting="school",
        worry=WORRY,
        tried="Samtale med eleven.",
        submission_key=uuid.uuid4(),
    )
    return concern
