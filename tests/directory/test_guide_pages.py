"""The pages that explain: public in every language, fallbacks, a municipality's
own versions written on the staff pages (versioned, audited), found by search."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from vern.audit.models import AuditEntry
from vern.directory import guide_pages
from vern.directory.models import GuidePage

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TOPICS = GuidePage.Topic.values


@pytest.fixture(autouse=True)
def _fresh_page_index():
    guide_pages._index.key = None
    guide_pages.expire()
    yield
    guide_pages._index.key = None
    guide_pages.expire()


def url(name: str, language: str = "nb", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def own_page(municipality, **overrides) -> GuidePage:
    values = {
        "owner": municipality,
        "slug": GuidePage.Topic.RIGHTS,
        "language": "nb",
        "title": "Rettighetene dine i Heimby",
        "summary": "Slik får du hjelp i Heimby.",
        "body": "Ring krisesenteret i Heimby.",
        "sources": "Heimby kommune – https://heimby.example",
        "last_reviewed": date(2026, 11, 30),
    }
    values.update(overrides)
    return GuidePage.objects.create(**values)


# --- the shipped pages ------------------------------------------------------------


@pytest.mark.django_db
def test_every_topic_is_shipped_in_every_language_with_sources_and_a_date():
    for slug in TOPICS:
        found = GuidePage.objects.filter(owner__isnull=True, slug=slug)
        assert sorted(found.values_list("language", flat=True)) == sorted(LANGUAGES), slug
        for page in found:
            assert page.title and page.summary and len(page.body) > 300
            assert all(s.url.startswith("https://") for s in guide_pages.sources(page.sources))
            assert page.last_reviewed
            assert page.machine_assisted == (page.language not in {"nb", "nn", "en"})


@pytest.mark.django_db
def test_the_rights_page_names_the_laws_by_section_in_every_language():
    for page in GuidePage.objects.filter(owner__isnull=True, slug=GuidePage.Topic.RIGHTS):
        for section in ("222 a", "§ 57" if page.language != "en" else "section 57", "107 a"):
            assert section in page.body, (page.language, section)
        assert "78 98 95 00" in page.body  # Kontoret for voldsoffererstatning
        assert "krisesenterlova" in page.body.casefold() or page.language == "en"


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_shown_in_every_language(client, language):
    response = client.get(url("guide:pages", language))
    assert response.status_code == 200
    assert not response.cookies
    for slug in TOPICS:
        page = GuidePage.objects.get(owner__isnull=True, slug=slug, language=language)
        assert page.title in response.content.decode()
        detail = client.get(url("guide:page", language, slug=slug))
        html = detail.content.decode()
        assert detail.status_code == 200
        assert not detail.cookies
        assert f'<html lang="{language}"' in html
        assert page.title in html
        assert "lovdata.no" in html or slug == GuidePage.Topic.PERPETRATOR
        assert "vern-exit-button" in html  # the quick exit of every public page
        assert 'src="http' not in html and "src='http" not in html  # nothing from other hosts


@pytest.mark.django_db
def test_arabic_pages_are_right_to_left(client):
    html = client.get(url("guide:page", "ar", slug="rettigheter")).content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert "حقوقك بعد التعرض للعنف" in html


@pytest.mark.django_db
def test_an_unknown_topic_is_not_found(client):
    assert client.get("/veiledning/finnes-ikke/").status_code == 404


@pytest.mark.django_db
def test_the_text_cannot_add_markup(home):
    html = guide_pages.render_body("## <b>Tittel</b>\n\n- <script>x</script>\n\nTekst & mer")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<h2 class="ds-heading" data-size="sm">&lt;b&gt;Tittel&lt;/b&gt;</h2>' in html
    assert "<li>" in html and "Tekst &amp; mer" in html


# --- fallback and a municipality's own versions -----------------------------------


@pytest.mark.django_db
def test_a_missing_language_falls_back_to_bokmal_and_says_so(client):
    GuidePage.objects.filter(owner__isnull=True, slug="bekymret", language="so").delete()
    html = client.get(url("guide:page", "so", slug="bekymret")).content.decode()
    assert "Hvis du er bekymret for noen" in html
    assert '<article class="vern-stack" lang="nb"' in html
    with translation.override("so"):
        assert (
            translation.gettext(
                "This page is not yet written in your language, so it is shown in Norwegian."
            )
            in html
        )


@pytest.mark.django_db
def test_residents_see_their_municipality_s_version(client, home, other):
    own_page(home)
    mine = client.get(url("guide:page", slug="rettigheter") + f"?kommune={home.number}")
    theirs = client.get(url("guide:page", slug="rettigheter") + f"?kommune={other.number}")
    assert "Rettighetene dine i Heimby" in mine.content.decode()
    assert "Skrevet av Heimby." in mine.content.decode()
    assert "Rettighetene dine i Heimby" not in theirs.content.decode()
    assert "Dine rettigheter etter vold" in theirs.content.decode()
    # In another language the national text in that language comes before the
    # municipality's bokmål one: understanding first.
    english = client.get(url("guide:page", "en", slug="rettigheter") + f"?kommune={home.number}")
    assert "Your rights after violence" in english.content.decode()


# --- search --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language,query,slug",
    [
        ("nb", "kontaktforbud", "rettigheter"),
        ("nb", "bistandsadvokat", "rettigheter"),
        ("nb", "tvangsekteskap", "tvangsekteskap-og-kontroll"),
        ("nn", "uroa for naboen", "bekymret"),
        ("en", "restraining order", "rettigheter"),
        ("en", "anger management", "bruker-vold"),
        ("uk", "примусовий шлюб", "tvangsekteskap-og-kontroll"),
        ("uk", "компенсація", "rettigheter"),
        ("pl", "odszkodowanie", "rettigheter"),
        ("ar", "الزواج القسري", "tvangsekteskap-og-kontroll"),
        ("ar", "تعويض", "rettigheter"),
        ("so", "magdhow", "rettigheter"),
        ("se", "bággonáitalus", "tvangsekteskap-og-kontroll"),
    ],
)
def test_search_finds_the_page_that_explains(client, language, query, slug):
    response = client.get(url("guide:search", language), {"q": query})
    page = GuidePage.objects.get(owner__isnull=True, slug=slug, language=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="explained-heading"' in html
    assert url("guide:page", language, slug=slug) in html
    assert page.title in html.split('id="results-heading"')[0]  # above the services


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["pappa slår meg", "kjæresten min slår meg"])
def test_someone_hurt_is_not_sent_first_to_the_page_for_people_who_use_violence(client, query):
    for_them = url("guide:page", "nb", slug="bruker-vold")
    html = client.get(url("guide:search", "nb"), {"q": query}).content.decode()
    shown_all = client.get(url("guide:search", "nb"), {"q": query, "hvem": "alle"})

    assert for_them not in html
    assert "Viser hjelp for" in html  # the asker was understood, and the page says so
    # "Show all" drops the inference: the page is found again.
    assert for_them in shown_all.content.decode()


@pytest.mark.django_db
def test_a_query_in_another_language_links_the_page_in_that_language(client):
    html = client.get(url("guide:search", "nb"), {"q": "примусовий шлюб"}).content.decode()
    assert url("guide:page", "uk", slug="tvangsekteskap-og-kontroll") in html
    assert 'lang="uk"' in html


@pytest.mark.django_db
def test_search_finds_a_municipality_s_own_words_only_for_its_residents(client, home, other):
    own_page(home, keywords="heimbyhjelpa")
    mine = client.get(url("guide:search"), {"q": "heimbyhjelpa", "kommune": home.number})
    theirs = client.get(url("guide:search"), {"q": "heimbyhjelpa", "kommune": other.number})
    assert "Rettighetene dine i Heimby" in mine.content.decode()
    assert 'id="explained-heading"' not in theirs.content.decode()


@pytest.mark.django_db
def test_searches_read_pages_from_memory_and_a_save_is_found_at_once(
    client, home, coordinator, login, settings, django_capture_on_commit_callbacks
):
    settings.VERN_SNAPSHOT_SECONDS = 3600  # this process does not look for changes by itself
    search = url("guide:search")
    assert 'id="explained-heading"' in client.get(search, {"q": "kontaktforbud"}).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(search, {"q": "kontaktforbud", "kommune": home.number})
    assert 'id="explained-heading"' in again.content.decode()
    assert not [q for q in queries if GuidePage._meta.db_table in q["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        saved = login(coordinator).post(
            reverse("directory:page_create") + "?side=rettigheter&sprak=nb",
            page_data(keywords="heimbyhjelpa"),
        )
    assert saved.status_code == 302
    found = client.get(search, {"q": "heimbyhjelpa", "kommune": home.number})
    assert "Rettighetene dine i Heimby" in found.content.decode()


@pytest.mark.django_db
def test_stop_words_alone_find_no_page(client):
    html = client.get(url("guide:search"), {"q": "jeg er"}).content.decode()
    assert 'id="explained-heading"' not in html


# --- staff: writing, changing and removing a municipality's version --------------


def page_data(**overrides) -> dict:
    data = {
        "title": "Rettighetene dine i Heimby",
        "summary": "Slik får du hjelp i Heimby.",
        "body": "## Anmelde\nRing politiet.",
        "keywords": "",
        "sources": "Heimby kommune – https://heimby.example",
        "last_reviewed": "2026-12-01",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_coordinator_writes_edits_and_removes_the_municipality_s_version(
    home, coordinator, login, client
):
    staff = login(coordinator)
    listing = staff.get(reverse("directory:page_list"))
    assert listing.status_code == 200
    create = reverse("directory:page_create") + "?side=rettigheter&sprak=uk"
    form = staff.get(create)
    assert "Ваші права після насильства" in form.content.decode()  # starts from the national text
    assert staff.post(create, page_data()).status_code == 302
    page = GuidePage.objects.get(owner=home, slug="rettigheter", language="uk")
    assert page.version == 1
    assert AuditEntry.objects.for_system("test").filter(code="directory.guidepage.create").exists()

    edit = reverse("directory:page_edit", kwargs={"pk": page.pk})
    shown = staff.get(edit).context["form"]
    data = page_data(title="Нова назва", version=shown.initial["version"])
    data["seen_values"] = shown.initial["seen_values"]
    assert staff.post(edit, data).status_code == 302
    page.refresh_from_db()
    assert (page.title, page.version) == ("Нова назва", 2)
    entry = AuditEntry.objects.for_system("test").filter(code="directory.guidepage.update").get()
    assert entry.detail["fields"] == ["title"]

    public = client.get(url("guide:page", "uk", slug="rettigheter") + f"?kommune={home.number}")
    assert "Нова назва" in public.content.decode()
    translation.activate("nb")  # the public request left Ukrainian active in this thread

    delete = reverse("directory:page_delete", kwargs={"pk": page.pk})
    assert "Nova" not in staff.get(delete).content.decode()  # a confirmation page first
    assert GuidePage.objects.filter(pk=page.pk).exists()
    removed = staff.post(delete)
    assert removed.status_code == 302, removed
    assert removed.url == reverse("directory:page_list"), removed.url
    assert not GuidePage.objects.filter(pk=page.pk).exists()
    assert AuditEntry.objects.for_system("test").filter(code="directory.guidepage.delete").exists()


@pytest.mark.django_db
def test_a_save_based_on_an_old_version_is_refused(home, coordinator, login):
    page = own_page(home)
    staff = login(coordinator)
    edit = reverse("directory:page_edit", kwargs={"pk": page.pk})
    shown = staff.get(edit).context["form"]
    stale = {"version": shown.initial["version"], "seen_values": shown.initial["seen_values"]}
    assert staff.post(edit, {**page_data(summary="Først"), **stale}).status_code == 302
    second = staff.post(edit, {**page_data(title="Etterpå"), **stale})
    assert second.status_code == 200
    assert second.context["stale_changes"]
    page.refresh_from_db()
    assert (page.title, page.summary) == ("Rettighetene dine i Heimby", "Først")


@pytest.mark.django_db
def test_a_page_needs_a_source(home, coordinator, login):
    staff = login(coordinator)
    create = reverse("directory:page_create") + "?side=bekymret&sprak=nb"
    response = staff.post(create, page_data(sources="  "))
    assert response.status_code == 200
    assert not GuidePage.objects.filter(owner=home).exists()


@pytest.mark.django_db
def test_writing_twice_edits_the_same_version(home, coordinator, login):
    staff = login(coordinator)
    create = reverse("directory:page_create") + "?side=bekymret&sprak=nb"
    staff.post(create, page_data())
    again = staff.get(create)
    page = GuidePage.objects.get(owner=home, slug="bekymret", language="nb")
    assert again.status_code == 302
    assert again.url == reverse("directory:page_edit", kwargs={"pk": page.pk})


@pytest.mark.django_db
def test_a_case_worker_cannot_edit_pages(case_worker, login):
    assert login(case_worker).get(reverse("directory:page_list")).status_code == 403


@pytest.mark.django_db
def test_national_versions_cannot_be_edited_or_removed_by_a_municipality(coordinator, login):
    staff = login(coordinator)
    national = GuidePage.objects.get(owner__isnull=True, slug="rettigheter", language="nb")
    assert staff.get(reverse("directory:page_edit", kwargs={"pk": national.pk})).status_code == 404
    assert (
        staff.post(reverse("directory:page_delete", kwargs={"pk": national.pk})).status_code == 404
    )
    assert GuidePage.objects.filter(pk=national.pk).exists()
