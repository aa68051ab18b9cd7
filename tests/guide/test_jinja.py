"""The guide's Jinja2 templates (the results page's content, guide/jinja.py, and the
service cards, directory/cards.py): their strings are found by makemessages and
translated in every public language, and what the results page fills in is escaped."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.translation.template import templatize

from tests.factories import MunicipalityFactory
from tests.public.test_languages import LOCALE, PUBLIC_LANGUAGES, _entries
from vern.directory.cards import TEMPLATES as CARD_TEMPLATES
from vern.guide.jinja import TEMPLATES

MARKED = re.compile(r'_\("((?:[^"\\]|\\.)*)"\)')
COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)


def _sources() -> dict[str, str]:
    return {
        path.name: path.read_text(encoding="utf-8")
        for folder in (TEMPLATES, CARD_TEMPLATES)
        for path in sorted(folder.glob("*.html"))
    }


def marked_strings() -> dict[str, set[str]]:
    return {name: set(MARKED.findall(COMMENT.sub("", text))) for name, text in _sources().items()}


def test_makemessages_finds_every_string_the_jinja_templates_mark():
    sources = _sources()
    assert {"search.html", "card.html"} <= set(sources)
    for name, marked in marked_strings().items():
        found = set(MARKED.findall(templatize(sources[name], origin=name)))
        assert marked or "_(" not in COMMENT.sub("", sources[name]), name  # none missed
        assert marked <= found, (name, sorted(marked - found))


@pytest.mark.parametrize("code", [code for code in PUBLIC_LANGUAGES if code != "en"])
def test_every_string_of_the_jinja_templates_is_translated(code):
    catalogue = {
        msgid: all(msgstrs) and not fuzzy
        for _refs, msgid, msgstrs, fuzzy in _entries(LOCALE / code / "LC_MESSAGES" / "django.po")
    }
    for name, marked in marked_strings().items():
        for msgid in marked:
            assert catalogue.get(msgid), f"{name}: {msgid!r} has no {code} translation"


def test_what_the_results_page_fills_in_is_escaped_and_markup_is_kept(db):
    MunicipalityFactory(number="9801", name="Heim<b>by</b> & Co")
    html = Client().get("/sok/", {"kommune": "9801", "gruppe": "exposed"}).content.decode()

    assert "Tilbake til veiviseren for Heim&lt;b&gt;by&lt;/b&gt; &amp; Co" in html
    assert "<b>by</b>" not in html
    # The chosen group's name is markup (isolated, marked with its language): kept as such.
    assert re.search(r"Hjelp for: <bdi[^>]*>[^<]+</bdi>", html)
