"""Result cards of pages in other languages than bokmål: made the first time they are
shown, kept in the shared cache ("cards"), completed when shown again — and never
used once out of date, for a service no longer public, or in another language.

As in tests/directory/test_cards_stored.py, a kept card is marked with an HTML
comment to see which path a page took."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from tests.core.test_redis_cache_outage import DOWN
from tests.directory.test_cards_stored import MARK, SLOTS, TUESDAY_MORNING, card_of, main_of
from tests.directory.test_public_data import build_guide
from tests.factories import UserFactory
from vern.directory.models import Service, ServiceTranslation
from vern.directory.services import service_save
from vern.guide import cards as guide_cards

SEARCH = {"kommune": "9999", "q": "vold"}


@pytest.fixture
def guide(db):
    return build_guide()


@pytest.fixture
def actor(db):
    return UserFactory(email="redaktor-sprak@example.test")


def get(prefix: str, params: dict | None = None) -> str:
    response = Client().get(f"{prefix}/sok/", params or SEARCH)
    assert response.status_code == 200
    html = response.content.decode()
    for slot in SLOTS:
        assert slot not in html, f"a stand-in character {slot!r} reached {prefix}/sok/"
    return html


def _mark(language: str, service) -> None:
    """Put a comment into the kept card of ``service`` in ``language``."""
    kept = caches["cards"]
    updated_at = Service.objects.values_list("updated_at", flat=True).get(pk=service.pk)
    key = guide_cards.kept_card_key(language, service.pk, updated_at)
    html = kept.get(key)
    assert html is not None, "the card was not kept"
    kept.set(key, html.replace("</article>", MARK + "</article>"))


@pytest.mark.parametrize("prefix", ["/en", "/uk", "/ar"])
def test_a_card_is_kept_the_first_time_and_reads_as_one_rendered_afresh(
    guide, time_machine, prefix
):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    language = prefix.strip("/")
    first = main_of(get(prefix))
    _mark(language, guide.crisis_centre)

    again = main_of(get(prefix))
    assert MARK in card_of(again, guide.crisis_centre)  # the kept card was used
    caches["cards"].clear()
    fresh = main_of(get(prefix))
    assert MARK not in fresh
    assert again.replace(MARK, "") == fresh == first


def test_a_page_whose_cards_are_all_kept_loads_no_service(guide, monkeypatch):
    get("/en")

    def no_loading(*args, **kwargs):
        raise AssertionError("a card was loaded from the database")

    monkeypatch.setattr(guide_cards.selectors, "cards", no_loading)
    html = get("/en")
    assert "Prøveby crisis centre" in card_of(html, guide.crisis_centre)


def test_a_kept_card_is_not_used_once_its_entry_changed(guide, actor):
    get("/en")
    _mark("en", guide.crisis_centre)
    centre = Service.objects.get(pk=guide.crisis_centre.pk)
    ServiceTranslation.objects.filter(service=centre, language="en").update(name="Prøveby shelter")
    service_save(service=centre, actor=actor)  # as the service form saves a language version

    card = card_of(get("/en"), guide.crisis_centre)
    assert "Prøveby shelter" in card
    assert MARK not in card


def test_a_service_withdrawn_while_the_index_is_older_is_not_shown_from_a_kept_card(
    guide, settings
):
    assert "Prøveby crisis centre" in get("/en")
    settings.VERN_SNAPSHOT_SECONDS = 3600  # this process does not look again for an hour
    Service.objects.filter(pk=guide.crisis_centre.pk).update(status=Service.Status.DEFUNCT)

    html = get("/en")
    assert "Prøveby crisis centre" not in html
    assert "Familievernkontoret" in html  # the rest of the page is there


def test_a_card_kept_for_one_language_is_never_shown_in_another(guide):
    get("/en")
    _mark("en", guide.crisis_centre)

    for prefix in ("/uk", "/ar", ""):
        assert MARK not in get(prefix)
    assert MARK in get("/en")


def test_the_cards_are_shown_when_the_cards_cache_is_down(guide, settings, caplog):
    settings.CACHES = {**settings.CACHES, "cards": DOWN}
    for _ in range(2):
        html = get("/en")
        assert "Prøveby crisis centre" in card_of(html, guide.crisis_centre)
    assert "The cache (Redis) cannot be reached" in caplog.text
