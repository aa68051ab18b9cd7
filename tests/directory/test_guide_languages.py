"""The guide in its eight languages: labels, target groups and forms of violence
translated; entries' language versions shown, searched and edited."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.directory.factories import ServiceFactory, term
from tests.directory.test_staff_services import management, service_data
from vern.directory import search, textnorm
from vern.directory.models import Service, ServiceRevision, ServiceTranslation, TaxonomyTerm

PUBLIC = [code for code, _name in settings.LANGUAGES]


def url(name: str, language: str = "nb", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.django_db
@pytest.mark.parametrize("language", PUBLIC)
def test_every_target_group_and_form_of_violence_has_a_name_in_every_language(language):
    with translation.override(language):
        for found in TaxonomyTerm.objects.all():
            assert found.name_language == language, (language, found.code)
            if language not in ("nb", "nn"):
                assert found.name != found.name_nb or found.code in {"neglect"}, found.code


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["uk", "ar", "pl", "so", "se"])
def test_search_page_filters_are_not_in_bokmal(client, language):
    html = client.get(url("guide:search", language)).content.decode()
    for bokmal in ("Utsatt for vold", "Barn og unge", "Utøver vold", "Tvangsekteskap"):
        assert f">{bokmal}<" not in html, bokmal
    with translation.override(language):
        assert term("target_group", "exposed").name in html


@pytest.mark.django_db
def test_a_term_the_catalogue_does_not_know_falls_back_to_bokmal():
    custom = TaxonomyTerm.objects.create(
        taxonomy=term("violence", "physical").taxonomy,
        code="digital",
        name_nb="Digital vold",
        name_en="Digital violence",
    )
    with translation.override("uk"):
        assert (custom.name, custom.name_language) == ("Digital vold", "nb")


@pytest.fixture
def crisis_centre(home):
    service = ServiceFactory(
        owner=home,
        name="Krisesenteret i Heimby",
        description="Et trygt sted å bo.",
        eligibility_description="Voksne og barn.",
    )
    service.areas.set([home])
    ServiceTranslation.objects.create(
        service=service,
        language="uk",
        name="Кризовий центр Heimby",
        description="Безпечне місце, де можна жити, якщо вдома є домашнє насильство.",
        how_to_contact="Телефонуйте 00 00 00 01.",
        machine_assisted=True,
    )
    ServiceTranslation.objects.create(
        service=service,
        language="ar",
        name="مركز الأزمات في Heimby",
        description="مكان آمن للأطفال والنساء الذين يتعرضون للعنف الأسري.",
    )
    search.index_service(Service.objects.get(pk=service.pk))
    return service


@pytest.mark.django_db
def test_a_service_is_shown_in_the_page_language_with_fallback(client, crisis_centre):
    ukrainian = client.get(url("guide:service", "uk", pk=crisis_centre.pk)).content.decode()
    assert "Кризовий центр Heimby" in ukrainian
    assert "Телефонуйте 00 00 00 01." in ukrainian
    somali = client.get(url("guide:service", "so", pk=crisis_centre.pk)).content.decode()
    assert "Krisesenteret i Heimby" in somali  # no Somali version: bokmål, marked so
    assert 'lang="nb"' in somali


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language,query",
    [("uk", "домашнє насильство"), ("uk", "кризовий центр"), ("ar", "العنف الأسري")],
)
def test_a_query_finds_the_text_in_its_language(client, home, crisis_centre, language, query):
    response = client.get(url("guide:search", language), {"q": query, "kommune": home.number})
    assert crisis_centre.name in [s.name for s in response.context["result"].services] or (
        str(crisis_centre.pk) in response.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["عنف", "العنف", "أطفال", "اطفال", "للأطفال", "الأطفال", "الاطفال"]
)
def test_arabic_is_found_however_it_is_written(client, home, crisis_centre, query):
    """The text says "للأطفال" and "للعنف": the index also holds the words without
    the attached preposition, with the article, and without hamza (``textnorm``)."""
    html = client.get(url("guide:search", "ar"), {"q": query, "kommune": home.number})
    assert str(crisis_centre.pk) in html.content.decode(), query


def test_arabic_normalisation():
    assert textnorm.normalise_arabic("أَطْفَالٌ") == "اطفال"
    assert textnorm.normalise_arabic("مـــدرسة") == "مدرسه"
    assert textnorm.arabic_light_stem("والعنف") == "عنف"
    assert textnorm.arabic_light_stem("الأطفال", normalise=False) == "أطفال"
    assert textnorm.normalise_arabic("Ålesund kjøpte") == "Ålesund kjøpte"
    assert textnorm.index_variants("no arabic here") == []


@pytest.mark.django_db
def test_hsds_api_gives_the_language_versions(client, crisis_centre):
    response = client.get(f"/api/hsds/services/{crisis_centre.pk}")
    versions = {t["language"]: t for t in response.json()["translations"]}
    assert versions["uk"]["name"] == "Кризовий центр Heimby"
    assert versions["uk"]["machine_assisted"] is True
    assert versions["ar"]["machine_assisted"] is False


# --- staff: adding, changing and removing a language version ----------------------


def edit_data(service, **rows) -> dict:
    data = service_data(service.organization, name=service.name, description=service.description)
    data.update(management("translations", len(rows.get("translations", [])) + 1))
    for index, row in enumerate(rows.get("translations", [])):
        for key, value in row.items():
            data[f"translations-{index}-{key}"] = value
    return data


def versioned(staff, edit_url: str, data: dict) -> dict:
    shown = staff.get(edit_url).context["form"]
    data["version"] = shown.initial["version"]
    data["seen_values"] = shown.initial["seen_values"]
    return data


@pytest.mark.django_db
def test_an_editor_adds_changes_and_removes_a_language_version(home, coordinator, login):
    service = ServiceFactory(owner=home, name="Krisesenteret", description="Hjelp.")
    staff = login(coordinator)
    edit = reverse("directory:service_edit", kwargs={"pk": service.pk})
    assert 'id="sprakversjoner"' in staff.get(edit).content.decode()

    row = {
        "language": "pl",
        "name": "Ośrodek kryzysowy",
        "description": "Pomoc i bezpieczne miejsce.",
        "how_to_contact": "Zadzwoń.",
        "machine_assisted": "on",
    }
    response = staff.post(edit, versioned(staff, edit, edit_data(service, translations=[row])))
    assert response.status_code == 302
    version = ServiceTranslation.objects.get(service=service)
    assert (version.language, version.name, version.machine_assisted) == (
        "pl",
        "Ośrodek kryzysowy",
        True,
    )
    revision = ServiceRevision.objects.for_system("test").filter(service=service).first()
    assert "translations" in revision.changes
    service.refresh_from_db()
    assert "Ośrodek kryzysowy" in service.search_document

    detail = staff.get(reverse("directory:service_detail", kwargs={"pk": service.pk}))
    assert "Ośrodek kryzysowy" in detail.content.decode()

    changed = {**row, "name": "Ośrodek kryzysowy w Heimby", "machine_assisted": ""}
    staff.post(edit, versioned(staff, edit, edit_data(service, translations=[changed])))
    version.refresh_from_db()
    assert (version.name, version.machine_assisted) == ("Ośrodek kryzysowy w Heimby", False)

    removed = {**changed, "DELETE": "on"}
    staff.post(edit, versioned(staff, edit, edit_data(service, translations=[removed])))
    assert not ServiceTranslation.objects.filter(service=service).exists()


@pytest.mark.django_db
def test_a_language_version_needs_a_name_and_one_version_per_language(home, coordinator, login):
    service = ServiceFactory(owner=home, name="Krisesenteret", description="Hjelp.")
    staff = login(coordinator)
    edit = reverse("directory:service_edit", kwargs={"pk": service.pk})
    nameless = {"language": "en", "description": "Help."}
    response = staff.post(edit, versioned(staff, edit, edit_data(service, translations=[nameless])))
    assert response.status_code == 200
    twice = [
        {"language": "en", "name": "Crisis centre", "description": "Help."},
        {"language": "en", "name": "Shelter", "description": "Help."},
    ]
    response = staff.post(edit, versioned(staff, edit, edit_data(service, translations=twice)))
    assert response.status_code == 200
    assert "Hvert språk kan bare ha én versjon." in response.content.decode()
    assert not ServiceTranslation.objects.filter(service=service).exists()


@pytest.mark.django_db
def test_bokmal_is_not_offered_as_a_language_version(home, coordinator, login):
    service = ServiceFactory(owner=home)
    staff = login(coordinator)
    form = staff.get(reverse("directory:service_edit", kwargs={"pk": service.pk}))
    choices = dict(form.context["translations"].forms[0].fields["language"].choices)
    assert "nb" not in choices
    assert {"nn", "en", "se", "pl", "uk", "ar", "so"} <= set(choices)
