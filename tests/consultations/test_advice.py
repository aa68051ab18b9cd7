"""The team's advice, shared information with its legal basis, actions carried between meetings."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.consultations.conftest import TODAY
from vern.consultations import selectors, services
from vern.consultations.models import Advice, Concern, Recommendation, Setting, SharedInformation


def advice_data(concern, **changes):
    data = {
        "form_key": str(uuid.uuid4()),
        "meeting": selectors.next_meeting(concern.team).pk,
        "concern_level": "high",
        "risk_factors": ["violence_suffered", "isolation"],
        "protective_factors": ["safe_adult"],
        "factors_note": "",
        "text": "Plikten til å melde fra til barnevernet gjelder. Meld fra i dag.",
        "recommendations": ["notify_child_welfare", "consult_again"],
        "follow_up_on": (TODAY + datetime.timedelta(weeks=4)).isoformat(),
    }
    data.update(changes)
    return data


def test_the_team_records_advice_with_a_risk_assessment(concern, chair, login):
    client = login(chair)
    url = reverse("consultations:advice_create", args=[concern.pk])
    assert client.get(url).status_code == 200
    data = advice_data(concern)
    response = client.post(url, data)
    assert response.status_code == 302
    advice = Advice.objects.for_system(reason="test").get()
    assert advice.concern_level == "high"
    assert advice.risk_factors == ["violence_suffered", "isolation"]
    assert advice.recommendations == ["notify_child_welfare", "consult_again"]
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ADVISED
    assert concern.follow_up_on == TODAY + datetime.timedelta(weeks=4)
    assert concern.first_advised_at is not None
    # Sent twice: still one advice.
    client.post(url, data)
    assert Advice.objects.for_system(reason="test").count() == 1
    page = client.get(reverse("consultations:concern_detail", args=[concern.pk]))
    assert "Plikten til å melde fra til barnevernet gjelder" in page.text
    assert "meld fra nå" in page.text


def test_consult_again_needs_a_follow_up_date(concern, chair, login):
    response = login(chair).post(
        reverse("consultations:advice_create", args=[concern.pk]),
        advice_data(concern, follow_up_on=""),
    )
    assert response.status_code == 200
    assert "oppfølgingsdato" in response.text
    assert not Advice.objects.for_system(reason="test").exists()


def test_advice_holding_an_identifier_is_refused(concern, chair, login):
    response = login(chair).post(
        reverse("consultations:advice_create", args=[concern.pk]),
        advice_data(concern, text="Ring helsesykepleier på 22 33 44 55."),
    )
    assert response.status_code == 200
    assert "telefonnummer" in response.text
    assert not Advice.objects.for_system(reason="test").exists()


def test_no_further_action_alone_closes_the_concern(concern, chair):
    services.advice_record(
        concern=concern,
        actor=chair,
        meeting=None,
        text="Ingen grunn til videre tiltak nå.",
        concern_level="low",
        risk_factors=[],
        protective_factors=["caring_parent"],
        recommendations=["no_further_action"],
        form_key=uuid.uuid4(),
    )
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED


def test_shared_information_keeps_its_legal_basis(concern, chair, login):
    url = reverse("consultations:shared_create", args=[concern.pk])
    client = login(chair)
    response = client.post(
        url,
        {
            "agency": "police",
            "summary": "Politiet har hatt to utrykninger til adressen det siste halvåret.",
            "basis": "permission",
            "provision": "Politiregisterloven, bestemmelsen om utlevering for å forebygge straffbare handlinger",
        },
    )
    assert response.status_code == 302
    shared = SharedInformation.objects.for_system(reason="test").get()
    assert shared.basis == "permission" and shared.agency == "police"
    assert (
        "Politiregisterloven"
        in client.get(reverse("consultations:concern_detail", args=[concern.pk])).text
    )
    missing = client.post(url, {"agency": "police", "summary": "Noe ble delt.", "basis": ""})
    assert missing.status_code == 200
    assert SharedInformation.objects.for_system(reason="test").count() == 1


def test_an_open_action_is_carried_to_later_meetings_until_done(team, concern, chair, login):
    first, second, third = list(team.meetings.order_by("starts_at")[:3])
    action = services.action_add(
        meeting=first, actor=chair, description="Lage rutine for anonym drøfting", agency="police"
    )
    assert action in selectors.agenda(second).carried
    assert action in selectors.agenda(third).carried
    client = login(chair)
    page = client.get(reverse("consultations:meeting_detail", args=[second.pk]))
    assert "Lage rutine for anonym drøfting" in page.text
    assert client.post(reverse("consultations:action_done", args=[action.pk])).status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None
    assert action not in selectors.agenda(second).carried
    assert action not in selectors.agenda(third).carried


def test_the_next_meeting_has_the_waiting_concerns_on_its_agenda(team, concern, chair, login):
    meeting = selectors.next_meeting(team)
    assert concern in selectors.agenda(meeting).waiting
    page = login(chair).get(reverse("consultations:meeting_detail", args=[meeting.pk]))
    assert concern.reference in page.text


def test_an_action_text_holding_an_identifier_is_refused(team, chair):
    with pytest.raises(ValidationError):
        services.action_add(
            meeting=team.meetings.first(),
            actor=chair,
            description="Ring far på +47 98 76 54 32",
            agency="police",
        )


def test_statistics_count_sources_settings_outcomes_and_time_to_advice(
    team, concern, chair, coordinator, login
):
    services.advice_record(
        concern=concern,
        actor=chair,
        meeting=None,
        text="Snakk med foreldrene.",
        concern_level="moderate",
        risk_factors=[],
        protective_factors=[],
        recommendations=["talk_to_parents"],
        form_key=uuid.uuid4(),
    )
    stats = selectors.team_statistics(team, year=TODAY.year)
    assert stats.total == 1 and stats.advised == 1 and stats.waiting == 0
    assert stats.by_setting == [(str(Setting.SCHOOL.label), 1)]
    assert stats.by_recommendation == [(str(Recommendation.TALK_TO_PARENTS.label), 1)]
    assert stats.median_days_to_advice == 0.0
    page = login(coordinator).get(reverse("consultations:statistics"))
    assert page.status_code == 200
    assert "Snakk med foreldrene" in page.text
    assert "mottok 1 bekymring i 2026" in page.text
