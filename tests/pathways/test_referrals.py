"""Referrals to directory services: the service's referral rule, consent, the letter."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from tests.directory.factories import PhoneFactory, ServiceFactory
from vern.audit.models import AuditEntry
from vern.pathways import services
from vern.pathways.models import Referral

TODAY = date(2026, 3, 2)


@pytest.fixture
def pathway(open_pathway):
    return open_pathway(today=TODAY)


@pytest.fixture
def lawyer(home):
    return ServiceFactory(
        owner=home,
        name="Advokatvakten",
        referral="required",
        referral_from="Kommunen",
    )


@pytest.fixture
def drop_in(home):
    service = ServiceFactory(
        owner=home, name="Samtaletilbudet", how_to_contact="Kom innom på dagtid."
    )
    PhoneFactory(service=service, number="99 99 99 99")
    return service


def _consent(pathway, actor, **changes):
    values = {
        "areas": ["legal", "social"],
        "share_initials": False,
        "share_needs": True,
        "share_contact": False,
    } | changes
    return services.consent_record(
        pathway=pathway, actor=actor, given_on=TODAY, today=TODAY, **values
    )


def _refer(client, pathway, service, area, **extra):
    url = reverse("pathways:referral_create", args=[pathway.pk])
    key = client.get(url).context["form"].initial["form_key"]
    return client.post(url, {"form_key": key, "service": service.pk, "area": area, **extra})


def test_without_consent_a_referral_is_refused_with_the_reason(pathway, lawyer, case_worker, login):
    response = _refer(login(case_worker), pathway, lawyer, "legal")
    assert response.status_code == 200
    assert (
        "Ingen samtykke dekker kontakt med tjenester om dette området" in response.content.decode()
    )
    assert not Referral.objects.for_system(reason="test").exists()


def test_consent_for_another_area_does_not_cover_this_one(pathway, lawyer, case_worker, login):
    _consent(pathway, case_worker, areas=["housing"])
    assert _refer(login(case_worker), pathway, lawyer, "legal").status_code == 200
    assert not Referral.objects.for_system(reason="test").exists()


def test_a_service_needing_a_referral_gets_a_letter_with_only_what_was_agreed(
    pathway, lawyer, case_worker, login
):
    services.need_assess(
        pathway=pathway,
        actor=case_worker,
        area="legal",
        assessment="needed",
        note="Frykter ham",
        today=TODAY,
    )
    _consent(pathway, case_worker)
    client = login(case_worker)
    response = _refer(client, pathway, lawyer, "legal")
    referral = Referral.objects.for_system(reason="test").get()
    assert response["Location"] == reverse("pathways:referral_detail", args=[referral.pk])
    assert referral.status == Referral.Status.SENT and referral.needs_referral
    letter = referral.letter
    assert "Henvisning til Advokatvakten" in letter
    assert "forløp 2026-0001" in letter
    assert "Juridisk bistand" in letter  # the needs may be shared
    assert "KN" not in letter and "1988" not in letter  # initials may not
    assert "Frykter" not in letter  # never the notes
    assert "2026/117" not in letter  # nor the journal number

    pdf = client.get(reverse("pathways:referral_pdf", args=[referral.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"] == 'inline; filename="henvisning-2026-0001.pdf"'
    reader = PdfReader(io.BytesIO(pdf.content))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and str(catalog["/Lang"]) == "nb"
    assert "Advokatvakten" in reader.metadata.title


def test_a_service_without_referral_shows_how_to_make_contact(pathway, drop_in, case_worker, login):
    _consent(pathway, case_worker)
    client = login(case_worker)
    _refer(client, pathway, drop_in, "social")
    referral = Referral.objects.for_system(reason="test").get()
    assert referral.status == Referral.Status.CONTACT and not referral.letter
    page = client.get(reverse("pathways:referral_detail", args=[referral.pk])).content.decode()
    assert "Kom innom på dagtid." in page and "99 99 99 99" in page


def test_a_coordinator_may_refer_without_consent_with_a_reason_which_is_audited(
    pathway, lawyer, coordinator, login
):
    client = login(coordinator)
    short = _refer(client, pathway, lawyer, "legal", override_reason="haster")
    assert "minst 10 tegn" in short.content.decode()
    reason = "Akutt fare, personen kan ikke nås i dag"
    _refer(client, pathway, lawyer, "legal", override_reason=reason)
    referral = Referral.objects.for_system(reason="test").get()
    assert referral.override_reason == reason and referral.consent is None
    entry = AuditEntry.objects.for_system("test").get(code="pathways.referral.override")
    assert entry.reason == reason and entry.actor == coordinator


def test_a_case_worker_cannot_override(pathway, lawyer, case_worker):
    with pytest.raises(ValidationError, match="Bare en koordinator"):
        services.referral_create(
            pathway=pathway,
            actor=case_worker,
            service=lawyer,
            area="legal",
            today=TODAY,
            override_reason="Akutt fare for personen",
            actor_is_coordinator=False,
        )


def test_a_referral_is_tracked_sent_accepted_started(pathway, lawyer, case_worker, login):
    _consent(pathway, case_worker)
    client = login(case_worker)
    _refer(client, pathway, lawyer, "legal")
    referral = Referral.objects.for_system(reason="test").get()
    url = reverse("pathways:referral_detail", args=[referral.pk])
    client.post(url, {"status": "accepted"})
    client.post(url, {"status": "started"})
    referral.refresh_from_db()
    assert referral.status == "started" and referral.accepted_on and referral.started_on
    # Going back is refused.
    assert client.post(url, {"status": "sent"}).status_code == 200
    referral.refresh_from_db()
    assert referral.status == "started"


def test_withdrawn_consent_refuses_the_next_referral(pathway, lawyer, case_worker):
    _consent(pathway, case_worker)
    services.consent_withdraw(pathway=pathway, actor=case_worker, today=TODAY)
    with pytest.raises(ValidationError, match="Ingen samtykke"):
        services.referral_create(
            pathway=pathway, actor=case_worker, service=lawyer, area="legal", today=TODAY
        )
