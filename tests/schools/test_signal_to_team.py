"""A signal brought to the consultation team: an anonymous draft, nothing that names the pupil."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.schools.factories import START, signal
from vern.audit.models import AuditEntry
from vern.consultations.models import Concern

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def day(clock):
    return clock(START + timedelta(days=5))


def test_a_signal_becomes_an_anonymous_draft_concern_for_the_person(home, bakken, principal, login):
    sign = signal(home, bakken)
    client = login(principal)
    url = reverse("schools:signal_to_team", args=[sign.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Elev Eksempel" in page.content.decode()  # the signal's own heading
    assert "svømmeundervisning" in page.content.decode().lower()

    response = client.post(
        url,
        {
            "age_band": "10-12",
            "text": "En elev holdes borte fra svømming. Mor ringte fra 912 34 567.",
            "tried": "Samtale med eleven.",
        },
    )

    concern = Concern.objects.for_system(reason="test").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:concern_draft", args=[concern.pk])
    assert concern.status == Concern.Status.DRAFT
    assert concern.submitted_by == principal
    assert concern.age_band == "10-12"
    assert concern.setting == "school"
    assert "912 34 567" not in concern.worry
    for named in ("Elev Eksempel", "6B", "Bakken"):
        assert named not in concern.worry + concern.tried
    entry = AuditEntry.objects.for_system("test").get(code="schools.signal.to_team")
    assert str(concern.pk) not in str(entry.detail)


def test_without_a_text_nothing_is_made(home, bakken, principal, login):
    sign = signal(home, bakken)
    response = login(principal).post(
        reverse("schools:signal_to_team", args=[sign.pk]), {"age_band": "10-12", "text": " "}
    )

    assert response.status_code == 200
    assert not Concern.objects.for_system(reason="test").exists()


def test_another_municipality_cannot_bring_the_signal(home, bakken, outsider, login):
    sign = signal(home, bakken)
    response = login(outsider).post(
        reverse("schools:signal_to_team", args=[sign.pk]), {"age_band": "10-12", "text": "x"}
    )

    assert response.status_code == 404
    assert not Concern.objects.for_system(reason="test").exists()
