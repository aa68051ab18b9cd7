"""Bringing a concern: the identifier check, double submission, drafts from other apps."""

import uuid

from django.urls import reverse

from tests.consultations.conftest import WORRY
from vern.audit.models import AuditEntry
from vern.consultations import services
from vern.consultations.models import Concern
from vern.core.identifiers import control_digits


def a_fodselsnummer():
    nine = next(f"150590{i:03d}" for i in range(1000) if control_digits(f"150590{i:03d}"))
    return nine + control_digits(nine)


def form_data(team, **changes):
    data = {
        "submission_key": str(uuid.uuid4()),
        "team": team.pk,
        "age_band": "10-12",
        "setting": "school",
        "worry": WORRY,
        "tried": "",
    }
    data.update(changes)
    return data


def concerns():
    return Concern.objects.for_system(reason="test")


def test_a_fodselsnummer_in_the_text_is_refused_with_a_reason(team, teacher, login):
    client = login(teacher)
    number = a_fodselsnummer()
    written = f"{number[:6]} {number[6:9]}.{number[9:]}"
    response = client.post(
        reverse("consultations:concern_create"),
        form_data(team, worry=f"Barnet ({written}) er redd."),
    )
    assert response.status_code == 200
    assert "fødselsnummer" in response.text
    assert "beskriv situasjonen" in response.text.lower()
    assert not concerns().exists()


def test_phone_numbers_and_email_addresses_are_refused_in_either_text(team, teacher, login):
    client = login(teacher)
    response = client.post(
        reverse("consultations:concern_create"),
        form_data(team, tried="Ringte mor på 412 34 567 og skrev til mor@eksempel.example."),
    )
    assert response.status_code == 200
    assert "telefonnummer" in response.text
    assert "e-postadresse" in response.text
    assert not concerns().exists()


def test_the_form_reminds_the_writer_not_to_use_names(team, teacher, login):
    response = login(teacher).get(reverse("consultations:concern_create"))
    assert "Ikke skriv barnets eller andres navn" in response.text


def test_a_fixed_text_is_sent_to_the_team(team, teacher, login):
    client = login(teacher)
    data = form_data(team, worry=f"Barnet {a_fodselsnummer()} er redd.")
    assert client.post(reverse("consultations:concern_create"), data).status_code == 200
    data["worry"] = WORRY
    response = client.post(reverse("consultations:concern_create"), data)
    concern = concerns().get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:concern_detail", args=[concern.pk])
    assert concern.submitted_by == teacher
    assert concern.status == Concern.Status.SUBMITTED
    assert concern.worry == WORRY
    assert (
        AuditEntry.objects.for_system(reason="test")
        .filter(code="consultations.concern.create")
        .count()
        == 1
    )


def test_sending_the_same_form_twice_makes_one_concern(team, teacher, login):
    client = login(teacher)
    data = form_data(team)
    first = client.post(reverse("consultations:concern_create"), data)
    second = client.post(reverse("consultations:concern_create"), data)
    assert concerns().count() == 1
    assert first["Location"] == second["Location"]


def test_the_check_runs_in_the_service_too(home, team, teacher):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        services.concern_submit(
            municipality=home,
            submitted_by=teacher,
            team=team,
            age_band="3-5",
            setting="kindergarten",
            worry="Ring 0047 90012345",
        )
    assert "worry" in raised.value.message_dict
    assert not concerns().exists()


def test_a_team_of_another_municipality_is_refused(home, other, teacher, outsider):
    import datetime

    import pytest
    from django.core.exceptions import ValidationError

    theirs = services.team_create(
        municipality=other,
        actor=outsider,
        name="Annet team",
        first_meeting_on=datetime.date(2026, 9, 8),
        meeting_time=datetime.time(9),
    )
    with pytest.raises(ValidationError):
        services.concern_submit(
            municipality=home,
            submitted_by=teacher,
            team=theirs,
            age_band="3-5",
            setting="school",
            worry=WORRY,
        )


def test_a_draft_from_another_app_is_anonymised_and_only_its_writer_sees_it(
    home, team, teacher, chair, login
):
    number = a_fodselsnummer()
    draft = services.concern_draft_from(
        municipality=home,
        submitted_by=teacher,
        age_band="13-15",
        setting="school",
        text=f"Eleven får ikke være med på svømming. Fnr {number}, mor på 98765432.",
        tried="Samtale med eleven 3. mars.",
    )
    assert number not in draft.worry and "98765432" not in draft.worry
    assert draft.worry.count(services.REDACTED) == 2
    assert draft.status == Concern.Status.DRAFT and draft.team is None
    assert (
        login(chair).get(reverse("consultations:concern_detail", args=[draft.pk])).status_code
        == 404
    )

    client = login(teacher)
    page = client.get(reverse("consultations:concern_draft", args=[draft.pk]))
    assert page.status_code == 200
    data = form_data(team, worry="Eleven får ikke være med på svømming eller leirskole.")
    data["submission_key"] = str(draft.submission_key)
    response = client.post(reverse("consultations:concern_draft", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Concern.Status.SUBMITTED and draft.team == team
    assert (
        login(chair).get(reverse("consultations:concern_detail", args=[draft.pk])).status_code
        == 200
    )


def test_the_submitters_concerns_are_all_listed_fifty_to_a_page(home, team, teacher, login):
    references = []
    for n in range(55):
        concern, _ = services.concern_submit(
            municipality=home,
            submitted_by=teacher,
            team=team,
            age_band="10-12",
            setting="school",
            worry=WORRY,
            tried=f"Samtale nummer {n}.",
            submission_key=uuid.uuid4(),
        )
        references.append(concern.reference)
    client = login(teacher)
    first = client.get(reverse("consultations:overview")).text
    second = client.get(reverse("consultations:overview"), {"side": "2"}).text
    assert "Side 1 av 2" in first and "?side=2" in first
    assert "Side 2 av 2" in second and "?side=1" in second
    # Every concern is on one of the pages, none is cut off.
    for reference in references:
        link = f">{reference}</a>"
        assert (link in first) != (link in second)
