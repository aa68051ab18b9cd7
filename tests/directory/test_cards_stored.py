"""Stored result cards: each service's bokmål card is rendered when the entry is
indexed and completed when shown (heading level, the way back, open now).

A stored card must read exactly as the card rendered afresh, and must never be
used once it is out of date. To see which path a page took, the tests put an
HTML comment into a stored row (``_mark``): it shows only if the row was used.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse as django_reverse
from django.utils import timezone, translation

from tests.directory.factories import ServiceFactory
from tests.directory.test_public_data import build_guide
from tests.factories import UserFactory
from vern.core.page_cache import forget_near
from vern.directory import cards
from vern.directory.models import Schedule, Service, ServiceCard
from vern.directory.services import ServiceRelated, service_save
from vern.guide.snapshot import snapshot

OSLO = ZoneInfo("Europe/Oslo")
# Later than the fixtures' own updated_at, so that a save during a test is the newest.
TUESDAY_MORNING = datetime(2030, 5, 7, 10, 0, tzinfo=OSLO)  # the family office is open
SATURDAY_NIGHT = datetime(2030, 5, 11, 22, 0, tzinfo=OSLO)  # ... and closed
SLOTS = (cards.LEVEL_SLOT, cards.BACK_SLOT, cards.OPEN_SLOT)
assert SLOTS == ("\ue000", "\ue001", "\ue002")
MARK = "<!--stored-card-->"
OPEN_NB, CLOSED_NB = "Åpent nå", "Stengt nå"


@pytest.fixture
def guide(db):
    return build_guide()


@pytest.fixture(autouse=True)
def bokmal():
    translation.activate("nb")
    yield
    translation.activate("nb")


@pytest.fixture
def actor(db):
    return UserFactory(email="redaktor-kort@example.test")


def reverse(name: str, args=None) -> str:
    with translation.override("nb"):
        return django_reverse(name, args=args)


def get(path: str, params: dict | None = None) -> str:
    response = Client().get(path, params or {})
    assert response.status_code == 200, path
    html = response.content.decode()
    for slot in SLOTS:
        assert slot not in html, f"a stand-in character {slot!r} reached {path}"
    return html


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def card_of(html: str, service) -> str:
    start = html.index(
        f'<article class="ds-card vern-service-card" aria-labelledby="card-{service.pk}"'
    )
    return html[start : html.index("</article>", start) + len("</article>")]


def _mark(service) -> str:
    """Put a comment into the service's stored card, keeping it current; its new html."""
    row = ServiceCard.objects.get(service_id=service.pk)
    assert MARK not in row.html
    html = row.html.replace("</article>", MARK + "</article>")
    ServiceCard.objects.filter(service_id=service.pk).update(html=html)
    return html


def _current_updated_at(service):
    return Service.objects.values_list("updated_at", flat=True).get(pk=service.pk)


# --- stored when saved, identical when shown ------------------------------------------


def test_saving_through_the_services_layer_stores_a_current_card(guide, actor):
    ServiceCard.objects.filter(service_id=guide.family.pk).delete()
    family = Service.objects.get(pk=guide.family.pk)
    family.eligibility_description = "Foreldre i brudd og barna deres."

    service_save(service=family, actor=actor)

    row = ServiceCard.objects.get(service_id=family.pk)
    assert row.version == cards.card_version()
    assert row.service_updated_at == _current_updated_at(family)
    assert "Foreldre i brudd og barna deres." in row.html
    assert cards.LEVEL_SLOT in row.html and cards.BACK_SLOT in row.html
    assert cards.OPEN_SLOT in row.html  # it has opening hours, and is not open day and night


@pytest.mark.parametrize(
    "params",
    [
        {"kommune": "9999", "q": "familie"},
        {"kommune": "9999", "gruppe": "exposed", "free": "1"},
        {"kommune": "9999"},
    ],
)
def test_a_stored_card_reads_byte_for_byte_as_one_rendered_afresh(guide, time_machine, params):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    for service in (guide.family, guide.crisis_centre, guide.shared):
        _mark(service)

    stored = main_of(get("/sok/", params))
    assert MARK in card_of(stored, guide.family)  # the stored card was used
    ServiceCard.objects.all().delete()
    fresh = main_of(get("/sok/", params))

    assert MARK not in fresh
    assert card_of(stored, guide.family).replace(MARK, "") == card_of(fresh, guide.family)
    assert stored.replace(MARK, "") == fresh


def test_the_municipality_page_reads_the_same_with_and_without_stored_cards(guide, time_machine):
    time_machine.move_to(SATURDAY_NIGHT, tick=False)
    _mark(guide.family)
    stored = main_of(get("/kommune/9999/"))
    assert MARK in card_of(stored, guide.family)
    ServiceCard.objects.all().delete()
    cache.clear()  # the kept page (core.page_cache): deleting cards behind the app's back moves no stamp
    forget_near()
    assert stored.replace(MARK, "") == main_of(get("/kommune/9999/"))


# --- read while the page renders ------------------------------------------------------------
# On PostgreSQL the stored cards' query is sent before the page around them is rendered
# and read after it (``core.early_reads``); elsewhere it is asked at once.


def test_a_query_made_while_the_page_renders_does_not_disturb_the_cards(guide, monkeypatch):
    from vern.guide.views import public

    _mark(guide.family)
    matching = public.guide_pages.matching
    asked = []

    def matching_after_a_query(*args, **kwargs):
        asked.append(Service.objects.filter(pk=guide.family.pk).count())  # mid-render
        return matching(*args, **kwargs)

    monkeypatch.setattr(public.guide_pages, "matching", matching_after_a_query)
    html = get("/sok/", {"kommune": "9999", "q": "familie"})

    assert asked == [1]
    assert MARK in card_of(html, guide.family)  # the stored card, placed in the page
    assert public.RESULTS_SLOT.decode() not in html
    assert html.index("Resultater") < html.index(MARK) < html.index("</main>")


def test_a_page_that_fails_while_its_cards_are_asked_for_leaves_the_connection_usable(
    guide, monkeypatch
):
    from vern.guide.views import public

    _mark(guide.family)
    page = public._search_page

    def failing(*args, **kwargs):
        raise RuntimeError("the page could not be rendered")

    monkeypatch.setattr(public, "_search_page", failing)
    client = Client(raise_request_exception=False)
    assert client.get("/sok/", {"kommune": "9999", "q": "familie"}).status_code == 500

    monkeypatch.setattr(public, "_search_page", page)
    # The same connection, asked directly as Django's own checks and commits do.
    assert connection.connection.execute("SELECT 1").fetchone() == (1,)
    assert MARK in card_of(get("/sok/", {"kommune": "9999", "q": "familie"}), guide.family)


# --- never out of date -------------------------------------------------------------------


def test_a_card_older_than_its_entry_is_not_used(guide):
    _mark(guide.family)
    old_name = guide.family.name
    Service.objects.filter(pk=guide.family.pk).update(
        name="Parsamtaler i Prøveby", updated_at=timezone.now()
    )

    card = card_of(main_of(get("/sok/", {"kommune": "9999", "q": "familie"})), guide.family)

    assert "Parsamtaler i Prøveby" in card
    assert old_name not in card
    assert MARK not in card


def test_a_card_from_another_template_or_catalogue_is_not_used(guide):
    live = card_of(main_of(get("/sok/", {"kommune": "9999", "q": "familie"})), guide.family)
    _mark(guide.family)
    ServiceCard.objects.filter(service_id=guide.family.pk).update(
        version="old", html=f"<article>{MARK} Gammelt kort</article>"
    )

    html = main_of(get("/sok/", {"kommune": "9999", "q": "familie"}))

    assert MARK not in html and "Gammelt kort" not in html
    assert card_of(html, guide.family) == live


def test_a_card_made_before_a_target_group_was_renamed_is_not_used(guide):
    from vern.directory.models import TaxonomyTerm

    _mark(guide.family)
    term = TaxonomyTerm.objects.get(taxonomy__code="target_group", code="relatives")
    assert term in guide.family.terms.all()
    TaxonomyTerm.objects.filter(pk=term.pk).update(name_nb="Nære og kjære")
    cards.card_version.cache_clear()  # terms change with a release: a new process
    snapshot.clear()
    try:
        card = card_of(main_of(get("/sok/", {"kommune": "9999", "q": "familie"})), guide.family)
    finally:
        cards.card_version.cache_clear()

    assert "Nære og kjære" in card
    assert MARK not in card


# --- the three things filled in when shown ------------------------------------------


def test_open_now_is_filled_in_from_the_same_stored_card(guide, time_machine):
    html_stored = _mark(guide.family)
    params = {"kommune": "9999", "q": "familie"}

    time_machine.move_to(TUESDAY_MORNING, tick=False)
    open_card = card_of(get("/sok/", params), guide.family)
    time_machine.move_to(SATURDAY_NIGHT, tick=False)
    closed_card = card_of(get("/sok/", params), guide.family)

    assert MARK in open_card and MARK in closed_card
    assert f'<span class="vern-open">{OPEN_NB}</span>' in open_card
    assert CLOSED_NB not in open_card
    assert f'<span class="vern-closed">{CLOSED_NB}</span>' in closed_card
    assert OPEN_NB not in closed_card
    row = ServiceCard.objects.get(service_id=guide.family.pk)
    assert row.html == html_stored  # filled in on the way out, never written back
    assert row.service_updated_at == _current_updated_at(guide.family)


def test_a_service_open_day_and_night_has_no_open_slot_and_says_so(guide, time_machine):
    time_machine.move_to(SATURDAY_NIGHT, tick=False)
    row = ServiceCard.objects.get(service_id=guide.crisis_centre.pk)
    assert cards.OPEN_SLOT not in row.html
    _mark(guide.crisis_centre)
    card = card_of(get("/sok/", {"kommune": "9999", "gruppe": "exposed"}), guide.crisis_centre)
    assert MARK in card
    assert "Åpent hele døgnet, alle dager" in card and CLOSED_NB not in card


def test_no_stand_in_character_reaches_any_guide_page(guide, time_machine):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    for path, params in [
        ("/sok/", {"kommune": "9999"}),
        ("/sok/", {"kommune": "9999", "q": "vold"}),
        ("/sok/", {"gruppe": "exposed"}),
        ("/sok/", {}),
        ("/kommune/9999/", {}),
        ("/kommune/9998/", {}),
        ("/en/sok/", {"kommune": "9999"}),
        ("/en/kommune/9999/", {}),
        (reverse("guide:service", args=[guide.family.pk]), {"kommune": "9999"}),
    ]:
        get(path, params)  # checks every response for the three characters


def test_a_stored_card_on_page_two_links_back_to_page_two(guide):
    services = [
        ServiceFactory(owner=guide.town, name=f"Sidetest {n:02d}", description="Bladvending.")
        for n in range(25)
    ]
    for service in services:
        _mark(service)

    html = main_of(get("/sok/", {"kommune": "9999", "q": "bladvending", "side": "2"}))

    shown = [s for s in services if f'id="card-{s.pk}"' in html]
    assert [s.name for s in shown] == [f"Sidetest {n}" for n in range(20, 25)]
    for service in shown:
        card = card_of(html, service)
        assert MARK in card
        url = reverse("guide:service", args=[service.pk])
        assert f'href="{url}?kommune=9999&amp;q=bladvending&amp;side=2"' in card
    assert "&side=" not in html.replace("&amp;", "")  # every ampersand escaped


def test_a_stored_card_on_the_first_page_links_back_without_a_page(guide):
    _mark(guide.family)
    card = card_of(get("/sok/", {"kommune": "9999", "q": "familie", "free": "1"}), guide.family)
    url = reverse("guide:service", args=[guide.family.pk])
    assert MARK in card
    assert f'href="{url}?kommune=9999&amp;q=familie&amp;free=1"' in card


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("name", "Slottjenesten \ue001 for spesialord"),
        ("name", "Slottjenesten \ue000 for spesialord"),
        ("eligibility_description", "For alle \ue002 som trenger spesialord."),
    ],
)
def test_a_service_whose_text_holds_a_stand_in_character_is_rendered_when_shown(
    guide, time_machine, field, text
):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    values = {"name": "Slottjenesten", "description": "Spesialord og samtaler."}
    values[field] = text
    service = ServiceFactory(owner=guide.town, **values)
    Schedule.objects.create(service=service, weekday=2, opens_at=time(9, 0), closes_at=time(11, 0))
    service_save(service=Service.objects.get(pk=service.pk), actor=None)

    assert not ServiceCard.objects.filter(service_id=service.pk).exists()
    response = Client().get("/sok/", {"kommune": "9999", "q": "spesialord"})
    assert response.status_code == 200
    card = card_of(response.content.decode(), service)
    assert text in card  # the entry's own character, left as it is
    url = reverse("guide:service", args=[service.pk])
    assert f'href="{url}?kommune=9999&amp;q=spesialord"' in card
    assert '<h4 class="ds-heading"' in card and "</h4>" in card
    assert f'<span class="vern-open">{OPEN_NB}</span>' in card


# --- where cards are shown ----------------------------------------------------------


def test_the_municipality_page_uses_stored_cards_as_level_three(guide):
    _mark(guide.family)
    card = card_of(get("/kommune/9999/"), guide.family)
    assert MARK in card
    assert f'<h3 class="ds-heading" data-size="xs" id="card-{guide.family.pk}">' in card
    assert card.count("</h3>") == 1 and "<h4" not in card
    url = reverse("guide:service", args=[guide.family.pk])
    assert f'href="{url}?kommune=9999"' in card


def test_the_results_page_uses_stored_cards_as_level_four(guide):
    _mark(guide.family)
    card = card_of(get("/sok/", {"kommune": "9999", "q": "familie"}), guide.family)
    assert MARK in card
    assert f'<h4 class="ds-heading" data-size="xs" id="card-{guide.family.pk}">' in card
    assert card.count("</h4>") == 1 and "<h3" not in card


def test_an_english_page_renders_its_cards_in_english(guide, time_machine):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    for service in (guide.family, guide.crisis_centre):
        _mark(service)
        assert ServiceCard.objects.filter(service_id=service.pk).exists()

    html = main_of(get("/en/sok/", {"kommune": "9999", "gruppe": "exposed"}))

    assert MARK not in html
    family = card_of(html, guide.family)
    assert "Referral" in family and "Henvisning" not in family
    assert "Get in touch" in family and "Ta kontakt" not in family
    assert "Open now" in family and OPEN_NB not in family
    assert "/en/tjeneste/" in family
    centre = card_of(html, guide.crisis_centre)
    assert "Prøveby crisis centre" in centre  # its English name, not the stored bokmål one
    assert "Open day and night, every day" in centre


def test_the_english_municipality_page_renders_its_cards_in_english(guide):
    _mark(guide.family)
    card = card_of(get("/en/kommune/9999/"), guide.family)
    assert MARK not in card
    assert "Referral" in card and "Henvisning" not in card


# --- the command -------------------------------------------------------------------------


def test_reindex_stores_the_missing_cards(guide):
    ServiceCard.objects.all().delete()

    call_command("directory", "reindex", stdout=io.StringIO(), stderr=io.StringIO())

    rows = {row.service_id: row for row in ServiceCard.objects.all()}
    assert set(rows) == set(Service.objects.values_list("pk", flat=True))
    version = cards.card_version()
    for service in Service.objects.all():
        row = rows[service.pk]
        assert row.version == version
        assert row.service_updated_at == service.updated_at
    assert re.search(r">Familievernkontoret</a></h\ue000>", rows[guide.family.pk].html)
    _mark(guide.family)
    assert MARK in card_of(get("/sok/", {"kommune": "9999", "q": "familie"}), guide.family)


def test_reindex_replaces_an_outdated_card(guide):
    ServiceCard.objects.filter(service_id=guide.family.pk).update(
        version="old", html="<article>Gammelt kort</article>"
    )
    call_command("directory", "reindex", stdout=io.StringIO(), stderr=io.StringIO())
    row = ServiceCard.objects.get(service_id=guide.family.pk)
    assert row.version == cards.card_version()
    assert "Gammelt kort" not in row.html and "Familievernkontoret" in row.html


# --- the open state follows the hours the card shows ------------------------------------


def test_the_municipality_page_tells_open_now_from_the_hours_it_shows(guide, actor, time_machine):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    # This process's guide index, holding the weekday hours; the municipality page
    # must notice that the entry changed since.
    get("/sok/", {"kommune": "9999"})
    family = Service.objects.get(pk=guide.family.pk)
    service_save(
        service=family,
        actor=actor,
        related=ServiceRelated(
            schedules=[{"weekday": 7, "opens_at": "08:00", "closes_at": "09:00"}]
        ),
    )
    _mark(family)  # the card stored by the save, with the new hours

    card = card_of(get("/kommune/9999/"), guide.family)

    assert MARK in card
    assert 'Søndag: <span class="vern-ltr">08:00–09:00</span>' in card
    assert f'<span class="vern-closed">{CLOSED_NB}</span>' in card
    assert OPEN_NB not in card


def test_a_card_newer_than_this_process_index_is_rendered_from_the_database(
    guide, actor, time_machine, settings
):
    """Within the snapshot's second the index may hold the old hours: then the
    stored card (made with the new hours) is not completed from it."""
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    get("/sok/", {"kommune": "9999"})  # this process's index, with the weekday hours
    settings.VERN_SNAPSHOT_SECONDS = 3600  # and it will not look again
    family = Service.objects.get(pk=guide.family.pk)
    service_save(
        service=family,
        actor=actor,
        related=ServiceRelated(
            schedules=[{"weekday": 7, "opens_at": "08:00", "closes_at": "09:00"}]
        ),
    )
    _mark(family)

    card = card_of(get("/kommune/9999/"), guide.family)

    assert MARK not in card  # rendered afresh
    assert 'Søndag: <span class="vern-ltr">08:00–09:00</span>' in card
    assert f'<span class="vern-closed">{CLOSED_NB}</span>' in card
    assert OPEN_NB not in card
