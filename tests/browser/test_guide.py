"""The public guide in a real browser: a newcomer finds the crisis centre from the
home page in three clicks, with and without JavaScript; the guide's pages have
no axe-core violations; reading sets no cookie; the error report goes through.

Locators use ids, hrefs and form actions rather than visible text, so the tests
hold in every language and whatever the catalogues say.
"""

from __future__ import annotations

import importlib
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import AXE, _describe


@pytest.fixture
def guide(reference_data):
    """Taxonomies and national services (data migrations, flushed by earlier
    transactional tests) and a small Eksempelby-like municipality."""
    from django.apps import apps

    from tests.directory.test_public_data import build_guide
    from vern.directory.models import Service, TaxonomyTerm

    if not TaxonomyTerm.objects.exists():
        importlib.import_module("vern.directory.migrations.0003_taxonomies").load(apps, None)
    if not Service.objects.filter(is_national=True).exists():
        importlib.import_module("vern.directory.migrations.0004_national_services").load(apps, None)
    return build_guide()


def _axe(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    page.evaluate("document.fonts.ready.then(() => true)")
    page.add_script_tag(path=AXE)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    assert violations == [], f"axe violations on {path}:\n{_describe(violations)}"


@pytest.mark.browser
def test_no_axe_violations_on_the_guide_in_bokmal(new_context, guide):
    # The site's CSP forbids the inline script add_script_tag creates; bypassing
    # it is for this test tooling only.
    page = new_context(bypass_csp=True).new_page()
    service = f"/tjeneste/{guide.crisis_centre.pk}/?kommune=9999&gruppe=exposed"
    for path in (
        "/",
        "/?kommune=os",
        "/?kommune=Atlantis",
        "/kommune/9999/",
        "/sok/?kommune=9999&gruppe=exposed",
        "/sok/?kommune=9999&q=qqqxyzzy&pets=1",
        service,
        f"/tjeneste/{guide.family.pk}/",
        f"/tjeneste/{guide.crisis_centre.pk}/meld-feil/",
    ):
        _axe(page, path)


@pytest.mark.browser
def test_no_axe_violations_with_the_filters_open_on_a_phone(new_context, guide):
    page = new_context(bypass_csp=True, viewport={"width": 320, "height": 640}).new_page()
    _axe(page, "/sok/?kommune=9999&gruppe=exposed&free=1")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _newcomer_journey(page, live_server, guide) -> int:
    """From the home page to the crisis centre; returns the number of clicks."""
    clicks = 0
    page.goto("/")
    page.fill("#kommune-input", "Prøveby")
    page.locator("#kommune-valg form button[type=submit]").click()
    clicks += 1
    # The form's #kommune-valg (which scrolls to a "not found" message) may ride along.
    page.wait_for_url(re.compile(rf"^{live_server.url}/kommune/9999/(#kommune-valg)?$"))

    page.locator('main a.vern-entry[href*="gruppe=exposed"]').click()
    clicks += 1
    page.wait_for_url(re.compile(r"/sok/\?gruppe=exposed&kommune=9999$"))
    card = page.locator(f"#card-{guide.crisis_centre.pk}")
    expect(card).to_be_visible()
    expect(card).to_contain_text(guide.crisis_centre.name)
    # The card already says how to get in touch.
    expect(
        page.locator(f'article:has(#card-{guide.crisis_centre.pk}) a[href="tel:00000001"]')
    ).to_be_visible()

    card.locator("a").click()
    clicks += 1
    page.wait_for_url(re.compile(rf"/tjeneste/{guide.crisis_centre.pk}/\?"))
    expect(page.locator("h1")).to_have_text(guide.crisis_centre.name)
    expect(page.locator("main")).to_contain_text("00 00 00 01")
    return clicks


@pytest.mark.browser
def test_a_newcomer_finds_the_crisis_centre_in_three_clicks(page, live_server, guide):
    assert _newcomer_journey(page, live_server, guide) <= 3
    # "Back to the results" works without a session.
    page.locator("a.vern-back").click()
    page.wait_for_url(re.compile(r"/sok/\?kommune=9999&gruppe=exposed$"))
    expect(page.locator(f"#card-{guide.crisis_centre.pk}")).to_be_visible()


@pytest.mark.browser
def test_the_journey_works_with_javascript_off(new_context, live_server, guide):
    page = new_context(java_script_enabled=False).new_page()
    assert _newcomer_journey(page, live_server, guide) <= 3


@pytest.mark.browser
def test_search_and_filters_work_with_javascript_off(new_context, live_server, guide):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/kommune/9999/")
    page.fill("#guide-q", "sinnemestring")
    page.locator("form[role=search] button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/sok/\?kommune=9999&q=sinnemestring$"))
    expect(page.locator(f"#card-{guide.atv.pk}")).to_be_visible()

    # Filters: a plain GET form in a <details>, no script needed.
    page.goto("/sok/?kommune=9999")
    page.locator(".vern-filter-details > summary").click()
    page.check("#f-pets")
    page.locator(".vern-filter-details button[type=submit]").click()
    page.wait_for_url(re.compile(r"pets=1"))
    expect(page.locator(f"#card-{guide.crisis_centre.pk}")).to_be_visible()
    expect(page.locator(f"#card-{guide.family.pk}")).to_have_count(0)
    expect(page.locator("#f-pets")).to_be_checked()


@pytest.mark.browser
def test_several_matches_are_offered_to_choose_from(page, live_server, guide):
    page.goto("/")
    page.fill("#kommune-input", "9999")  # a municipality number
    page.locator("#kommune-valg form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"^{live_server.url}/kommune/9999/(#kommune-valg)?$"))

    page.goto("/")
    page.fill("#kommune-input", "os")
    page.locator("#kommune-valg form button[type=submit]").click()
    page.locator('#chooser-message a[href="/kommune/0301/"]').click()
    page.wait_for_url(f"{live_server.url}/kommune/0301/")


@pytest.mark.browser
def test_reading_the_guide_sets_no_cookie_and_stays_on_the_site(new_context, live_server, guide):
    context = new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    for path in (
        "/",
        "/?kommune=os",
        "/kommune/9999/",
        "/sok/?kommune=9999&gruppe=exposed",
        f"/tjeneste/{guide.crisis_centre.pk}/?kommune=9999",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert context.cookies() == []
    own = urlsplit(live_server.url).netloc
    elsewhere = [
        url
        for url in requested
        if urlsplit(url).scheme not in {"data", "blob"} and urlsplit(url).netloc != own
    ]
    assert elsewhere == []


@pytest.mark.browser
def test_an_error_report_goes_through_with_only_the_csrf_cookie(new_context, live_server, guide):
    from vern.directory.models import ErrorReport

    context = new_context()
    page = context.new_page()
    page.goto(f"/tjeneste/{guide.crisis_centre.pk}/?kommune=9999")
    assert context.cookies() == []
    page.locator(f'a[href^="/tjeneste/{guide.crisis_centre.pk}/meld-feil/"]').click()
    page.wait_for_url(re.compile(r"/meld-feil/\?kommune=9999$"))
    assert [cookie["name"] for cookie in context.cookies()] == ["csrftoken"]
    page.fill("textarea[name=message]", "Telefonnummeret svarer ikke.")
    page.locator("form.vern-report-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/meld-feil/takk/\?kommune=9999$"))
    assert ErrorReport.objects.for_system("test").get().message == "Telefonnummeret svarer ikke."
