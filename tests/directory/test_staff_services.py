"""Staff pages for services: list, create and edit with phones and opening hours."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from tests.directory.factories import OrganizationFactory, ServiceFactory, term
from tests.factories import MembershipFactory, UserFactory
from vern.audit.models import AuditEntry
from vern.core.models import Role
from vern.directory.models import Organization, Phone, Schedule, Service, ServiceRevision


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def service_data(organization, **overrides) -> dict:
    data = {
        "organization": str(organization.pk) if organization else "",
        "name": "Krisesenteret i Heimby",
        "description": "Trygt sted å bo for deg som er utsatt for vold.",
        "status": "active",
        "referral": "none",
        "is_free": "on",
        "verification_days": "180",
        **management("phones", 2),
        "phones-0-number": "22 00 00 00",
        "phones-0-kind": "voice",
        "phones-0-description": "Døgnåpen telefon",
        "phones-0-is_free": "on",
        "phones-1-kind": "voice",
        "phones-1-is_free": "on",
        **management("schedules", 2),
        "schedules-0-weekday": "1",
        "schedules-0-opens_at": "08:00",
        "schedules-0-closes_at": "16:00",
        "schedules-1-weekday": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def organization(home):
    return OrganizationFactory(owner=home, name="Heimby krisesenter")


def test_coordinator_creates_a_service_with_phones_and_opening_hours(
    home, other, coordinator, organization, login
):
    data = service_data(
        organization,
        target_groups=[str(term("target_group", "exposed").pk)],
        violence_forms=[str(term("violence", "physical").pk)],
        languages_offered=["nb", "en", "ar"],
        areas=[str(other.pk)],
        editors=[str(coordinator.pk)],
        accommodation_women="on",
    )
    response = login(coordinator).post(reverse("directory:service_create"), data)
    service = Service.objects.get(name="Krisesenteret i Heimby")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:service_detail", args=[service.pk])
    assert service.owner == home and not service.is_national
    assert service.organization == organization
    assert service.accommodation_women
    assert [(p.number, p.description) for p in service.phones.all()] == [
        ("22 00 00 00", "Døgnåpen telefon")
    ]
    assert list(service.schedules.values_list("weekday", "opens_at", "closes_at")) == [
        (1, time(8), time(16))
    ]
    assert set(service.terms.values_list("code", flat=True)) == {"exposed", "physical"}
    assert sorted(service.languages.values_list("code", flat=True)) == ["ar", "en", "nb"]
    assert list(service.areas.all()) == [other]
    assert list(service.editors.all()) == [coordinator]
    # The creator vouches for it today: the verification cycle starts now.
    assert service.assured_date is not None
    assert service.verification_due == service.assured_date + timedelta(days=180)
    assert "fysisk" in service.search_document.casefold()
    revision = ServiceRevision.objects.for_system("test").get(service=service)
    assert revision.author == coordinator
    assert "phones" in revision.changes and "areas" in revision.changes
    assert AuditEntry.objects.for_system("test").filter(
        code="directory.service.create", object_id=str(service.pk)
    )


def test_the_new_service_form_lists_members_and_its_read_is_audited(
    home, coordinator, reader, login
):
    """The responsible-editor choices show members' names and e-mail addresses,
    like the member list, so opening the form is logged like it."""
    response = login(coordinator).get(reverse("directory:service_create"))
    assert response.status_code == 200
    assert reader.email in response.content.decode()
    entry = AuditEntry.objects.for_system("test").get(action="read", code="core.membership.read")
    assert entry.actor == coordinator and entry.municipality == home
    assert entry.detail["path"] == reverse("directory:service_create")


def test_a_new_organisation_can_be_created_with_the_service(home, coordinator, login):
    data = service_data(
        None,
        new_organization_name="Heimby familievern",
        new_organization_description="Familievernkontoret i Heimby.",
    )
    response = login(coordinator).post(reverse("directory:service_create"), data)
    assert response.status_code == 302
    service = Service.objects.get(name="Krisesenteret i Heimby")
    assert service.organization.name == "Heimby familievern"
    assert service.organization.owner == home


def test_bad_input_shows_field_errors_and_saves_nothing(home, coordinator, organization, login):
    before = (Service.objects.count(), Organization.objects.count(), Phone.objects.count())
    data = service_data(
        None,
        new_organization_name="Ny organisasjon",
        new_organization_description="Finnes ikke ennå.",
        referral="required",
        referral_from="",
        languages_offered=["nb", "xx"],
        **{
            "phones-0-number": "ring meg",
            "schedules-0-opens_at": "16:00",
            "schedules-0-closes_at": "08:00",
        },
    )
    response = login(coordinator).post(reverse("directory:service_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "referral_from" in form.errors
    assert "xx" in form.errors["languages_offered"][0]  # not a language on the list
    assert response.context["phones"].forms[0].errors["number"]
    assert response.context["schedules"].forms[0].errors["closes_at"]
    assert (Service.objects.count(), Organization.objects.count(), Phone.objects.count()) == before
    html = response.content.decode()
    assert 'class="ds-error-summary' in html  # the summary at the top, linking each field
    assert 'href="#id_phones-0-number"' in html and 'href="#id_schedules-0-closes_at"' in html


def test_a_failure_in_the_service_layer_rolls_back_the_new_organisation(
    home, coordinator, login, monkeypatch
):
    from django.core.exceptions import ValidationError

    from vern.directory.services import entries

    def broken(**kwargs):
        raise ValidationError({"phones": "Databasen sa nei."})

    monkeypatch.setattr(entries, "_apply_related", lambda service, related: broken())
    data = service_data(
        None,
        new_organization_name="Halvferdig organisasjon",
        new_organization_description="Skal ikke lagres.",
    )
    response = login(coordinator).post(reverse("directory:service_create"), data)
    assert response.status_code == 200
    assert "Databasen sa nei." in response.content.decode()
    assert not Organization.objects.filter(name="Halvferdig organisasjon").exists()
    assert not Service.objects.filter(name="Krisesenteret i Heimby").exists()


def test_organisation_or_new_organisation_is_required(coordinator, login):
    response = login(coordinator).post(reverse("directory:service_create"), service_data(None))
    assert "organization" in response.context["form"].errors


def test_another_municipalitys_organisation_cannot_be_chosen(other, coordinator, login):
    foreign = OrganizationFactory(owner=other)
    response = login(coordinator).post(reverse("directory:service_create"), service_data(foreign))
    assert "organization" in response.context["form"].errors
    assert not Service.objects.filter(name="Krisesenteret i Heimby").exists()


def test_edit_keeps_phone_ids_and_replaces_opening_hours(home, coordinator, organization, login):
    service = ServiceFactory(owner=home, organization=organization, name="Familievernet")
    phone = Phone.objects.create(service=service, number="22 11 11 11")
    Schedule.objects.create(service=service, weekday=2, opens_at=time(9), closes_at=time(15))
    data = service_data(
        organization,
        name="Familievernet",
        **management("phones", 2, initial=1),
        **{
            "phones-0-id": str(phone.pk),
            "phones-0-number": "22 11 11 12",
            "phones-1-number": "116 006",
            "phones-1-kind": "voice",
        },
        **management("schedules", 1, initial=1),
        **{
            "schedules-0-weekday": "3",
            "schedules-0-opens_at": "10:00",
            "schedules-0-closes_at": "14:00",
        },
    )
    response = login(coordinator).post(reverse("directory:service_edit", args=[service.pk]), data)
    assert response.status_code == 302
    phones = list(service.phones.order_by("number"))
    assert [p.number for p in phones] == ["116 006", "22 11 11 12"]
    assert phone.pk in {p.pk for p in phones}
    assert list(service.schedules.values_list("weekday", "opens_at")) == [(3, time(10))]
    revision = service.revisions.first()
    assert revision.summary_code == "directory.revision.changed"
    assert set(revision.changes) >= {"phones", "schedules"}


def test_emptying_a_phone_number_removes_the_phone(home, coordinator, organization, login):
    service = ServiceFactory(owner=home, organization=organization, name="Tilbudet")
    phone = Phone.objects.create(service=service, number="22 11 11 11")
    data = service_data(
        organization,
        name="Tilbudet",
        **management("phones", 1, initial=1),
        **{"phones-0-id": str(phone.pk), "phones-0-number": ""},
    )
    login(coordinator).post(reverse("directory:service_edit", args=[service.pk]), data)
    assert not service.phones.exists()


def test_the_edit_form_shows_the_current_values(home, coordinator, organization, login):
    service = ServiceFactory(owner=home, organization=organization, name="Tilbudet")
    service.terms.add(term("violence", "honour"))
    Phone.objects.create(service=service, number="22 33 44 55")
    response = login(coordinator).get(reverse("directory:service_edit", args=[service.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "22 33 44 55" in page
    assert response.context["form"].initial["violence_forms"] == [term("violence", "honour").pk]


@pytest.mark.parametrize("url", ["directory:service_edit", "directory:service_verify"])
def test_a_reader_cannot_edit_or_verify(home, reader, login, url):
    service = ServiceFactory(owner=home)
    client = login(reader)
    assert client.get(reverse("directory:service_detail", args=[service.pk])).status_code == 200
    assert client.get(reverse(url, args=[service.pk])).status_code == 403
    assert client.post(reverse(url, args=[service.pk]), {}).status_code == 403


def test_a_reader_cannot_create(reader, login):
    assert login(reader).get(reverse("directory:service_create")).status_code == 403


def test_a_municipal_editor_who_is_responsible_edits_directly(home, organization, login):
    editor = UserFactory(full_name="Ansvarlig Redaktør")
    MembershipFactory(user=editor, municipality=home, role=Role.EDITOR)
    mine = ServiceFactory(owner=home, organization=organization, name="Mitt")
    mine.editors.add(editor)
    theirs = ServiceFactory(owner=home, organization=organization, name="Andres")
    client = login(editor)
    response = client.post(
        reverse("directory:service_edit", args=[mine.pk]),
        service_data(organization, name="Mitt nye navn"),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Mitt nye navn"
    assert client.get(reverse("directory:service_edit", args=[theirs.pk])).status_code == 403


def test_only_national_editors_make_national_entries(home, coordinator, organization, login):
    data = service_data(organization, is_national="on")
    login(coordinator).post(reverse("directory:service_create"), data)
    service = Service.objects.get(name="Krisesenteret i Heimby")
    assert not service.is_national and service.owner == home


def test_a_national_editor_creates_and_sees_national_entries(db, login):
    national = UserFactory(full_name="Nasjonal Redaktør")
    MembershipFactory(user=national, municipality=None, role=Role.NATIONAL)
    organization = OrganizationFactory(owner=None, name="Nasjonal organisasjon")
    client = login(national)
    data = service_data(organization, name="Nasjonal linje")
    response = client.post(reverse("directory:service_create"), data)
    assert response.status_code == 302
    service = Service.objects.get(name="Nasjonal linje")
    assert service.is_national and service.owner is None
    listing = client.get(reverse("directory:service_list"), {"q": "Nasjonal linje"})
    assert [s.name for s in listing.context["page"]] == ["Nasjonal linje"]


def test_national_entries_are_not_editable_by_a_municipality(home, coordinator, login):
    national = ServiceFactory(owner=None, is_national=True, name="Nasjonal linje")
    client = login(coordinator)
    assert client.get(reverse("directory:service_edit", args=[national.pk])).status_code == 404
    assert "Nasjonal linje" not in client.get(reverse("directory:service_list")).content.decode()


def test_list_filters_by_name_status_and_verification(
    home, other, coordinator, login, time_machine
):
    time_machine.move_to(date(2026, 3, 2), tick=False)
    ServiceFactory(owner=home, name="Krisesenteret", verification_due=date(2026, 2, 1))
    ServiceFactory(
        owner=home,
        name="Familievernet",
        verification_due=date(2026, 3, 10),
        status=Service.Status.TEMPORARILY_CLOSED,
    )
    ServiceFactory(owner=home, name="Helsestasjonen", verification_due=date(2026, 9, 1))
    ServiceFactory(owner=other, name="Annenbys tilbud", verification_due=date(2026, 2, 1))
    client = login(coordinator)
    url = reverse("directory:service_list")

    def names(**params):
        return [s.name for s in client.get(url, params).context["page"]]

    assert names() == ["Familievernet", "Helsestasjonen", "Krisesenteret"]
    assert names(q="krise") == ["Krisesenteret"]
    assert names(status="temporarily closed") == ["Familievernet"]
    assert names(frist="overdue") == ["Krisesenteret"]
    assert names(frist="due") == ["Familievernet", "Krisesenteret"]
    assert names(status="<script>", frist="x' OR 1=1") == names()
    response = client.get(url)
    assert [s.name for s in response.context["due"]] == ["Krisesenteret", "Familievernet"]
    assert [s.state for s in response.context["due"]] == ["overdue", "due"]
    assert response.context["due_total"] == 2


def test_list_pages_through_many_services(home, coordinator, login):
    for number in range(30):
        ServiceFactory(owner=home, name=f"Tilbud {number:02d}")
    client = login(coordinator)
    first = client.get(reverse("directory:service_list"))
    second = client.get(reverse("directory:service_list"), {"side": 2})
    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 5
    assert client.get(reverse("directory:service_list"), {"side": "x"}).status_code == 200


def test_dashboard_card_counts_due_and_overdue_entries(home, coordinator, login, time_machine):
    time_machine.move_to(date(2026, 3, 2), tick=False)
    ServiceFactory(owner=home, verification_due=date(2026, 2, 1))
    ServiceFactory(owner=home, verification_due=date(2026, 3, 5))
    ServiceFactory(owner=home, verification_due=date(2026, 8, 5))
    with translation.override("en"):
        page = login(coordinator).get(reverse("core:dashboard")).content.decode()
        assert "2 due or overdue for verification" in page
        assert reverse("directory:service_list") in page


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "Familievern\nBcc: angriper@example.test"),
        ("name", "Familie\rvern"),
        ("alternate_name", "Fam\x00ilievern"),
        ("alert", "Stengt\u2028i dag"),
        ("phones-0-description", "Døgnåpen\ttelefon"),
        ("new_organization_name", "Ny\nBcc: x@example.test"),
    ],
)
def test_the_service_form_refuses_control_characters_in_one_line_fields(
    coordinator, organization, login, field, value
):
    data = service_data(organization, **{field: value})
    if field == "new_organization_name":
        data.update(organization="", new_organization_description="En ny organisasjon.")
    services, organizations = Service.objects.count(), Organization.objects.count()
    response = login(coordinator).post(reverse("directory:service_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skriv dette på én linje, uten linjeskift, tabulatorer eller andre kontrolltegn." in html
    assert (Service.objects.count(), Organization.objects.count()) == (services, organizations)


def test_line_breaks_stay_allowed_in_the_multi_line_fields(coordinator, organization, login):
    data = service_data(organization, description="Første linje.\r\nAndre linje.")
    response = login(coordinator).post(reverse("directory:service_create"), data)
    assert response.status_code == 302
    saved = Service.objects.get(name="Krisesenteret i Heimby")
    assert saved.description.splitlines() == ["Første linje.", "Andre linje."]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_detail_page_of_a_service_with_languages_shows_them_and_the_switcher(
    home, coordinator, organization, login, language
):
    service = ServiceFactory(owner=home, organization=organization)
    service.languages.create(code="pl")
    service.languages.create(code="uk")
    with translation.override(language):
        response = login(coordinator).get(reverse("directory:service_detail", args=[service.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    names = {"nb": "Polsk, Ukrainsk", "nn": "Polsk, Ukrainsk", "en": "Polish, Ukrainian"}
    assert names[language] in page
    # The staff language switcher still offers the three staff languages.
    assert page.count('hreflang="') == 2


@pytest.mark.parametrize(
    ("language", "empty_choice"),
    [
        ("nb", "– Velg et alternativ –"),
        ("nn", "– Vel eit alternativ –"),
        ("en", "- Select an option -"),
    ],
)
def test_optional_dropdowns_name_the_empty_choice_in_the_page_language(
    coordinator, login, language, empty_choice
):
    with translation.override(language):
        page = login(coordinator).get(reverse("directory:service_create")).content.decode()
    assert f'<option value="" selected>{empty_choice}</option>' in page
