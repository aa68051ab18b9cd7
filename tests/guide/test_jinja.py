"""The results page's Jinja2 content (guide/jinja.py): its strings are found by
makemessages and translated in every public language, and what it fills in is escaped."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.translation.template import templatize

from tests.factories import MunicipalityFactory
from tests.public.test_languages import LOCALE, PUBLIC_LANGUAGES, _entries
from vern.guide.jinja import TEMPLATES

MARKED = re.compile(r'_\("((?:[^"\\]|\\.)*)"\)')


def marked_strings() -> dict[str, set[str]]:
    return {
        path.name: set(MARKED.findall(path.read_text(encoding="utf-8")))
        for path in TEMPLATES.glob("*.html")
    }


def test_makemessages_finds_every_string_the_jinja_templates_mark():
    for name, marked in marked_strings().items():
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        found = set(MARKED.findall(templatize(source, origin=name)))
        assert marked, name
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
