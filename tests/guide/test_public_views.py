"""The public guide's pages: home chooser, a municipality's guide, search, a
service's page, the error report and the poster. No cookies, bad input handled."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse as django_reverse
from django.utils import timezone, translation

from tests.directory.factories import PhoneFactory, ServiceFactory, term
from tests.directory.test_public_data import CONTACT_POINT, build_guide
from vern.directory import poster
from vern.directory.models import ErrorReport, Schedule, Service, ServiceLanguage

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def guide(db):
    return build_guide()


def reverse(name: str, args=None) -> str:
    """The bokmål address (no language prefix), whatever the last request activated."""
    with translation.override("nb"):
        return django_reverse(name, args=args)


@pytest.fixture(autouse=True)
def bokmal():
    translation.activate("nb")
    yield
    translation.activate("nb")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def html_of(response) -> str:
    return response.content.decode()


def main_of(response) -> str:
    html = html_of(response)
    return html[html.index("<main") : html.index("</main>")]


def service_url(service, query: str = "") -> str:
    url = reverse("guide:service", args=[service.pk])
    return f"{url}?{query}" if query else url


# --- URLs ---------------------------------------------------------------------


def test_urls_are_the_public_ones():
    assert reverse("guide:municipality", args=["9999"]) == "/kommune/9999/"
    assert reverse("guide:poster", args=["9999"]) == "/kommune/9999/plakat.pdf"
    assert reverse("guide:search") == "/sok/"


# --- home: choose a municipality ----------------------------------------------


def test_home_has_the_chooser_entry_points_search_and_emergency_box(guide):
    response = Client().get("/")
    assert response.status_code == 200
    html = html_of(response)
    assert 'action="/#kommune-valg"' in html and 'name="kommune"' in html
    assert 'href="/sok/?gruppe=exposed"' in html
    for group in ("relatives", "children", "perpetrators", "professionals"):
        assert f'href="/sok/?gruppe={group}"' in html
    assert 'action="/sok/"' in html and 'name="q"' in html
    assert 'href="tel:116006"' in html


@pytest.mark.parametrize("text", ["Prøveby", "prøveby", "9999", " 9999 "])
def test_one_match_goes_straight_to_the_municipality(guide, text):
    response = Client().get("/", {"kommune": text})
    assert response.status_code == 302
    assert response["Location"] == "/kommune/9999/"
    assert response.cookies == {}


def test_a_postal_code_finds_its_municipality(db):
    response = Client().get("/", {"kommune": "5003"})
    assert response["Location"] == "/kommune/4601/"  # Bergen


def test_digits_from_another_keyboard_are_understood(db):
    response = Client().get("/", {"kommune": "٥٠٠٣"})  # 5003 in Arabic-Indic digits
    assert response["Location"] == "/kommune/4601/"


def test_a_number_that_is_also_a_postal_code_lists_both(db):
    # 3201 is Bærum's number and a postal code in Sandefjord.
    response = Client().get("/", {"kommune": "3201"})
    assert response.status_code == 200
    html = html_of(response)
    assert 'href="/kommune/3201/"' in html and 'href="/kommune/3907/"' in html


def test_several_matches_are_listed_to_choose_from(db):
    response = Client().get("/", {"kommune": "os"})
    assert response.status_code == 200
    html = html_of(response)
    assert 'href="/kommune/0301/"' in html  # Oslo
    assert 'href="/kommune/3430/"' in html  # Os
    assert "Velg din" in html or "Choose yours" in html


def test_no_match_says_so_kindly_and_offers_the_form_again(db):
    response = Client().get("/", {"kommune": "Atlantis"})
    assert response.status_code == 200
    html = html_of(response)
    assert "Atlantis" in html
    assert 'value="Atlantis"' in html
    assert 'aria-invalid="true"' in html


def test_an_empty_choice_asks_again(db):
    response = Client().get("/", {"kommune": "   "})
    assert response.status_code == 200
    assert 'id="chooser-message"' in html_of(response)


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "' OR 1=1 --", "x" * 10_000, "a\x00b", "%00"],
)
def test_bad_choices_are_escaped_never_an_error(db, text):
    response = Client().get("/", {"kommune": text})
    assert response.status_code in (200, 302)
    html = html_of(response) if response.status_code == 200 else ""
    assert "<script>alert(1)</script>" not in html
    assert "\x00" not in html


# --- a municipality's guide ---------------------------------------------------


def test_municipality_page_binds_entry_points_and_search_and_lists_own_services(guide):
    response = Client().get("/kommune/9999/")
    assert response.status_code == 200
    assert response.cookies == {}
    html = html_of(response)
    assert "Prøveby" in html
    assert 'href="/sok/?gruppe=exposed&amp;kommune=9999"' in html
    assert 'href="/sok/?gruppe=perpetrators&amp;kommune=9999"' in html
    assert '<input type="hidden" name="kommune" value="9999">' in html
    assert 'href="tel:112"' in html
    for service in (guide.crisis_centre, guide.family, guide.atv, guide.shared):
        assert service.name in html
        assert f'href="{service_url(service, "kommune=9999")}"' in html
    assert 'href="tel:00000001"' in html
    assert 'href="/kommune/9999/plakat.pdf"' in html
    # National services are not the municipality's own.
    assert "Politiet – nødnummer 112" not in main_of(response).split('id="local-heading"')[1]


def test_acute_help_is_listed_first_on_the_municipality_page(guide):
    html = main_of(Client().get("/kommune/9999/"))
    own = html.split('id="local-heading"')[1]
    assert own.index(guide.crisis_centre.name) < own.index(guide.family.name)
    # Local before the service shared with the neighbour.
    assert own.index(guide.atv.name) < own.index(guide.shared.name)


def test_municipality_page_lists_the_poster_s_services_in_its_order_from_memory(guide):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ServiceFactory(owner=guide.town, name="Aaa døgnvakt", open_24_7=True)
    ServiceFactory(owner=guide.town, name="Zzz akutt", acute=True)
    Client().get("/kommune/9999/")  # the guide's index is built
    with CaptureQueriesContext(connection) as queries:
        html = main_of(Client().get("/kommune/9999/")).split('id="local-heading"')[1]
    expected = [s.name for s in poster.key_services(guide.town)]
    assert [name for name in expected if name not in html] == []
    assert sorted(expected, key=html.index) == expected
    table = f'FROM "{Service._meta.db_table}"'
    assert not [q["sql"] for q in queries if table in q["sql"]]


def test_another_municipalitys_services_are_not_listed(guide):
    html = html_of(Client().get("/kommune/9998/"))
    assert guide.shared.name in html
    assert guide.crisis_centre.name not in html


@pytest.mark.parametrize("number", ["9997", "abc", "12345", "<b>x", "0"])
def test_unknown_municipality_is_a_friendly_404(db, number):
    response = Client().get(f"/kommune/{number}/")
    assert response.status_code == 404
    html = html_of(response)
    assert "<b>x" not in html
    assert 'id="kommune-valg"' in html  # the chooser, to try again
    assert "vern-exit-button" in html


# --- search results -----------------------------------------------------------


def test_results_come_local_then_shared_then_national_with_headings(guide):
    response = Client().get("/en/sok/", {"kommune": "9999", "gruppe": "exposed"})
    assert response.status_code == 200
    assert response.cookies == {}
    html = main_of(response)
    local = html.index("From Prøveby")
    shared = html.index("Shared with neighbouring municipalities")
    national = html.index("For the whole country")
    assert local < html.index("Prøveby crisis centre") < shared  # its English name
    assert local < html.index(guide.family.name) < shared
    assert shared < html.index(guide.shared.name) < national
    # The national line in English: its English language version.
    assert national < html.index("Violence and abuse helpline 116 006")
    assert guide.atv.name not in html  # for people who use violence
    assert "Help for: <bdi>Exposed to violence</bdi>" in html


def test_a_result_card_shows_who_contact_referral_hours_and_verified(guide, time_machine):
    time_machine.move_to(datetime(2026, 5, 5, 10, 0, tzinfo=OSLO), tick=False)  # a Tuesday
    html = main_of(Client().get("/en/sok/", {"kommune": "9999", "q": "familie"}))
    card = html[html.index(f'id="card-{guide.family.pk}"') :]
    card = card[: card.index("</article>")]
    assert "Relatives and friends" in card and "Familier, par og pårørende." in card
    assert 'href="tel:00000002"' in card
    assert "No referral needed" in card
    assert "Open now" in card and "Monday–Friday: <span" in card and "08:00–15:30" in card
    assert "Last verified 15 January 2026" in card or "Last verified Jan. 15, 2026" in card


def test_a_card_says_from_whom_a_referral_is_needed_and_when_it_is_closed(guide, time_machine):
    time_machine.move_to(datetime(2026, 5, 9, 22, 0, tzinfo=OSLO), tick=False)  # Saturday night
    html = main_of(Client().get("/en/sok/", {"kommune": "9999", "gruppe": "perpetrators"}))
    assert "Referral needed from fastlegen" in html
    html = main_of(Client().get("/en/sok/", {"kommune": "9999", "q": "familie"}))
    assert "Closed now" in html


def test_bokmal_shows_sist_bekreftet(guide):
    html = main_of(Client().get("/sok/", {"kommune": "9999", "gruppe": "exposed"}))
    assert "2. mars 2026" in html


def test_cards_link_to_the_service_keeping_the_search(guide):
    html = html_of(Client().get("/sok/", {"kommune": "9999", "gruppe": "exposed", "free": "1"}))
    expected = service_url(guide.crisis_centre, "kommune=9999&amp;gruppe=exposed&amp;free=1")
    assert f'href="{expected}"' in html


def test_a_corrected_typo_is_shown(guide):
    html = main_of(Client().get("/en/sok/", {"kommune": "9999", "q": "sinnemestrign"}))
    assert "Showing results for “sinnemestring”." in html
    assert guide.atv.name in html


def test_synonyms_and_stemming_find_local_services(guide):
    html = main_of(Client().get("/sok/", {"kommune": "9999", "q": "sinnemestring"}))
    assert guide.atv.name in html


def test_nothing_found_is_said_kindly_with_the_national_lines(guide):
    response = Client().get("/en/sok/", {"kommune": "9999", "q": "qqqxyzzyqqq"})
    assert response.status_code == 200
    html = main_of(response)
    assert "We found no services that match" in html
    assert 'href="tel:116006"' in html and 'href="tel:116111"' in html
    assert "See all help in Prøveby" in html


def test_the_kept_filter_fields_follow_each_request(guide):
    """The filter fields are kept per language and choice: each request still gets its own."""
    client = Client()
    chosen = main_of(client.get("/sok/", {"kommune": "9999", "gruppe": "exposed", "pets": "1"}))
    plain = main_of(client.get("/sok/", {"kommune": "9999"}))
    english = main_of(client.get("/en/sok/", {"kommune": "9999", "gruppe": "exposed"}))
    again = main_of(client.get("/sok/", {"kommune": "9999", "gruppe": "exposed", "pets": "1"}))
    assert '<option value="exposed" selected>' in chosen and 'value="1" checked' in chosen
    assert "selected>" not in plain and "checked" not in plain
    assert '<option value="exposed" selected>' in english and "Who it is for" in english
    assert "Who it is for" not in chosen
    assert again == chosen


def test_a_language_newly_offered_reaches_the_filter(guide):
    client = Client()
    assert 'value="so"' not in main_of(client.get("/sok/", {"kommune": "9999"}))
    ServiceLanguage.objects.create(service=guide.family, code="so")
    Service.objects.filter(pk=guide.family.pk).update(updated_at=timezone.now())
    assert 'value="so"' in main_of(client.get("/sok/", {"kommune": "9999"}))


def test_nothing_found_with_filters_offers_a_search_without_them(guide):
    html = main_of(Client().get("/en/sok/", {"kommune": "9999", "q": "qqqxyzzy", "pets": "1"}))
    assert 'href="?kommune=9999&amp;q=qqqxyzzy"' in html


def test_filters_are_a_plain_form_that_keeps_its_state(guide):
    response = Client().get(
        "/sok/",
        {"kommune": "9999", "gruppe": "exposed", "vold": "physical", "pets": "1", "sprak": "ar"},
    )
    html = main_of(response)
    assert '<option value="exposed" selected>' in html
    assert '<option value="physical" selected>' in html
    assert '<option value="ar" lang="ar" selected>' in html
    assert 'name="pets" value="1" checked' in html
    assert 'name="free" value="1">' in html
    assert "Filter the results (4 chosen)" in html or "(4 " in html
    assert guide.crisis_centre.name in html
    assert guide.family.name not in html


@pytest.mark.parametrize(
    ("flag", "shown", "hidden"),
    [
        ("no_referral", "family", "atv"),
        ("free", "family", "atv"),
        ("acute", "crisis_centre", "family"),
        ("wheelchair", "crisis_centre", "family"),
    ],
)
def test_each_flag_filters(guide, flag, shown, hidden):
    html = main_of(Client().get("/sok/", {"kommune": "9999", flag: "1"}))
    assert getattr(guide, shown).name in html
    assert getattr(guide, hidden).name not in html


def test_open_now_filter(guide, time_machine):
    time_machine.move_to(datetime(2026, 5, 9, 22, 0, tzinfo=OSLO), tick=False)  # Saturday night
    html = main_of(Client().get("/sok/", {"kommune": "9999", "open_now": "1"}))
    assert guide.crisis_centre.name in html  # open day and night
    assert guide.family.name not in html


def test_twenty_results_a_page_with_links_to_the_others(guide):
    for n in range(25):
        ServiceFactory(owner=guide.town, name=f"Sidetest {n:02d}", description="Bladvending.")
    first = Client().get("/en/sok/", {"kommune": "9999", "q": "bladvending"})
    assert len(first.context["results"]) == 20
    html = main_of(first)
    assert "25 services found." in html and "Page 1 of 2" in html
    assert 'href="?kommune=9999&amp;q=bladvending&amp;side=2" rel="next"' in html
    second = Client().get("/en/sok/", {"kommune": "9999", "q": "bladvending", "side": "2"})
    assert len(second.context["results"]) == 5
    html = main_of(second)
    assert 'href="?kommune=9999&amp;q=bladvending" rel="prev"' in html
    assert "Sidetest 24" in html and "Sidetest 00" not in html
    # A card on page 2 keeps the page in its link.
    assert "side=2" in second.context["results"][0].html


@pytest.mark.parametrize("side", ["abc", "-1", "0", "1.5", "9" * 30])
def test_a_bad_page_number_shows_the_first_page_with_a_message(guide, side):
    response = Client().get("/en/sok/", {"kommune": "9999", "side": side})
    assert response.status_code == 200
    html = main_of(response)
    assert "page" in html.split("ds-alert")[1]
    assert guide.family.name in html


def test_a_page_past_the_end_shows_the_last_page(guide):
    response = Client().get("/en/sok/", {"kommune": "9999", "side": "999"})
    assert response.status_code == 200
    assert "There are not that many pages" in html_of(response)


@pytest.mark.parametrize("number", ["9997", "abc", "<script>x</script>", "12345"])
def test_unknown_municipality_in_search_shows_national_services_with_a_message(guide, number):
    response = Client().get("/en/sok/", {"kommune": number, "gruppe": "exposed"})
    assert response.status_code == 200
    html = main_of(response)
    assert "We found no municipality with the number" in html
    assert "<script>x</script>" not in html
    assert guide.crisis_centre.name not in html
    assert "Violence and abuse helpline 116 006" in html  # its English version


def test_unknown_filters_are_left_out_with_a_message(guide):
    response = Client().get("/en/sok/", {"kommune": "9999", "gruppe": "<b>", "vold": "x"})
    assert response.status_code == 200
    html = main_of(response)
    assert "One of the filters was not recognised" in html
    assert html.count("One of the filters was not recognised") == 1
    assert guide.family.name in html


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "<script>alert('x')</script>",
        '"><img src=x onerror=alert(1)>',
        "'; DROP TABLE directory_service; --",
        "' OR 1=1 --",
        "krise\x00senter",
        "\u202e\u200b",
        "vold " * 3000,
        '*:() OR AND NEAR "',
    ],
)
def test_bad_queries_are_escaped_never_an_error(guide, query):
    response = Client().get("/sok/", {"kommune": "9999", "q": query})
    assert response.status_code == 200
    html = html_of(response)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "\x00" not in html
    assert len(html) < 200_000
    assert Service.objects.filter(pk=guide.crisis_centre.pk).exists()


def test_a_very_long_query_is_shortened_with_a_message(guide):
    html = main_of(Client().get("/en/sok/", {"q": "vold " * 3000}))
    assert "only its first 200 characters were used" in html
    value = re.search(r'name="q" value="([^"]*)"', html).group(1)
    assert len(value) <= 200


def test_search_terms_are_not_logged(guide, caplog):
    caplog.set_level("DEBUG")
    Client().get("/sok/", {"kommune": "9999", "q": "hemmeligsøkeord"})
    Client().get("/sok/", {"kommune": "<bad>", "q": "hemmeligsøkeord", "side": "x"})
    assert "hemmeligsøkeord" not in caplog.text


def test_without_a_municipality_the_results_are_national_and_invite_to_choose(guide):
    html = main_of(Client().get("/en/sok/", {"gruppe": "exposed"}))
    assert "services for the whole country" in html
    assert 'href="/en/#kommune-valg"' in html
    assert guide.crisis_centre.name not in html


# --- a service's page ---------------------------------------------------------


def test_service_page_shows_everything(guide):
    response = Client().get(service_url(guide.crisis_centre, "kommune=9999&gruppe=exposed"))
    assert response.status_code == 200
    assert response.cookies == {}
    html = main_of(response)
    for text in (
        guide.crisis_centre.description,
        guide.crisis_centre.eligibility_description,
        guide.crisis_centre.how_it_works,
        guide.crisis_centre.how_to_contact,
        guide.crisis_centre.application_process,
        "Prøveby krisesenter",
    ):
        assert text in html
    assert 'href="tel:00000001"' in html
    assert 'href="mailto:post@krisesenter.example.test"' in html
    assert 'href="https://krisesenter.example.test/" rel="noreferrer noopener"' in html
    assert "Sist bekreftet 2. mars 2026" in html or "2. mars 2026" in html
    assert 'lang="ar"' in html  # the language offered, named in itself
    assert CONTACT_POINT in html
    report = reverse("guide:report_error", args=[guide.crisis_centre.pk])
    assert f'href="{report}?kommune=9999&amp;gruppe=exposed"' in html
    assert 'href="/sok/?kommune=9999&amp;gruppe=exposed"' in html  # back to results


def test_service_page_in_english_shows_facilities_referral_and_cost(guide):
    html = main_of(Client().get("/en" + service_url(guide.atv)))
    assert "Referral needed from fastlegen" in html
    assert "Fastlegen sender henvisningen." in html
    assert "Not free" in html and "Egenandel 375 kroner" in html
    assert "Not yet verified" in html
    centre = main_of(Client().get("/en" + service_url(guide.crisis_centre)))
    assert "Open day and night, every day" in centre
    for facility in (
        "Accommodation for women",
        "Accommodation for children",
        "Pets can come along",
    ):
        assert facility in centre
    assert "Prøveby crisis centre" in centre  # its English name


def test_service_page_shows_opening_hours_and_a_public_address(guide):
    html = main_of(Client().get("/en" + service_url(guide.family)))
    assert "Monday–Friday" in html and "08:00–15:30" in html
    assert "Storgata 1" in html and "9999 Prøveby" in html
    assert "Inngang fra bakgården" in html


def test_a_service_in_norwegian_only_says_so_in_another_language(guide):
    html = main_of(Client().get("/en" + service_url(guide.family)))
    assert "shown in Norwegian" in html
    assert 'lang="nb"' in html


def test_back_link_goes_to_the_municipality_when_only_it_is_known(guide):
    html = main_of(Client().get(service_url(guide.family, "kommune=9999")))
    assert 'href="/kommune/9999/"' in html


def test_service_page_with_bad_query_parameters_is_fine(guide):
    query = "kommune=<x>&q=" + "y" * 5000 + "&side=-4&junk=1"
    response = Client().get(service_url(guide.family) + "?" + query)
    assert response.status_code == 200
    assert "<x>" not in html_of(response)


@pytest.mark.parametrize("status", [Service.Status.INACTIVE, Service.Status.DEFUNCT])
def test_an_inactive_service_is_not_found(guide, status):
    Service.objects.filter(pk=guide.family.pk).update(status=status)
    assert Client().get(service_url(guide.family)).status_code == 404


def test_a_temporarily_closed_service_says_so(guide):
    Service.objects.filter(pk=guide.family.pk).update(
        status=Service.Status.TEMPORARILY_CLOSED, alert="Stengt i sommer."
    )
    html = main_of(Client().get("/en" + service_url(guide.family)))
    assert "temporarily closed" in html and "Stengt i sommer." in html


def test_unknown_service_is_404(db):
    assert Client().get("/tjeneste/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert Client().get("/tjeneste/not-a-uuid/").status_code == 404


def test_a_paid_phone_says_it_costs(guide):
    PhoneFactory(service=guide.family, number="02800", is_free=False)
    html = main_of(Client().get("/en" + service_url(guide.family)))
    assert 'href="tel:02800"' in html and "Costs money to call." in html


# --- report an error ----------------------------------------------------------


def report_url(service, query: str = "") -> str:
    url = reverse("guide:report_error", args=[service.pk])
    return f"{url}?{query}" if query else url


def csrf_client() -> tuple[Client, str]:
    return Client(enforce_csrf_checks=True), ""


def _post_report(client: Client, service, message: str, query: str = ""):
    page = client.get(report_url(service, query))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html_of(page)).group(1)
    return client.post(
        report_url(service, query), {"message": message, "csrfmiddlewaretoken": token}
    )


def test_the_report_form_sets_only_the_csrf_cookie(guide):
    response = Client().get(report_url(guide.crisis_centre))
    assert response.status_code == 200
    assert set(response.cookies) == {"csrftoken"}
    # A same-origin referrer policy, so the browser's form post carries a real Origin.
    assert response["Referrer-Policy"] == "same-origin"
    html = html_of(response)
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'maxlength="2000"' in html


def test_a_report_reaches_the_editors_and_thanks(guide, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_report(
            client, guide.crisis_centre, "Telefonnummeret virker ikke.", "kommune=9999"
        )
    thanks = reverse("guide:report_thanks", args=[guide.crisis_centre.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{thanks}?kommune=9999"
    report = ErrorReport.objects.for_system("test").get()
    assert report.service == guide.crisis_centre
    assert report.message == "Telefonnummeret virker ikke."
    assert [m.to for m in mail.outbox] == [["redaktor@proveby.example.test"]]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "cookie" not in {k.lower() for k in page.headers if k.lower() == "set-cookie"}
    assert page.cookies == {}
    assert service_url(guide.crisis_centre, "kommune=9999") in html_of(page)


def test_a_report_on_a_service_whose_stored_name_has_a_line_break_goes_through(
    guide, django_capture_on_commit_callbacks
):
    # A name stored before names were checked (or by SQL): it must not turn the
    # editors' mail into a 500 for the person reporting, nor into extra headers.
    Service.objects.filter(pk=guide.crisis_centre.pk).update(
        name="Krisesenteret\nBcc: angriper@example.test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_report(
            Client(enforce_csrf_checks=True), guide.crisis_centre, "Feil telefonnummer."
        )
    assert response.status_code == 302
    assert ErrorReport.objects.for_system("test").get().message == "Feil telefonnummer."
    [message] = mail.outbox
    assert "\n" not in message.subject
    assert message.subject.endswith("Krisesenteret Bcc: angriper@example.test")
    assert message.to == ["redaktor@proveby.example.test"] and message.bcc == []
    assert "Bcc" not in str(message.message()).split("\n\n", 1)[0].replace(message.subject, "")


def test_a_report_is_thanked_even_if_the_mail_cannot_go_out(
    guide, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("vern.directory.services.feedback.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_report(Client(enforce_csrf_checks=True), guide.crisis_centre, "Feil.")
    assert response.status_code == 302
    assert ErrorReport.objects.for_system("test").get().message == "Feil."


def test_a_report_without_csrf_token_is_refused(guide):
    response = Client(enforce_csrf_checks=True).post(
        report_url(guide.crisis_centre), {"message": "Feil."}
    )
    assert response.status_code == 403
    assert not ErrorReport.objects.for_system("test").exists()


@pytest.mark.parametrize("message", ["", "   ", "x" * 2001])
def test_an_empty_or_too_long_report_is_refused(guide, message):
    response = _post_report(Client(enforce_csrf_checks=True), guide.crisis_centre, message)
    assert response.status_code == 400
    assert not ErrorReport.objects.for_system("test").exists()
    assert 'data-field="validation"' in html_of(response)


def test_html_in_a_report_is_stored_as_text_and_escaped(guide):
    client = Client(enforce_csrf_checks=True)
    _post_report(client, guide.crisis_centre, "<script>alert(1)</script>")
    assert ErrorReport.objects.for_system("test").get().message == "<script>alert(1)</script>"
    response = _post_report(client, guide.crisis_centre, "x" * 2001 + "<script>")
    assert "<script>" not in main_of(response)


def test_reports_are_rate_limited_with_a_friendly_message(guide):
    client = Client(enforce_csrf_checks=True)
    for n in range(5):
        assert _post_report(client, guide.crisis_centre, f"Feil nummer {n}.").status_code == 302
    response = _post_report(client, guide.crisis_centre, "Enda en feil.")
    assert response.status_code == 429
    html = main_of(response)
    assert "Enda en feil." in html  # kept, so nothing is lost
    assert 'role="alert"' in html
    assert ErrorReport.objects.for_system("test").count() == 5
    # Another address may still report.
    other = Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.77")
    assert _post_report(other, guide.crisis_centre, "Annen feil.").status_code == 302


def test_report_of_an_inactive_service_is_404(guide):
    Service.objects.filter(pk=guide.family.pk).update(status=Service.Status.DEFUNCT)
    assert Client().get(report_url(guide.family)).status_code == 404


# --- no cookies, nothing from elsewhere ---------------------------------------


def _pages(guide) -> list[str]:
    return [
        "/",
        "/?kommune=os",
        "/kommune/9999/",
        "/kommune/9997/",
        "/sok/?kommune=9999&gruppe=exposed",
        "/sok/?q=qqqxyzzy",
        service_url(guide.crisis_centre, "kommune=9999"),
        service_url(guide.family),
        reverse("guide:report_thanks", args=[guide.family.pk]),
        "/en/sok/?kommune=9999",
        "/en" + service_url(guide.crisis_centre),
    ]


def test_no_public_guide_page_sets_a_cookie(guide):
    for path in _pages(guide):
        response = Client().get(path)
        assert response.status_code in (200, 404), path
        assert response.cookies == {}, path
        assert "Set-Cookie" not in response.headers, path


def test_guide_pages_answer_head_and_refuse_other_methods(guide):
    assert Client().head("/kommune/9999/").status_code == 200
    assert Client().head("/sok/?kommune=9999").status_code == 200
    assert Client().post("/sok/", {"q": "vold"}).status_code in (403, 405)
    assert Client().put(service_url(guide.family)).status_code in (403, 405)


def test_reading_pages_keep_the_no_referrer_policy(guide):
    for path in ("/", "/kommune/9999/", "/sok/", service_url(guide.family)):
        assert Client().get(path)["Referrer-Policy"] == "no-referrer", path


def test_guide_pages_load_nothing_from_other_hosts_and_have_no_inline_code(guide):
    own_web_page = guide.crisis_centre.url
    for path in _pages(guide):
        html = html_of(Client().get(path))
        for attr in re.findall(r'(?:src|href|action)="([^"]+)"', html):
            if attr.startswith(("http://", "https://", "//")):
                assert attr in ("https://www.yr.no/", own_web_page), f"{path} refers to {attr}"
        assert "<script>" not in html, path
        assert "style=" not in html, path
        links = re.findall(r'<a [^>]*href="([^"]+)"', html)
        assert links[0] == "https://www.yr.no/", path


# --- confidential address -----------------------------------------------------


def test_a_confidential_address_appears_nowhere_public(guide, monkeypatch):
    monkeypatch.setattr(poster, "render_pdf", lambda html: html.encode())
    secret = "Hemmelighetsveien 4417"
    pages = [
        *_pages(guide),
        "/sok/?kommune=9999&q=krisesenter",
        "/sok/?kommune=9999&q=hemmelighetsveien",
        "/sok/?kommune=9999&q=skjultvik",
        report_url(guide.crisis_centre),
        "/en/kommune/9999/",
        "/kommune/9999/plakat.pdf",
        "/en/kommune/9999/plakat.pdf",
    ]
    for path in pages:
        body = Client().get(path).content.decode()
        assert secret not in body, path
        assert "Skjultvik" not in body, path
        assert "9917" not in body, path
    # Searching for the secret street finds nothing: it is not in the index.
    result = Client().get("/sok/", {"kommune": "9999", "q": "hemmelighetsveien"})
    assert result.context["result"].total == 0


def test_the_poster_html_never_holds_an_address(guide, rf):
    request = rf.get("/kommune/9999/plakat.pdf")
    html = poster.poster_html(request, guide.town)
    assert "Hemmelighetsveien" not in html
    assert "Storgata 1" not in html  # no addresses at all on the poster


# --- poster -------------------------------------------------------------------


def test_poster_lists_local_services_national_lines_and_a_qr_code(guide, monkeypatch):
    monkeypatch.setattr(poster, "render_pdf", lambda html: b"%PDF-test\n" + html.encode())
    response = Client().get("/kommune/9999/plakat.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="')
    assert response.cookies == {}
    html = response.content.decode()
    for service in (guide.crisis_centre, guide.family, guide.atv, guide.shared):
        assert service.name in html
    assert "00 00 00 01" in html
    assert "Utsatt for vold" in html  # who it is for
    assert "fastlegen" in html  # referral
    for number in ("112", "113", "116 111", "116 006", "116 117"):
        assert number in html
    assert 'src="data:image/svg+xml' in html
    assert "http://testserver/kommune/9999/" in html
    assert "Politiet – nødnummer 112" not in html  # national services as lines, not entries


def test_poster_qr_code_leads_to_the_guide_in_the_page_language(guide, monkeypatch):
    captured = {}
    monkeypatch.setattr(poster, "render_pdf", lambda html: html.encode())
    monkeypatch.setattr(
        poster, "qr_data_uri", lambda url: captured.setdefault("url", url) and "data:,"
    )
    Client().get("/en/kommune/9999/plakat.pdf")
    assert captured["url"] == "http://testserver/en/kommune/9999/"


def test_poster_is_a_real_one_page_a4_pdf(guide, rf):
    # As many services as the poster takes, with long names, two phones each and
    # every target group: it still fits on one A4 page.
    for n in range(poster.POSTER_SERVICES):
        service = ServiceFactory(
            owner=guide.town,
            name=f"Et ganske langt navn på tjeneste nummer {n} i Prøveby kommune og omegn",
            referral=Service.Referral.REQUIRED,
            referral_from="fastlege, helsestasjon eller barnevernstjenesten",
        )
        PhoneFactory(service=service, number=f"00 00 00 {10 + n}")
        PhoneFactory(service=service, number=f"00 00 01 {10 + n}")
        service.terms.add(
            *[
                term("target_group", code)
                for code in ("exposed", "relatives", "children", "perpetrators", "professionals")
            ]
        )
    response = Client().get("/kommune/9999/plakat.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    from weasyprint import HTML

    from vern.core.pdf import fetcher as pdf_fetcher

    html = poster.poster_html(rf.get("/kommune/9999/plakat.pdf"), guide.town)
    pages = HTML(string=html, url_fetcher=pdf_fetcher()).render().pages
    assert len(pages) == 1
    # A4 is 210 x 297 mm: 793.7 x 1122.5 CSS pixels.
    assert (round(pages[0].width), round(pages[0].height)) == (794, 1123)


def test_a_poster_is_rendered_once_until_the_directory_changes(guide, monkeypatch):
    renders = []
    monkeypatch.setattr(poster, "render_pdf", lambda html: renders.append(html) or b"%PDF-")
    Client().get("/kommune/9999/plakat.pdf")
    Client().get("/kommune/9999/plakat.pdf")
    assert len(renders) == 1
    Client().get("/en/kommune/9999/plakat.pdf")
    assert len(renders) == 2
    ServiceFactory(owner=guide.town, name="Ny tjeneste")
    Client().get("/kommune/9999/plakat.pdf")
    assert len(renders) == 3
    assert "Ny tjeneste" in renders[-1]


def test_poster_of_unknown_municipality_is_404(db):
    assert Client().get("/kommune/9997/plakat.pdf").status_code == 404


def test_the_pdf_fetcher_refuses_everything_but_data_uris():
    from vern.core.pdf import fetcher as make_fetcher

    fetcher = make_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/tracker.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


# --- the guide's shared parts -------------------------------------------------


def test_opening_hours_fold_runs_of_days(db):
    from datetime import time

    from vern.directory.cards import opening_hours

    def s(day, opens, closes):
        return (day, time(*opens), time(*closes))

    rows = opening_hours(
        [s(1, (8, 0), (16, 0)), s(2, (8, 0), (16, 0)), s(3, (8, 0), (16, 0)), s(5, (9, 0), (12, 0))]
    )
    assert [hours for _days, hours in rows] == ["08:00–16:00", "09:00–12:00"]
    assert len(rows) == 2


def test_the_shared_services_tier_needs_the_area(guide):
    other_town_service = ServiceFactory(owner=guide.neighbour, name="Bare for Nabobygd")
    other_town_service.terms.add(term("target_group", "exposed"))
    html = main_of(Client().get("/sok/", {"kommune": "9999"}))
    assert "Bare for Nabobygd" not in html


@pytest.mark.parametrize(
    "path",
    ["/kommune/%00/plakat.pdf", "/en/kommune/99%0099/plakat.pdf", "/kommune/abcd/plakat.pdf"],
)
def test_a_poster_address_without_a_four_digit_number_is_404(db, path):
    assert Client().get(path).status_code == 404


@pytest.mark.parametrize("path", ["/kommune/%00/", "/en/kommune/9999%00/"])
def test_a_nul_in_the_municipality_number_is_the_friendly_404(db, path):
    response = Client().get(path)
    assert response.status_code == 404
    assert 'id="kommune-valg"' in html_of(response)


def test_kept_guide_pages_follow_the_clock_and_are_not_kept_for_a_session(
    guide, time_machine, monkeypatch
):
    """The service and municipality pages are kept (core.page_cache) under a stamp
    that includes whether each service is open now, and the day."""
    from vern.guide import service_pages

    loads = []
    load = service_pages.public_service
    monkeypatch.setattr(
        service_pages,
        "public_service",
        lambda pk, **kwargs: loads.append(pk) or load(pk, **kwargs),
    )
    client = Client()
    service = "/en" + service_url(guide.family)
    municipality = "/en/kommune/9999/"
    time_machine.move_to(datetime(2026, 5, 5, 7, 55, tzinfo=OSLO), tick=False)  # Tuesday
    for path in (service, municipality):
        assert "Closed now" in card_or_page(client.get(path), guide.family)
    assert len(loads) == 1
    assert "Closed now" in card_or_page(client.get(service), guide.family)
    assert len(loads) == 1  # the kept page, not made again

    time_machine.move_to(datetime(2026, 5, 5, 8, 0, tzinfo=OSLO), tick=False)  # it opens
    for path in (service, municipality):
        assert "Open now" in card_or_page(client.get(path), guide.family)
    assert len(loads) == 2

    client.cookies["sessionid"] = "someone"  # a signed-in person's page is never kept
    client.get(service)
    assert len(loads) == 3


def test_a_withdrawn_service_leaves_a_kept_municipality_page_at_once(guide):
    """Even by a write that moves no timestamp and is not in the change log."""
    client = Client()
    assert guide.family.name in main_of(client.get("/kommune/9999/"))
    assert guide.family.name in main_of(client.get("/kommune/9999/"))  # the kept page
    Service.objects.filter(pk=guide.family.pk).update(status=Service.Status.INACTIVE)
    assert guide.family.name not in main_of(client.get("/kommune/9999/"))


def test_a_page_not_kept_yet_asks_whether_its_entries_are_public_once(guide):
    """The kept page's stamp asks the database whether the entries are public and
    when they were saved; the page made after it uses that answer, not a second one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get("/kommune/9998/")  # the guide's index is built
    asks = f"SELECT id, updated_at FROM {Service._meta.db_table}"
    for path in (service_url(guide.family), "/kommune/9999/"):
        with CaptureQueriesContext(connection) as queries:
            assert guide.family.name in main_of(client.get(path))
        assert len([q for q in queries if q["sql"].startswith(asks)]) == 1, path


def card_or_page(response, service) -> str:
    """The service's card on a municipality's page, or the whole service page."""
    assert response.status_code == 200
    html = main_of(response)
    marker = f'id="card-{service.pk}"'
    if marker in html:
        html = html[html.index(marker) :]
        html = html[: html.index("</article>")]
    return html


def test_service_page_terms_are_the_ones_saved_last(guide):
    """The page's terms come from the guide's index while it has the entry as
    saved, else from the database: a change of terms shows at once, in any
    language."""
    from tests.factories import UserFactory
    from vern.directory.services.entries import ServiceRelated, service_update

    client = Client()
    url = service_url(guide.family)
    forced = term("violence", "forced_marriage")
    assert forced.name_nb.lower() not in main_of(client.get(url))
    family = Service.objects.get(pk=guide.family.pk)
    terms = [*family.terms.all(), forced]
    service_update(service=family, actor=UserFactory(), related=ServiceRelated(terms=terms))

    assert forced.name_nb.lower() in main_of(client.get(url))  # right after the save
    assert forced.name_nb.lower() in main_of(client.get(url))  # and kept
    assert forced.name_en.lower() in main_of(client.get("/en" + url))


def test_service_page_hours_are_the_ones_saved_last(guide, settings):
    """The page's opening hours come from the guide's index while it has the entry
    as saved, else from the database: new hours show at once, also while this
    process's index is older than the entry."""
    from tests.factories import UserFactory
    from vern.directory.services.entries import ServiceRelated, service_update

    client = Client()
    url = service_url(guide.family)
    assert "17:00–21:00" not in main_of(client.get(url))
    family = Service.objects.get(pk=guide.family.pk)
    hours = [{"weekday": 6, "opens_at": "17:00", "closes_at": "21:00"}]
    service_update(service=family, actor=UserFactory(), related=ServiceRelated(schedules=hours))

    assert "17:00–21:00" in main_of(client.get(url))  # right after the save
    assert "17:00–21:00" in main_of(client.get(url))  # and kept

    # A write past the hooks, while the index is not read again: it has the hours
    # of before, and the entry's new updated_at tells the page not to use them.
    settings.VERN_SNAPSHOT_SECONDS = 3600
    Schedule.objects.filter(service=guide.family).update(
        weekday=7, opens_at=time(10, 0), closes_at=time(12, 0)
    )
    Service.objects.filter(pk=guide.family.pk).update(updated_at=timezone.now())
    html = main_of(client.get(url))
    assert "10:00–12:00" in html and "17:00–21:00" not in html


def test_service_page_asks_few_queries_and_is_never_stale(guide):
    """A visit asks whether the entry is public and when it was saved, and at most
    the snapshot's one check, while the entry is kept; any save of the service,
    its organisation or its place shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory
    from vern.directory.models import Location
    from vern.directory.services.entries import location_save, organization_save, service_update

    client = Client()
    url = service_url(guide.family)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as again:
        html = main_of(client.get(url))
    assert len(again) <= 3, [q["sql"] for q in again]
    assert len(again) < len(first)
    assert "Storgata 1" in html
    actor = UserFactory()

    family = Service.objects.get(pk=guide.family.pk)
    family.how_it_works = "Vi har kveldsåpent på torsdager."
    service_update(service=family, actor=actor)
    assert "Vi har kveldsåpent på torsdager." in main_of(client.get(url))

    office = Location.objects.for_system(reason="test").get(name="Familievernkontoret")
    office.directions = "Inngang fra torget, første etasje."
    location_save(location=office, actor=actor)
    assert "Inngang fra torget, første etasje." in main_of(client.get(url))

    organization = family.organization
    organization.name = "Familievernet i Prøveby og omegn"
    organization_save(organization=organization, actor=actor)
    assert "Familievernet i Prøveby og omegn" in main_of(client.get(url))

    family = Service.objects.get(pk=guide.family.pk)
    family.status = Service.Status.INACTIVE
    service_update(service=family, actor=actor)
    assert client.get(url).status_code == 404

    # A write outside the app's services is noticed too, even one that moves no
    # timestamp and is not in the change log.
    assert client.get(service_url(guide.crisis_centre)).status_code == 200
    Service.objects.filter(pk=guide.crisis_centre.pk).update(status=Service.Status.INACTIVE)
    assert client.get(service_url(guide.crisis_centre)).status_code == 404
