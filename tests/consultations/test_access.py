"""Who sees a concern: its team's members and its submitter; every read audited."""

import datetime

from django.urls import reverse

from tests.consultations.conftest import person
from tests.factories import MunicipalityFactory
from vern.audit.models import AuditEntry
from vern.consultations import services
from vern.consultations.models import Agency
from vern.core.models import Role


def detail(concern):
    return reverse("consultations:concern_detail", args=[concern.pk])


def test_team_members_and_the_submitter_see_the_concern(concern, chair, teacher, login):
    assert login(chair).get(detail(concern)).status_code == 200
    response = login(teacher).get(detail(concern))
    assert response.status_code == 200
    assert "Registrer teamets råd" not in response.text


def test_others_of_the_municipality_and_of_other_municipalities_get_404(
    concern, bystander, coordinator, outsider, login
):
    for user in (bystander, coordinator, outsider):
        assert login(user).get(detail(concern)).status_code == 404
        assert login(user).get(
            reverse("consultations:advice_create", args=[concern.pk])
        ).status_code in (403, 404)


def test_every_read_of_a_concern_is_audited(concern, chair, login):
    before = (
        AuditEntry.objects.for_system(reason="test")
        .filter(code="consultations.concern.read")
        .count()
    )
    login(chair).get(detail(concern))
    entry = (
        AuditEntry.objects.for_system(reason="test")
        .filter(code="consultations.concern.read")
        .latest("pk")
    )
    assert (
        AuditEntry.objects.for_system(reason="test")
        .filter(code="consultations.concern.read")
        .count()
        == before + 1
    )
    assert entry.object_id == str(concern.pk)
    assert entry.actor == chair


def test_a_shared_team_takes_concerns_from_its_partners(home, other, coordinator, chair, login):
    team = services.team_create(
        municipality=home,
        actor=coordinator,
        name="Felles team",
        first_meeting_on=datetime.date(2026, 9, 8),
        meeting_time=datetime.time(13),
        partners=[other],
    )
    services.member_add(
        team=team, actor=coordinator, municipality=home, user=chair, agency=Agency.POLICE
    )
    neighbour = person(other, Role.READER, "neighbour")
    concern, _ = services.concern_submit(
        municipality=other,
        submitted_by=neighbour,
        team=team,
        age_band="6-9",
        setting="school",
        worry="Barnet sier at det ikke tør å gå hjem.",
    )
    assert login(chair).get(detail(concern)).status_code == 200
    assert login(neighbour).get(detail(concern)).status_code == 200
    # An administrator of the partner municipality who is neither submitter nor member:
    stranger = person(other, Role.ADMIN, "stranger")
    assert login(stranger).get(detail(concern)).status_code == 404
    # The team is visible to the partner, not to anyone else.
    assert (
        login(stranger).get(reverse("consultations:team_detail", args=[team.pk])).status_code == 200
    )
    third = person(MunicipalityFactory(number="9803"), Role.ADMIN, "third")
    assert login(third).get(reverse("consultations:team_detail", args=[team.pk])).status_code == 404


def test_a_partner_coordinator_removes_only_their_own_people(
    home, other, coordinator, chair, login
):
    team = services.team_create(
        municipality=home,
        actor=coordinator,
        name="Felles team",
        first_meeting_on=datetime.date(2026, 9, 8),
        meeting_time=datetime.time(13),
        partners=[other],
    )
    seat = services.member_add(
        team=team, actor=coordinator, municipality=home, user=chair, agency=Agency.POLICE
    )
    partner_coordinator = person(other, Role.COORDINATOR, "partnercoord")
    url = reverse("consultations:member_remove", args=[seat.pk])
    assert login(partner_coordinator).post(url).status_code == 404
    assert login(coordinator).post(url).status_code == 302
    assert not team.members.exists()
