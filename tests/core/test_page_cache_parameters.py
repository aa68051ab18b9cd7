"""Which query parameters a kept page may be asked with (core/page_cache.py ``keeps``):
a page is kept under its parameters, so values a visitor makes up must not each take
a place in the shared cache for an hour."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.directory.test_public_data import build_guide
from vern.core import page_cache


@pytest.fixture
def guide(db):
    return build_guide()


def pages_kept() -> set[str]:
    """The kept pages' keys in the shared cache (the tests' cache is Django's memory cache)."""
    return {
        key
        for key in cache._cache
        if key.split(":")[2] == "page" and key.split(":")[-1] != "generation"
    }


def near_kept() -> int:
    return len(page_cache._near._cache)


def ask(path: str) -> None:
    assert Client().get(path).status_code == 200, path


def test_made_up_parameters_are_answered_but_never_kept(guide):
    for path in (
        "/handlingsplaner/?utm_source=x",
        "/handlingsplaner/?sorter=tilfeldig",
        "/handlingsplaner/?sorter=navn&sorter=fylke",
        "/?hvasom=helst",
        "/kommune/9999/?x=1",
        f"/tjeneste/{guide.crisis_centre.pk}/?q=vold&ukjent=1",
    ):
        ask(path)
    assert pages_kept() == set()
    assert near_kept() == 0


def test_known_parameters_are_kept_once_however_they_are_written(guide):
    ask("/handlingsplaner/?sorter=fylke")
    ask("/")
    kept = pages_kept()
    assert len(kept) == 2
    ask("/handlingsplaner/?sorter=fylke&")
    ask("/?&&")
    assert pages_kept() == kept  # the same pages, not new ones

    ask(f"/tjeneste/{guide.crisis_centre.pk}/?kommune=9999")  # from the municipality's page
    assert len(pages_kept()) == 3


def test_a_service_page_with_a_search_to_go_back_to_is_kept_in_this_process_only(guide):
    path = f"/tjeneste/{guide.crisis_centre.pk}/?kommune=9999&q=vold"
    first = Client().get(path).content
    assert pages_kept() == set()
    assert near_kept() == 1
    assert Client().get(path).content == first  # answered from this process's copy
    assert near_kept() == 1
