"""The pathway pages: who may open them, what they audit, and the victim's pathway
from opening to closing through the pages."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import _member
from vern.audit.models import AuditEntry
from vern.core import routines
from vern.core.models import Role
from vern.pathways.models import Consent, Need, Pathway

REASON = "Oppfølging etter melding fra politiet"


def _url(pathway, name="pathways:pathway_detail"):
    # In bokmål: a request to /nn/ or /en/ leaves its language active for the next reverse.
    with translation.override("nb"):
        return reverse(name, args=[pathway.pk])


def _reads(actor):
    return AuditEntry.objects.for_system("test").filter(code="pathways.pathway.read", actor=actor)


@pytest.fixture
def pathway(open_pathway):
    return open_pathway()


@pytest.fixture
def other_coordinator(home):
    return _member(home, Role.COORDINATOR, "coordinator2")


def test_the_responsible_opens_it_and_the_read_is_audited(pathway, case_worker, login):
    response = login(case_worker).get(_url(pathway))
    assert response.status_code == 200
    assert "2026/117" in response.content.decode()
    entry = _reads(case_worker).get()
    assert (entry.object_type, entry.object_id) == ("pathways.pathway", str(pathway.pk))


def test_a_case_worker_not_assigned_gets_404(pathway, colleague, login):
    assert login(colleague).get(_url(pathway)).status_code == 404
    assert not _reads(colleague).exists()


def test_another_municipality_gets_404(pathway, outsider, other, login):
    _member(other, Role.COORDINATOR, "coordinator-other")
    assert login(outsider).get(_url(pathway)).status_code == 404


def test_an_administrator_not_assigned_gets_404(pathway, admin, login):
    assert login(admin).get(_url(pathway)).status_code == 404


def test_the_list_shows_only_the_persons_own_pathways(pathway, colleague, case_worker, login):
    assert (
        pathway.number in login(case_worker).get(reverse("pathways:pathway_list")).content.decode()
    )
    assert (
        pathway.number
        not in login(colleague).get(reverse("pathways:pathway_list")).content.decode()
    )


def test_a_coordinator_not_assigned_must_give_a_reason_which_is_audited(
    pathway, other_coordinator, login
):
    client = login(other_coordinator)
    response = client.get(_url(pathway))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:state_reason"))
    reason_url = response["Location"]
    refused = client.post(reason_url, {"reason": "kort"})
    assert refused.status_code == 200
    assert client.get(_url(pathway)).status_code == 302
    client.post(reason_url, {"reason": REASON})
    assert client.get(_url(pathway)).status_code == 200
    entry = _reads(other_coordinator).get()
    assert entry.reason == REASON and entry.detail["break_glass"] is True
    # And the "who has opened this" page lists it for coordinators.
    openers = client.get(reverse("core:record_openers", args=["pathways.pathway", pathway.pk]))
    assert openers.status_code == 200 and REASON in openers.content.decode()


def test_a_reader_is_refused(pathway, reader, login):
    assert login(reader).get(_url(pathway)).status_code == 403
    assert login(reader).get(reverse("pathways:pathway_list")).status_code == 403


def test_a_case_worker_goes_through_the_pathway(home, case_worker, coordinator, login, clock):
    clock(date(2026, 3, 2))
    client = login(case_worker)
    form = client.get(reverse("pathways:pathway_open"))
    key = form.context["form"].initial["form_key"]
    data = {
        "form_key": key,
        "kind": "victim",
        "journal_number": "2026/200",
        "initials": "ab",
        "birth_year": "1990",
        "priority": "high",
        "responsible": case_worker.pk,
        "coordinator": coordinator.pk,
        "notes": "",
    }
    response = client.post(reverse("pathways:pathway_open"), data)
    pathway = Pathway.objects.for_system(reason="test").get(journal_number="2026/200")
    assert response.status_code == 302 and response["Location"] == _url(pathway)
    assert pathway.initials == "AB" and pathway.number == "2026-0001"
    # The same form sent twice opens one pathway.
    client.post(reverse("pathways:pathway_open"), data)
    assert Pathway.objects.for_system(reason="test").filter(journal_number="2026/200").count() == 1

    page = client.get(_url(pathway)).content.decode()
    assert "Første kontakt (2026-0001)" in page

    client.post(_url(pathway, "pathways:first_contact"), {"on": "2026-03-02"})
    consent_form = client.get(_url(pathway, "pathways:consent"))
    consent_key = consent_form.context["form"].initial["form_key"]
    consent = {
        "form_key": consent_key,
        "given_on": "2026-03-02",
        "areas": ["housing", "legal"],
        "share_needs": "on",
    }
    client.post(_url(pathway, "pathways:consent"), consent)
    client.post(_url(pathway, "pathways:consent"), consent)
    assert Consent.objects.for_system(reason="test").filter(pathway=pathway).count() == 1

    answers = {
        "health-assessment": "not_needed",
        "social-assessment": "not_needed",
        "economic-assessment": "declined",
        "legal-assessment": "needed",
        "housing-assessment": "needed",
        "protection-assessment": "needed",
        "housing-note": "Trenger trygt sted",
    }
    response = client.post(_url(pathway, "pathways:assess"), answers)
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.stage == Pathway.Stage.DELIVERY and pathway.assessed_on == date(2026, 3, 2)
    open_steps = routines.steps_for(pathway).filter(done_at__isnull=True)
    assert list(open_steps.values_list("code", flat=True)) == ["delivery_start"]
    assert Need.objects.for_system(reason="test").get(pathway=pathway, area="housing").note == (
        "Trenger trygt sted"
    )

    delivery_form = client.get(_url(pathway, "pathways:delivery_add"))
    response = client.post(
        _url(pathway, "pathways:delivery_add"),
        {
            "form_key": delivery_form.context["form"].initial["form_key"],
            "area": "housing",
            "task": "Søke om kommunal bolig",
            "person": case_worker.pk,
            "due": "2026-04-03",  # Good Friday
        },
    )
    assert response.status_code == 302
    page = client.get(_url(pathway)).content.decode()
    assert "7. april 2026" in page  # moved past Easter Monday
    assert "Flyttet fra 3. april 2026" in page

    response = client.post(
        _url(pathway, "pathways:pathway_close"), {"outcome": "completed", "note": ""}
    )
    pathway.refresh_from_db()
    assert pathway.is_closed and pathway.stage == Pathway.Stage.CLOSED
    assert not routines.steps_for(pathway).filter(done_at__isnull=True).exists()
    client.post(_url(pathway, "pathways:pathway_reopen"))
    pathway.refresh_from_db()
    assert not pathway.is_closed and pathway.stage == Pathway.Stage.DELIVERY
    timeline = client.get(_url(pathway)).content.decode()
    for text in ("Forløp åpnet", "Samtykke registrert", "Forløp avsluttet", "Forløp gjenåpnet"):
        assert text in timeline


def test_dates_in_the_wrong_order_are_refused(pathway, case_worker, login):
    client = login(case_worker)
    form = client.get(_url(pathway, "pathways:order_add"))
    response = client.post(
        _url(pathway, "pathways:order_add"),
        {
            "form_key": form.context["form"].initial["form_key"],
            "type": "visiting_ban",
            "imposed_by": "police",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-01",
        },
    )
    assert response.status_code == 200
    assert "Forbudet kan ikke slutte før det begynner." in response.content.decode()


def test_a_stale_edit_is_refused_and_shows_what_changed(pathway, case_worker, coordinator, login):
    first = login(case_worker)
    second = login(coordinator)
    form_a = first.get(_url(pathway, "pathways:pathway_edit")).context["form"]
    form_b = second.get(_url(pathway, "pathways:pathway_edit")).context["form"]

    def data(form, **changes):
        values = {name: form[name].value() for name in form.fields}
        values = {k: ("" if v is None else v) for k, v in values.items()}
        return values | changes

    assert (
        second.post(
            _url(pathway, "pathways:pathway_edit"), data(form_b, journal_number="2026/118")
        ).status_code
        == 302
    )
    response = first.post(_url(pathway, "pathways:pathway_edit"), data(form_a, priority="high"))
    assert response.status_code == 200
    assert "Noen andre lagret mens du redigerte" in response.content.decode()
    pathway.refresh_from_db()
    assert pathway.journal_number == "2026/118" and pathway.priority == "normal"


@pytest.mark.parametrize(
    ("prefix", "shown"),
    [("", "Helse: Ikke behov"), ("/nn", "Helse: Ikkje behov"), ("/en", "Health: Not needed")],
)
def test_the_timeline_reads_in_the_readers_language(pathway, case_worker, login, prefix, shown):
    """A need assessed on a bokmål page reads in nynorsk and English in the timeline
    (the walk at /nn/ found «Helse: Ikke behov» frozen in bokmål)."""
    client = login(case_worker)
    answers = {f"{area}-assessment": "not_needed" for area in pathway.areas}
    assert client.post(_url(pathway, "pathways:assess"), answers).status_code == 302
    page = client.get(prefix + _url(pathway)).content.decode()
    assert f"({shown})" in page
    if prefix:
        assert "Ikke behov" not in page


@pytest.mark.parametrize(
    ("code", "detail", "shown"),
    [
        ("closed", "completed", "Help delivered as planned"),
        ("referral_status", "accepted:Krisesenter: dagtilbud", "Krisesenter: dagtilbud: Accepted"),
        ("delivery_done", "housing", "Housing"),
        # A line written before the details were codes is shown as it was stored.
        ("assessed", "Helse: Ikke behov", "Helse: Ikke behov"),
        ("referral", "Krisesenteret", "Krisesenteret"),
    ],
)
def test_an_events_detail_is_shown_from_its_codes(code, detail, shown):
    from django.utils import translation

    from vern.pathways.models import Event
    from vern.pathways.selectors import event_detail

    with translation.override("en"):
        assert event_detail(Event(code=code, detail=detail)) == shown


@pytest.mark.parametrize(
    ("prefix", "first", "assess"),
    [
        ("", "Første kontakt ({number})", "Vurder helse ({number})"),
        ("/en", "First contact ({number})", "Assess health ({number})"),
    ],
)
def test_the_deadlines_read_in_the_readers_language(
    pathway, case_worker, login, prefix, first, assess
):
    """A pathway's steps are stored titled in bokmål (for mails) with the codes that
    title them again, so the deadline list reads in English at /en/ (the walk at
    /en/ found «Første kontakt (2026-0001)» there)."""
    client = login(case_worker)
    page = client.get(prefix + _url(pathway)).content.decode()
    assert first.format(number=pathway.number) in page
    if "health" in pathway.areas:
        assert assess.format(number=pathway.number) in page
    if prefix:
        assert "Første kontakt" not in page


def test_a_step_stored_without_its_codes_keeps_its_title(pathway):
    from django.utils import translation

    from vern.core.models import Step

    step = Step.objects.for_system(reason="test").get(
        subject_id=str(pathway.pk), code="first_contact"
    )
    with translation.override("en"):
        assert step.display_title.startswith("First contact")
        step.title_params = {}
        assert step.display_title == step.title  # an older row: as it was stored
        step.title_params = {"number": pathway.number, "area": "no-such-area"}
        step.code = "assess_no-such-area"
        assert step.display_title == step.title  # codes it cannot read: as stored
