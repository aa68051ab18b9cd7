"""The public guide in Arabic: laid out right to left, accessible (axe-core), no
horizontal scroll on a 320 px phone; the language menu works without JavaScript."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_accessibility import AXE, _describe

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def arabic_guide(reference_data):
    """The directory's reference data (flushed by earlier browser tests) and a small guide."""
    from django.apps import apps

    from tests.directory.test_public_data import build_guide
    from vern.directory.models import TaxonomyTerm

    if not TaxonomyTerm.objects.exists():
        for migration in ("0003_taxonomies", "0004_national_services", "0005_synonyms"):
            importlib.import_module(f"vern.directory.migrations.{migration}").load(apps, None)
    return build_guide()


def _pages(guide) -> list[str]:
    service = guide.crisis_centre
    return [
        "/ar/",
        "/ar" + reverse("guide:search") + "?q=vold&kommune=9999",
        "/ar" + reverse("guide:service", args=[service.pk]),
    ]


def _axe(page) -> list[dict]:
    page.evaluate("document.fonts.ready.then(() => true)")
    page.add_script_tag(path=AXE)
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )


@pytest.mark.browser
def test_arabic_pages_have_no_axe_violations_and_are_right_to_left(new_context, arabic_guide):
    # The site's CSP forbids the inline script add_script_tag makes (test tooling only).
    page = new_context(bypass_csp=True, locale="ar").new_page()
    for path in _pages(arabic_guide):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.evaluate("document.dir") == "rtl", path
        assert page.evaluate("document.documentElement.lang") == "ar", path
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl", path
        violations = _axe(page)
        assert violations == [], f"axe violations on {path}:\n{_describe(violations)}"


@pytest.mark.browser
def test_arabic_home_is_mirrored(new_context, reference_data):
    page = new_context(viewport={"width": 1024, "height": 768}).new_page()
    page.goto("/ar/")
    brand = page.locator(".vern-brand").bounding_box()
    menu = page.locator(".vern-language-toggle").bounding_box()
    # The brand starts the header row: on the right in Arabic, the languages on the left.
    assert brand["x"] > menu["x"], (brand, menu)
    # Phone numbers still read left to right: "116 006", not "006 116".
    number = page.locator('a.vern-phone[href="tel:116006"]')
    assert number.evaluate("el => getComputedStyle(el).direction") == "ltr"


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/ar/", "/ar/trygg-pa-nett/"])
def test_arabic_fits_a_320px_screen(new_context, reference_data, path):
    page = new_context(viewport=NARROW).new_page()
    page.goto(path)
    page.evaluate("document.fonts.ready.then(() => true)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{path} is {width}px wide at 320px"
    # Open the language menu too: it must not push the page sideways either.
    page.locator(".vern-language-toggle").click()
    expect(page.locator(".vern-language-list")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{path} with the language menu open is {width}px wide"
    box = page.locator(".vern-language-list").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], box


@pytest.mark.browser
def test_arabic_results_and_service_fit_a_320px_screen(new_context, arabic_guide):
    page = new_context(viewport=NARROW).new_page()
    for path in _pages(arabic_guide)[1:]:
        page.goto(path)
        page.evaluate("document.fonts.ready.then(() => true)")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{path} is {width}px wide at 320px"


@pytest.mark.browser
def test_language_menu_works_without_javascript(new_context, reference_data):
    page = new_context(java_script_enabled=False, viewport=NARROW).new_page()
    page.goto("/trygg-pa-nett/")
    expect(page.locator(".vern-language-list")).to_be_hidden()
    page.locator(".vern-language-toggle").click()
    page.get_by_role("link", name="العربية").click()
    page.wait_for_url("**/ar/trygg-pa-nett/")
    assert page.evaluate("document.dir") == "rtl"
    page.locator(".vern-language-toggle").click()
    page.get_by_role("link", name="Polski").click()
    page.wait_for_url("**/pl/trygg-pa-nett/")
    assert page.evaluate("document.documentElement.lang") == "pl"
    assert page.evaluate("document.dir") == "ltr"
    assert page.context.cookies() == []
