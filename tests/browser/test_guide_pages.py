"""The pages that explain in a real browser: no axe violations in bokmål and
Arabic, Arabic laid out right to left, found from the guide's search."""

from __future__ import annotations

import importlib

import pytest

from tests.browser.test_accessibility import axe_violations


@pytest.fixture
def guide_pages(transactional_db):
    """The shipped pages (transactional tests flush the migrations' data)."""
    from django.apps import apps

    from vern.directory import guide_pages as reading

    importlib.import_module("vern.directory.migrations.0011_guidelang_guide_pages").load(apps, None)
    reading._index.key = None


PATHS = [
    "/veiledning/",
    "/veiledning/rettigheter/",
    "/veiledning/tvangsekteskap-og-kontroll/",
    "/ar/veiledning/",
    "/ar/veiledning/rettigheter/",
    "/ar/veiledning/bekymret/",
    "/ar/sok/?q=%D8%AA%D8%B9%D9%88%D9%8A%D8%B6",  # تعويض: finds the rights page
    "/sok/?q=kontaktforbud",
]


@pytest.mark.browser
@pytest.mark.parametrize("path", PATHS)
def test_no_axe_violations_on_the_pages_that_explain(new_context, guide_pages, path):
    page = new_context(bypass_csp=True).new_page()
    response = page.goto(path)
    assert response is not None and response.status == 200
    failures = axe_violations(page)
    assert not failures, f"axe violations on {path} " + "\n".join(failures)


@pytest.mark.browser
def test_arabic_page_reads_right_to_left(new_context, guide_pages):
    page = new_context().new_page()
    page.goto("/ar/veiledning/rettigheter/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "حقوقك بعد التعرض للعنف"
    assert heading.evaluate("e => getComputedStyle(e).direction") == "rtl"
    # The heading starts at the right: its right edge is near the content's right edge.
    box = heading.bounding_box()
    article = page.locator("article").bounding_box()
    assert abs((box["x"] + box["width"]) - (article["x"] + article["width"])) < 2
    assert page.get_by_role("link", name="Lovdata", exact=False).count() >= 1


@pytest.mark.browser
def test_search_leads_to_the_page_in_the_query_s_language(new_context, guide_pages):
    page = new_context().new_page()
    page.goto("/sok/")
    page.get_by_label("Hva trenger du hjelp med?").fill("примусовий шлюб")
    page.get_by_role("button", name="Søk", exact=True).click()
    section = page.locator("section.vern-explained")
    section.get_by_role("link").first.click()
    assert page.url.endswith("/uk/veiledning/tvangsekteskap-og-kontroll/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Примусовий шлюб і негативний соціальний контроль"
    )
    # The quick exit is there, as on every public page.
    assert page.locator("a.vern-exit-button").count() == 1
