"""Coordinators set up a team and seat its members through the pages."""

import datetime

from django.urls import reverse
from django.utils.timezone import localtime

from tests.consultations.conftest import TODAY, person
from vern.consultations.models import Team, TeamMember
from vern.core.models import Role


def test_a_coordinator_creates_a_team_with_recurring_meetings(home, other, coordinator, login):
    client = login(coordinator)
    response = client.post(
        reverse("consultations:team_create"),
        {
            "name": "Barne- og ungdomsteamet",
            "first_meeting_on": (TODAY + datetime.timedelta(days=2)).isoformat(),
            "meeting_time": "13:00",
            "duration_minutes": "60",
            "interval_weeks": "2",
            "location": "Helsehuset",
            "partners": [other.pk],
        },
    )
    team = Team.objects.get(name="Barne- og ungdomsteamet")
    assert response["Location"] == reverse("consultations:team_detail", args=[team.pk])
    assert list(team.partners.all()) == [other]
    assert team.meetings.count() == 6  # every second week for twelve weeks
    assert {localtime(m.starts_at).strftime("%H:%M") for m in team.meetings.all()} == {"13:00"}


def test_a_team_meets_at_least_every_twelfth_week(coordinator, login):
    response = login(coordinator).post(
        reverse("consultations:team_create"),
        {
            "name": "Team",
            "first_meeting_on": TODAY.isoformat(),
            "meeting_time": "09:00",
            "duration_minutes": "60",
            "interval_weeks": "13",
        },
    )
    assert response.status_code == 200
    assert not Team.objects.exists()


def test_members_are_seated_by_agency_only_with_the_team_member_role(
    home, team, coordinator, bystander, teacher, login
):
    client = login(coordinator)
    url = reverse("consultations:member_add", args=[team.pk])
    page = client.get(url).text
    assert bystander.full_name in page and teacher.full_name not in page
    refused = client.post(url, {"user": teacher.pk, "agency": "school", "team_role": "member"})
    assert refused.status_code == 200
    added = client.post(url, {"user": bystander.pk, "agency": "ppt", "team_role": "secretary"})
    assert added.status_code == 302
    seat = TeamMember.objects.for_self(bystander).get(team=team)
    assert seat.agency == "ppt" and seat.team_role == "secretary"
    again = client.post(url, {"user": bystander.pk, "agency": "ppt", "team_role": "member"})
    assert again.status_code == 200
    assert "allerede med i teamet" in again.text


def test_a_team_member_cannot_change_the_team(team, chair, login):
    assert login(chair).get(reverse("consultations:team_edit", args=[team.pk])).status_code == 403
    assert login(chair).get(reverse("consultations:team_create")).status_code == 403


def test_a_partner_sees_the_shared_team_but_cannot_edit_it(home, other, team, login):
    team.partners.add(other)
    partner = person(other, Role.COORDINATOR, "partner")
    client = login(partner)
    assert client.get(reverse("consultations:team_detail", args=[team.pk])).status_code == 200
    assert client.get(reverse("consultations:team_edit", args=[team.pk])).status_code == 404
