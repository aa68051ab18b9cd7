"""Prevention: programmes and the coverage matrix, introduction-programme figures,
partnerships and their end reminders, the public catalogue."""

from __future__ import annotations

from datetime import date, timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.factories import UnitFactory
from vern.core.models import Unit
from vern.prevention import selectors, tick
from vern.prevention.models import (
    Activity,
    AgeGroup,
    Agreement,
    Delivery,
    IntroConversations,
    Partner,
    PartnerContact,
    Programme,
)

TODAY = date(2026, 6, 15)


def _national(name="Barnehagepakken"):
    return Programme.objects.for_system(reason="test").get(municipality=None, name=name)


def test_the_shipped_programmes_are_loaded_with_owners(db):
    package = _national()
    assert package.owner == "Stine Sofies Stiftelse"
    assert _national("Æ e mæ").owner == "Sortland kommune"


def test_the_public_catalogue_sets_no_cookie(db):
    response = Client().get("/forebygging/programmer/")
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Stine Sofies Stiftelse" in response.content.decode()


def test_the_matrix_shows_covered_stale_and_gaps(home, coordinator):
    kindergarten = UnitFactory(municipality=home, kind=Unit.Kind.KINDERGARTEN, name="Barnehagen")
    UnitFactory(municipality=home, kind=Unit.Kind.NAV, name="NAV")  # not an institution
    Delivery.objects.create(
        municipality=home,
        unit=kindergarten,
        programme=_national(),
        age_group=AgeGroup.KG_3_5,
        last_delivered_on=TODAY - timedelta(days=30),
    )
    rows, groups, gaps = selectors.coverage_matrix(user=coordinator, municipality=home, today=TODAY)
    assert [row["unit"].name for row in rows] == ["Barnehagen"]
    states = {g.value: c.state for g, c in zip(groups, rows[0]["cells"], strict=True)}
    assert states == {
        "kg_1_2": "gap",
        "kg_3_5": "covered",
        "gs_1_4": "none",
        "gs_5_7": "none",
        "gs_8_10": "none",
    }
    assert gaps == 1
    Delivery.objects.for_system(reason="test").update(last_delivered_on=TODAY - timedelta(days=400))
    rows, groups, gaps = selectors.coverage_matrix(user=coordinator, municipality=home, today=TODAY)
    assert rows[0]["cells"][1].state == "stale" and gaps == 2


def test_recording_a_delivery_twice_moves_the_date(home, coordinator, login):
    school = UnitFactory(municipality=home, kind=Unit.Kind.SCHOOL)
    client = login(coordinator)
    data = {
        "unit": school.pk,
        "programme": _national("Æ e mæ").pk,
        "age_group": "gs_1_4",
        "last_delivered_on": "2026-01-10",
    }
    assert client.post("/ansatt/forebygging/levering/", data).status_code == 302
    client.post("/ansatt/forebygging/levering/", {**data, "last_delivered_on": "2026-02-10"})
    assert list(
        Delivery.objects.for_system(reason="test").values_list("last_delivered_on", flat=True)
    ) == [date(2026, 2, 10)]


def test_a_kindergarten_has_no_school_years(home, coordinator, login):
    kindergarten = UnitFactory(municipality=home, kind=Unit.Kind.KINDERGARTEN)
    response = login(coordinator).post(
        "/ansatt/forebygging/levering/",
        {"unit": kindergarten.pk, "programme": _national().pk, "age_group": "gs_8_10"},
    )
    assert response.status_code == 200
    assert not Delivery.objects.for_system(reason="test").exists()


def test_intro_figures_held_cannot_exceed_offered(home, coordinator, login):
    client = login(coordinator)
    year = timezone.localdate().year
    url = "/ansatt/forebygging/introduksjonsprogrammet/"
    assert (
        client.post(url, {"year": year - 1, "quarter": 2, "offered": 10, "held": 12}).status_code
        == 200
    )
    assert (
        client.post(url, {"year": year - 1, "quarter": 2, "offered": 10, "held": 8}).status_code
        == 302
    )
    assert (
        client.post(url, {"year": year - 1, "quarter": 2, "offered": 11, "held": 9}).status_code
        == 302
    )
    rows = IntroConversations.objects.for_system(reason="test").filter(municipality=home)
    assert list(rows.values_list("offered", "held")) == [(11, 9)]


def test_a_partner_with_agreement_contact_and_activity(home, coordinator, login):
    client = login(coordinator)
    response = client.post(
        "/ansatt/forebygging/samarbeid/", {"name": "Frivilligsentralen", "kind": "ngo"}
    )
    partner = Partner.objects.for_system(reason="test").get(municipality=home)
    assert response.url == f"/ansatt/forebygging/samarbeid/{partner.pk}/"
    url = response.url
    client.post(
        url,
        {
            "kind": "agreement",
            "agreement-title": "Avtale",
            "agreement-content": "Aktiviteter",
            "agreement-starts_on": "2026-01-01",
            "agreement-ends_on": "2025-01-01",
        },
    )
    assert not Agreement.objects.for_system(reason="test").exists()  # ends before it starts
    client.post(
        url,
        {
            "kind": "agreement",
            "agreement-title": "Avtale",
            "agreement-content": "Aktiviteter",
            "agreement-starts_on": "2026-01-01",
            "agreement-ends_on": "2027-01-01",
            "agreement-grant_conditions": "Kurs for alle frivillige",
        },
    )
    client.post(
        url, {"kind": "contact", "contact-name": "Leder", "contact-email": "leder@example.test"}
    )
    client.post(
        url, {"kind": "activity", "activity-held_on": "2026-03-01", "activity-title": "Temakveld"}
    )
    page = client.get(url).content.decode()
    assert (
        "Kurs for alle frivillige" in page and "leder@example.test" in page and "Temakveld" in page
    )
    assert PartnerContact.objects.for_system(reason="test").count() == 1


def test_a_reader_cannot_add_partners(home, reader, login):
    response = login(reader).post("/ansatt/forebygging/samarbeid/", {"name": "X", "kind": "ngo"})
    assert response.status_code == 403
    assert not Partner.objects.for_system(reason="test").exists()


def test_agreement_end_reminders_go_once(home, coordinator):
    partner = Partner.objects.create(municipality=home, name="Lag", kind="ngo")
    agreement = Agreement.objects.create(
        municipality=home,
        partner=partner,
        title="Avtale",
        content="x",
        starts_on=TODAY - timedelta(days=300),
        ends_on=TODAY + timedelta(days=20),
    )
    assert tick.send_agreement_reminders(today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert tick.send_agreement_reminders(today=TODAY) == 0
    Agreement.objects.for_system(reason="test").filter(pk=agreement.pk).update(
        ends_on=TODAY + timedelta(days=50)
    )
    assert tick.send_agreement_reminders(today=TODAY) == 1  # a new end date is reminded again


def test_the_demo_has_a_visible_gap_and_two_partnerships(db):
    from vern.core.demo import demo_municipality
    from vern.core.models import User
    from vern.prevention import demo

    municipality = demo_municipality()
    for kind, name in [
        ("kindergarten", "Solsikken barnehage"),
        ("kindergarten", "Fjellstua barnehage"),
        ("school", "Bakken skole"),
        ("school", "Eksempelby ungdomsskole"),
    ]:
        Unit.objects.create(municipality=municipality, kind=kind, name=name)
    demo.load(municipality)
    demo.load(municipality)
    assert Partner.objects.for_system(reason="test").filter(municipality=municipality).count() == 2
    user = User.objects.create(email="x@example.test", full_name="X")
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, municipality=municipality, role="coordinator")
    rows, groups, gaps = selectors.coverage_matrix(
        user=user, municipality=municipality, today=timezone.localdate()
    )
    # Fjellstua's youngest and the lower secondary school's stale years 8–10: the primary
    # school has no years 8–10 and the lower secondary school no years 1–7.
    assert gaps == 2
    states = {
        row["unit"].name: {g.value: c.state for g, c in zip(groups, row["cells"], strict=True)}
        for row in rows
    }
    assert states["Bakken skole"]["gs_8_10"] == "none"
    assert states["Eksempelby ungdomsskole"]["gs_1_4"] == "none"
    assert states["Eksempelby ungdomsskole"]["gs_8_10"] == "stale"


def _codes():
    from vern.audit.models import AuditEntry

    return set(AuditEntry.objects.for_system(reason="test").values_list("code", flat=True))


def _partner(home, name="Frivilligsentralen"):
    return Partner.objects.create(municipality=home, name=name, kind="ngo")


def test_a_partner_is_changed_and_deleted_after_asking(home, coordinator, login):
    partner = _partner(home)
    Agreement.objects.create(
        municipality=home,
        partner=partner,
        title="Avtale",
        content="Aktiviteter",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    leader = PartnerContact.objects.create(partner=partner, name="Leder")
    deputy = PartnerContact.objects.create(partner=partner, name="Nestleder")
    client = login(coordinator)
    base = f"/ansatt/forebygging/samarbeid/{partner.pk}/"
    refused = client.post(base + "endre/", {"name": "", "kind": "ngo"})
    assert refused.status_code == 200
    saved = client.post(base + "endre/", {"name": "Frivilligsentralen Heimby", "kind": "faith"})
    assert saved.url == base
    partner.refresh_from_db()
    assert (partner.name, partner.kind) == ("Frivilligsentralen Heimby", "faith")
    question = client.get(base + "slett/")
    assert "Avtaler, kontaktpersoner og aktiviteter" in question.content.decode()
    assert 'type="submit">Slett</button>' in question.content.decode()
    assert Partner.objects.for_system(reason="test").exists()  # asking deletes nothing
    assert client.post(base + "slett/").url == "/ansatt/forebygging/samarbeid/"
    assert not Partner.objects.for_system(reason="test").exists()
    assert not Agreement.objects.for_system(reason="test").exists()
    assert not PartnerContact.objects.for_system(reason="test").exists()
    assert {"prevention.partner.update", "prevention.partner.delete"} <= _codes()
    # Each contact person deleted with the partner has its own entry: personal data.
    from vern.audit.models import AuditEntry

    gone = AuditEntry.objects.for_system(reason="test").filter(code="prevention.contact.delete")
    assert sorted(gone.values_list("object_id", flat=True)) == sorted(
        [str(leader.pk), str(deputy.pk)]
    )
    assert all(entry.action == "delete" and entry.actor == coordinator for entry in gone)


def test_an_activity_is_changed_and_deleted_after_asking(home, coordinator, login):
    partner = _partner(home)
    activity = Activity.objects.create(
        municipality=home, partner=partner, held_on=date(2026, 3, 1), title="Kurs"
    )
    client = login(coordinator)
    page = client.get(f"/ansatt/forebygging/samarbeid/{partner.pk}/").content.decode()
    url = f"/ansatt/forebygging/aktivitet/{activity.pk}/"
    assert url + "endre/" in page and url + "slett/" in page
    refused = client.post(url + "endre/", {"held_on": "", "title": "Kurs"})
    assert refused.status_code == 200
    saved = client.post(
        url + "endre/", {"held_on": "2026-03-02", "title": "Foreldrekurs", "participants": "12"}
    )
    assert saved.url == f"/ansatt/forebygging/samarbeid/{partner.pk}/"
    activity.refresh_from_db()
    assert (activity.held_on, activity.title, activity.participants) == (
        date(2026, 3, 2),
        "Foreldrekurs",
        12,
    )
    question = client.get(url + "slett/").content.decode()
    assert "Foreldrekurs" in question and 'type="submit">Slett</button>' in question
    assert Activity.objects.for_system(reason="test").exists()  # asking deletes nothing
    assert client.post(url + "slett/").url == f"/ansatt/forebygging/samarbeid/{partner.pk}/"
    assert not Activity.objects.for_system(reason="test").exists()
    assert {"prevention.activity.update", "prevention.activity.delete"} <= _codes()


def test_a_reader_cannot_change_an_activity(home, reader, login):
    activity = Activity.objects.create(
        municipality=home, partner=_partner(home), held_on=date(2026, 3, 1), title="Kurs"
    )
    client = login(reader)
    assert client.post(f"/ansatt/forebygging/aktivitet/{activity.pk}/slett/").status_code == 403
    assert Activity.objects.for_system(reason="test").exists()


def test_an_agreement_is_changed_and_deleted(home, coordinator, login):
    partner = _partner(home)
    agreement = Agreement.objects.create(
        municipality=home,
        partner=partner,
        title="Avtale",
        content="Aktiviteter",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        end_reminded_for=date(2026, 12, 31),
    )
    client = login(coordinator)
    url = f"/ansatt/forebygging/avtale/{agreement.pk}/endre/"
    data = {"title": "Ny avtale", "content": "Mer", "starts_on": "2026-01-01"}
    assert client.post(url, {**data, "ends_on": "2025-06-01"}).status_code == 200
    agreement.refresh_from_db()
    assert agreement.title == "Avtale"  # ends before it starts: nothing saved
    assert client.post(url, {**data, "ends_on": "2027-06-30"}).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title, agreement.ends_on) == ("Ny avtale", date(2027, 6, 30))
    # The reminder was for the old end date; the new one is reminded of in its turn.
    assert agreement.end_reminded_for != agreement.ends_on
    client.post(f"/ansatt/forebygging/avtale/{agreement.pk}/slett/")
    assert not Agreement.objects.for_system(reason="test").exists()
    assert {"prevention.agreement.update", "prevention.agreement.delete"} <= _codes()


def test_a_contact_person_is_changed_and_reading_is_audited(home, coordinator, login):
    contact = PartnerContact.objects.create(partner=_partner(home), name="Leder")
    client = login(coordinator)
    url = f"/ansatt/forebygging/kontakt/{contact.pk}/endre/"
    assert "Leder" in client.get(url).content.decode()
    assert "prevention.partnercontact.read" in _codes()
    refused = client.post(url, {"name": "Leder", "email": "ikke-en-adresse"})
    assert refused.status_code == 200
    client.post(url, {"name": "Nestleder", "email": "nest@example.test"})
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("Nestleder", "nest@example.test")
    assert "prevention.contact.update" in _codes()


def test_a_delivery_is_changed_and_deleted(home, coordinator, login):
    school = UnitFactory(municipality=home, kind=Unit.Kind.SCHOOL)
    delivery = Delivery.objects.create(
        municipality=home, unit=school, programme=_national("Æ e mæ"), age_group="gs_1_4"
    )
    Delivery.objects.create(
        municipality=home, unit=school, programme=_national("Æ e mæ"), age_group="gs_5_7"
    )
    client = login(coordinator)
    url = f"/ansatt/forebygging/levering/{delivery.pk}/endre/"
    data = {"unit": school.pk, "programme": _national("Æ e mæ").pk}
    clash = client.post(url, {**data, "age_group": "gs_5_7"})
    assert "allerede registrert" in clash.content.decode()
    saved = client.post(url, {**data, "age_group": "gs_8_10", "last_delivered_on": "2026-03-01"})
    assert saved.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.age_group, delivery.last_delivered_on) == ("gs_8_10", date(2026, 3, 1))
    page = client.get("/ansatt/forebygging/").content.decode()
    assert f"/ansatt/forebygging/levering/{delivery.pk}/slett/" in page
    client.post(f"/ansatt/forebygging/levering/{delivery.pk}/slett/")
    assert Delivery.objects.for_system(reason="test").count() == 1
    assert {"prevention.delivery.update", "prevention.delivery.delete"} <= _codes()


def test_a_group_the_school_does_not_have_is_not_a_gap(home, coordinator, login):
    school = UnitFactory(municipality=home, kind=Unit.Kind.SCHOOL, name="Barneskolen")
    client = login(coordinator)
    rows, groups, gaps = selectors.coverage_matrix(user=coordinator, municipality=home, today=TODAY)
    assert gaps == 3  # not yet told: every school year is counted
    url = f"/ansatt/forebygging/enhet/{school.pk}/aldersgrupper/"
    # A kindergarten group cannot be chosen for a school.
    assert client.post(url, {"age_groups": ["kg_1_2"]}).status_code == 200
    assert client.post(url, {"age_groups": ["gs_1_4", "gs_5_7"]}).status_code == 302
    rows, groups, gaps = selectors.coverage_matrix(user=coordinator, municipality=home, today=TODAY)
    states = {g.value: c.state for g, c in zip(groups, rows[0]["cells"], strict=True)}
    assert states["gs_8_10"] == "none" and states["gs_1_4"] == "gap" and gaps == 2
    # Nor can a delivery be recorded for the years the school does not have.
    refused = client.post(
        "/ansatt/forebygging/levering/",
        {"unit": school.pk, "programme": _national("Æ e mæ").pk, "age_group": "gs_8_10"},
    )
    assert refused.status_code == 200
    assert not Delivery.objects.for_system(reason="test").exists()
    assert "prevention.unit_groups.set" in _codes()


def test_a_reader_cannot_change_or_delete(home, reader, login):
    partner = _partner(home)
    client = login(reader)
    assert client.post(f"/ansatt/forebygging/samarbeid/{partner.pk}/slett/").status_code == 403
    assert Partner.objects.for_system(reason="test").exists()
