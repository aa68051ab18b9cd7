"""The crawler's own checks, tried on made-up pages with a known fault each."""

import pytest
from django.test import Client, override_settings
from django.utils import translation

from tests.security.crawl import (
    Crawl,
    page_links,
    svg_attribute_problem,
    svg_problems,
    untranslated_problems,
)
from tests.security.crawl_fake_urls import GOOD_SVG


def test_well_formed_svg_passes():
    assert svg_problems(GOOD_SVG) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("cx", "160,0"),
        ("y1", "14,5"),
        ("width", "12,5px"),
        ("viewBox", "0 0 320,5 120"),
        ("viewBox", "0 0 320"),
        ("points", "14,0,101,0 111,3,85,9"),
        ("d", "M2 12h20,5x"),
        ("d", "M1 2 L3"),
        ("r", ""),
    ],
)
def test_a_number_with_a_decimal_comma_or_a_bad_list_is_found(name, value):
    assert svg_attribute_problem(name, value) == f'{name.lower()}="{value}"'
    assert svg_problems(f'<p><svg><g><x {name}="{value}"/></g></svg></p>')


def test_only_svg_attributes_are_checked():
    assert svg_problems('<img width="12,5"><td height="1,5"></td>') == []


def test_untranslated_text_is_found_on_norwegian_pages_only():
    page = (
        '<select><option value="">- Select an option -</option></select><td>Verification due</td>'
    )
    assert untranslated_problems(page, "nb") == ['"- Select an option -"', '"Verification due"']
    assert untranslated_problems(page, "nn") == ['"- Select an option -"', '"Verification due"']
    assert untranslated_problems(page, "en") == []
    # Text a person sees in an attribute counts too; markup around it does not hide it.
    assert untranslated_problems('<input placeholder="This field is required.">', "nb")
    assert untranslated_problems("<p>Verification\n   due</p>", "nb")


def test_links_are_read():
    assert page_links('<a href="/a/">a</a><a>no link</a><a href="/b/#x">b</a>') == ["/a/", "/b/#x"]


@override_settings(ROOT_URLCONF="tests.security.crawl_fake_urls")
def test_the_crawl_reports_each_fault_and_skips_what_it_must():
    crawl = Crawl(Client(), who="tester", allow=lambda path: True).run(["/"])
    problems = "\n".join(crawl.problems)
    assert (
        "tester /broken/: answered 500 (RuntimeError: this view is broken on purpose)" in problems
    )
    assert 'tester /comma/: SVG attribute <circle cx="160,0">' in problems
    assert 'tester /english/: untranslated "- Select an option -"' in problems
    assert "tester /missing/: answered 404" in problems
    assert "tester /secret/: answered 403 to a link shown to this person" in problems
    assert len(crawl.problems) == 5, problems
    # No log-out, no other host, no tel: link; at most two addresses per pattern in bokmål.
    assert "/konto/logg-ut/" not in crawl.visited
    assert {"/items/1/", "/items/2/"} <= crawl.visited
    assert "/items/3/" not in crawl.visited
    assert not any(url.startswith(("http", "tel")) for url in crawl.visited)


def test_the_crawl_leaves_the_active_language_as_it_found_it(db):
    with translation.override("nb"):
        Crawl(Client(), who="tester", allow=lambda path: False).run(["/en/"])
        assert translation.get_language() == "nb"
