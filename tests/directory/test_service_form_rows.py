"""The service form's lists: languages picked by name, and phone and
opening-hour rows added and removed without saving the entry (also in an
organisation editor's proposal)."""

import re
from datetime import time

import pytest
from django.urls import reverse
from django.utils import translation

from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.directory.test_staff_services import management, service_data
from tests.factories import MembershipFactory, UserFactory
from vern.core.models import Role
from vern.directory.models import (
    OrganizationEditor,
    PendingChange,
    Phone,
    Schedule,
    Service,
    ServiceLanguage,
    ServiceRevision,
)


@pytest.fixture
def organization(home):
    return OrganizationFactory(owner=home, name="Heimby krisesenter")


@pytest.fixture
def service(home, organization):
    return ServiceFactory(owner=home, organization=organization, name="Krisesenteret")


@pytest.fixture
def org_editor(home, organization):
    user = UserFactory(email="kari@krisesenter.example.test", full_name="Kari Krisesenter")
    MembershipFactory(user=user, municipality=home, role=Role.ORG_EDITOR)
    OrganizationEditor.objects.for_system("test").create(organization=organization, user=user)
    return user


def _edit_data(service, organization, phones, schedules=(), **overrides) -> dict:
    """The edit form as sent: the stored ``phones`` (and ``schedules``) as its
    first rows, each with what the person typed."""
    data = service_data(
        organization,
        name=service.name,
        description=service.description or "Tilbud.",
        **management("phones", len(phones), initial=len(phones)),
        **management("schedules", len(schedules), initial=len(schedules)),
    )
    for key in [k for k in data if k.startswith(("phones-0", "phones-1", "schedules-0"))]:
        del data[key]
    for index, phone in enumerate(phones):
        data |= {
            f"phones-{index}-id": str(phone.pk),
            f"phones-{index}-number": phone.number,
            f"phones-{index}-kind": phone.kind,
            f"phones-{index}-is_free": "on",
        }
    for index, schedule in enumerate(schedules):
        data |= {
            f"schedules-{index}-weekday": str(schedule.weekday),
            f"schedules-{index}-opens_at": schedule.opens_at.strftime("%H:%M"),
            f"schedules-{index}-closes_at": schedule.closes_at.strftime("%H:%M"),
        }
    data.update(overrides)
    return data


# --- adding rows ----------------------------------------------------------------------


def test_add_phone_row_keeps_everything_typed_and_saves_nothing(coordinator, organization, login):
    data = service_data(
        organization,
        name="Nytt tilbud under arbeid",
        description="",  # not filled in yet: no error is shown for it
        languages_offered=["so", "ar"],
        add_row="phones",
    )
    response = login(coordinator).post(reverse("directory:service_create"), data)
    assert response.status_code == 200
    assert not Service.objects.filter(name="Nytt tilbud under arbeid").exists()
    phones = response.context["phones"]
    assert len(phones.forms) == 3
    assert phones.forms[0]["number"].value() == "22 00 00 00"
    assert phones.forms[0]["description"].value() == "Døgnåpen telefon"
    # The new row has the usual defaults and takes the focus.
    new = phones.forms[2]
    assert new["kind"].value() == "voice" and new["is_free"].value()
    assert new.fields["number"].widget.attrs.get("autofocus")
    page = response.content.decode()
    assert 'name="phones-TOTAL_FORMS" value="3"' in page
    assert 'value="Nytt tilbud under arbeid"' in page
    assert 'value="22 00 00 00"' in page
    assert 'name="phones-2-number"' in page
    assert re.search(r'value="so"[^>]*checked', page)
    assert not re.search(r'value="nb"[^>]*checked', page)
    assert "ds-validation-message" not in page
    assert 'data-color="danger"' not in page
    # The schedule rows were kept as they were.
    schedules = response.context["schedules"]
    assert len(schedules.forms) == 2
    assert schedules.forms[0]["opens_at"].value() == "08:00"


def test_add_opening_hours_row_then_save_keeps_all_rows(
    home, coordinator, organization, service, login
):
    Schedule.objects.create(service=service, weekday=1, opens_at=time(8), closes_at=time(16))
    client = login(coordinator)
    url = reverse("directory:service_edit", args=[service.pk])
    data = _edit_data(service, organization, [], list(service.schedules.all()), add_row="schedules")
    response = client.post(url, data)
    assert response.status_code == 200
    assert len(response.context["schedules"].forms) == 2
    assert 'name="schedules-TOTAL_FORMS" value="2"' in response.content.decode()
    assert list(service.schedules.values_list("weekday", flat=True)) == [1]
    # The person fills in the new row and saves.
    data.pop("add_row")
    data |= {
        "schedules-TOTAL_FORMS": "2",
        "schedules-1-weekday": "2",
        "schedules-1-opens_at": "09:00",
        "schedules-1-closes_at": "15:00",
    }
    assert client.post(url, data).status_code == 302
    assert list(service.schedules.values_list("weekday", "opens_at", "closes_at")) == [
        (1, time(8), time(16)),
        (2, time(9), time(15)),
    ]


def test_rows_can_be_added_only_up_to_the_limit(coordinator, organization, login):
    data = service_data(organization, add_row="phones", **management("phones", 20))
    response = login(coordinator).post(reverse("directory:service_create"), data)
    assert response.status_code == 200
    assert len(response.context["phones"].forms) == 20


def test_a_broken_management_form_with_add_row_is_no_server_error(coordinator, organization, login):
    data = service_data(organization, add_row="phones")
    del data["phones-INITIAL_FORMS"]
    response = login(coordinator).post(reverse("directory:service_create"), data)
    assert response.status_code == 200
    assert not Service.objects.filter(name=data["name"]).exists()


def test_a_new_service_starts_with_one_empty_row_of_each(coordinator, login):
    response = login(coordinator).get(reverse("directory:service_create"))
    assert len(response.context["phones"].forms) == 1
    assert len(response.context["schedules"].forms) == 1
    page = response.content.decode()
    assert 'name="add_row" value="phones"' in page
    assert 'name="add_row" value="schedules"' in page


def test_the_buttons_are_named_in_norwegian(coordinator, login):
    with translation.override("nb"):
        page = login(coordinator).get(reverse("directory:service_create")).content.decode()
    assert "Legg til telefonnummer" in page and "Legg til åpningstid" in page


# --- removing rows --------------------------------------------------------------------


def test_ticking_remove_deletes_that_phone_only(coordinator, organization, service, login):
    kept = Phone.objects.create(service=service, number="22 11 11 11")
    gone = Phone.objects.create(service=service, number="22 22 22 22")
    phones = sorted([kept, gone], key=lambda p: p.pk)
    index = phones.index(gone)
    data = _edit_data(service, organization, phones, **{f"phones-{index}-DELETE": "on"})
    response = login(coordinator).post(reverse("directory:service_edit", args=[service.pk]), data)
    assert response.status_code == 302
    assert list(service.phones.values_list("pk", flat=True)) == [kept.pk]
    assert (
        "phones"
        in ServiceRevision.objects.for_system("test").filter(service=service).first().changes
    )


def test_a_removed_row_is_not_checked(coordinator, organization, service, login):
    """A row marked for removal may hold anything: it is not saved, so not checked."""
    phone = Phone.objects.create(service=service, number="22 11 11 11")
    data = _edit_data(
        service,
        organization,
        [phone],
        **{"phones-0-number": "ring meg", "phones-0-DELETE": "on"},
    )
    response = login(coordinator).post(reverse("directory:service_edit", args=[service.pk]), data)
    assert response.status_code == 302
    assert not service.phones.exists()


def test_ticking_remove_deletes_opening_hours(coordinator, organization, service, login):
    monday = Schedule.objects.create(
        service=service, weekday=1, opens_at=time(8), closes_at=time(16)
    )
    tuesday = Schedule.objects.create(
        service=service, weekday=2, opens_at=time(8), closes_at=time(16)
    )
    data = _edit_data(service, organization, [], [monday, tuesday], **{"schedules-0-DELETE": "on"})
    login(coordinator).post(reverse("directory:service_edit", args=[service.pk]), data)
    assert list(service.schedules.values_list("weekday", flat=True)) == [2]


def test_only_stored_rows_have_a_remove_box(coordinator, organization, service, login):
    Phone.objects.create(service=service, number="22 11 11 11")
    with translation.override("nb"):
        response = login(coordinator).get(reverse("directory:service_edit", args=[service.pk]))
    phones = response.context["phones"]
    assert "DELETE" in phones.forms[0].fields and "DELETE" not in phones.forms[1].fields
    assert "Fjern dette nummeret" in response.content.decode()


def test_a_validation_error_after_adding_rows_keeps_everything_typed(
    coordinator, organization, login
):
    client = login(coordinator)
    data = service_data(organization, name="Halvferdig", add_row="phones")
    client.post(reverse("directory:service_create"), data)
    data.pop("add_row")
    data |= {
        "phones-TOTAL_FORMS": "3",
        "phones-2-number": "ring meg",
        "phones-2-kind": "sms",
        "languages_offered": ["pl"],
    }
    response = client.post(reverse("directory:service_create"), data)
    assert response.status_code == 200
    assert not Service.objects.filter(name="Halvferdig").exists()
    phones = response.context["phones"]
    assert phones.forms[2].errors["number"]
    assert phones.forms[0]["number"].value() == "22 00 00 00"
    assert phones.forms[2]["kind"].value() == "sms"
    assert response.context["form"]["languages_offered"].value() == ["pl"]
    assert 'value="Halvferdig"' in response.content.decode()


# --- languages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("nb", ["Arabisk", "Norsk bokmål", "Nordsamisk", "Somali", "Tigrinja", "Dari"]),
        ("nn", ["Arabisk", "Norsk nynorsk", "Nordsamisk", "Ukrainsk", "Norsk teiknspråk"]),
        ("en", ["Arabic", "Norwegian Bokmål", "Northern Sami", "Somali", "Tigrinya"]),
    ],
)
def test_languages_are_offered_by_name_in_the_page_language(coordinator, login, language, names):
    with translation.override(language):
        response = login(coordinator).get(reverse("directory:service_create"))
    choices = dict(response.context["form"].fields["languages_offered"].choices)
    for name in names:
        assert name in choices.values(), name
    page = response.content.decode()
    assert 'type="checkbox" name="languages_offered" value="ar"' in page
    assert 'name="languages_offered" value="ar"' in page
    assert "ISO 639" not in page


def test_languages_are_listed_in_norwegian_order(coordinator, login):
    with translation.override("nb"):
        response = login(coordinator).get(reverse("directory:service_create"))
    names = [name for _code, name in response.context["form"].fields["languages_offered"].choices]
    assert names.index("Albansk") == 0
    assert names[-1] in {"Ungarsk", "Urdu", "Vietnamesisk"}
    assert names.index("Nordsamisk") < names.index("Norsk bokmål") < names.index("Oromo")


def test_languages_picked_by_name_are_saved_as_codes(coordinator, organization, service, login):
    ServiceLanguage.objects.create(service=service, code="ar", note="Med tolk")
    data = _edit_data(service, organization, [], languages_offered=["ar", "so", "se"])
    response = login(coordinator).post(reverse("directory:service_edit", args=[service.pk]), data)
    assert response.status_code == 302
    stored = dict(service.languages.values_list("code", "note"))
    assert stored == {"ar": "Med tolk", "so": "", "se": ""}


def test_a_language_outside_the_list_is_kept_and_offered(coordinator, organization, service, login):
    ServiceLanguage.objects.create(service=service, code="fo")  # came with an import
    client = login(coordinator)
    url = reverse("directory:service_edit", args=[service.pk])
    response = client.get(url)
    assert response.context["form"]["languages_offered"].value() == ["fo"]
    assert "fo" in dict(response.context["form"].fields["languages_offered"].choices)
    data = _edit_data(service, organization, [], languages_offered=["fo", "nb"])
    assert client.post(url, data).status_code == 302
    assert sorted(service.languages.values_list("code", flat=True)) == ["fo", "nb"]


def test_a_code_not_on_the_list_cannot_be_sent(coordinator, organization, service, login):
    data = _edit_data(service, organization, [], languages_offered=["nb", "klingon"])
    response = login(coordinator).post(reverse("directory:service_edit", args=[service.pk]), data)
    assert response.status_code == 200
    assert "languages_offered" in response.context["form"].errors
    assert not service.languages.exists()


def test_the_detail_page_names_the_languages(coordinator, service, login):
    ServiceLanguage.objects.create(service=service, code="so")
    with translation.override("nb"):
        page = (
            login(coordinator)
            .get(reverse("directory:service_detail", args=[service.pk]))
            .content.decode()
        )
    assert "Somali" in page


# --- the organisation editor's proposal --------------------------------------------------


def test_the_proposal_form_adds_rows_and_picks_languages_too(
    organization, service, org_editor, login
):
    phone = Phone.objects.create(service=service, number="22 00 00 00")
    client = login(org_editor)
    url = reverse("directory:service_edit", args=[service.pk])
    data = _edit_data(service, None, [phone], add_row="phones")
    data.pop("organization")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["mode"] == "propose"
    assert len(response.context["phones"].forms) == 2
    assert not PendingChange.objects.for_system("test").exists()
    # The editor fills in the new row, removes the old one and picks languages.
    data.pop("add_row")
    data |= {
        "phones-TOTAL_FORMS": "2",
        "phones-0-DELETE": "on",
        "phones-1-number": "116 006",
        "phones-1-kind": "voice",
        "phones-1-is_free": "on",
        "languages_offered": ["pl", "uk"],
    }
    assert client.post(url, data).status_code == 302
    change = PendingChange.objects.for_system("test").get()
    assert change.proposed["languages"] == ["pl", "uk"]
    assert [row["number"] for row in change.proposed["phones"]] == ["116 006"]
    # Nothing is live until the owner approves.
    assert list(service.phones.values_list("number", flat=True)) == ["22 00 00 00"]
    assert not service.languages.exists()


def test_the_owner_reads_proposed_languages_and_history_by_name(
    coordinator, organization, service, org_editor, login
):
    data = _edit_data(service, None, [], languages_offered=["pl", "uk"])
    data.pop("organization")
    assert (
        login(org_editor)
        .post(reverse("directory:service_edit", args=[service.pk]), data)
        .status_code
        == 302
    )
    change = PendingChange.objects.for_system("test").get()
    with translation.override("nb"):
        page = (
            login(coordinator)
            .get(reverse("directory:pending_detail", args=[change.pk]))
            .content.decode()
        )
    assert "Polsk; Ukrainsk" in page
    # Approved, the history names them too.
    with translation.override("nb"):
        login(coordinator).post(
            reverse("directory:pending_detail", args=[change.pk]), {"action": "approve"}
        )
        history = (
            login(coordinator)
            .get(reverse("directory:service_history", args=[service.pk]))
            .content.decode()
        )
    assert sorted(service.languages.values_list("code", flat=True)) == ["pl", "uk"]
    assert "Polsk; Ukrainsk" in history
