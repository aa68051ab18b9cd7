"""A coordinator builds a plan from the catalogue, adopts it, checks coverage, gets the PDF,
revises it and compares versions. The staff UI is used in English so the test reads plainly."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory, UserFactory
from vern.core.models import Role

PASSWORD = "riktig-passord-123"


@pytest.fixture
def coordinator_page(new_context, live_server, settings, reference_data):
    settings.VERN_REQUIRE_2FA = False  # two-factor login has its own journey test
    municipality = MunicipalityFactory(number="9812", name="Planby")
    UnitFactory(municipality=municipality, name="Planby skole")
    user = UserFactory(email="koordinator@planby.example.test", full_name="Kari Koordinator")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=municipality, role=Role.COORDINATOR)
    page = new_context().new_page()
    page.goto("/en/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ansatt/$"))
    return page


@pytest.mark.browser
def test_coordinator_builds_adopts_revises_and_compares(coordinator_page, live_server):
    page = coordinator_page

    # Create a plan from the catalogue.
    page.goto("/en/ansatt/planer/ny/")
    page.fill("input[name=start_year]", "2026")
    page.fill("input[name=end_year]", "2029")
    for code in ("F1", "F2", "F7", "B1", "U3"):
        page.get_by_label(re.compile(rf"^\s*{code} ")).check()
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r"/ansatt/planer/\d+/$"))
    plan_url = page.url
    expect(page.locator("main table tbody tr")).to_have_count(5)

    # Give F7 an owner, a deadline and a budget.
    page.get_by_role("link", name=re.compile(r"^F7 ")).click()
    # The measure's page loaded (its load event) before anything on it is touched.
    page.wait_for_url(re.compile(r"/ansatt/planer/tiltak/\d+/$"))
    page.get_by_text("Owner, dates, budget and status").click()
    page.get_by_label("Responsible unit").select_option(label="Planby skole")
    page.get_by_label("Responsible person").select_option(label="Kari Koordinator")
    page.get_by_label("Due date").first.fill("2027-06-30")
    page.get_by_label("Budget (NOK)").fill("120000")
    page.locator("form:has(input[value=update]) button[type=submit]").click()
    expect(page.locator(".ds-alert")).to_contain_text("saved")
    expect(page.locator("main dl")).to_contain_text("Planby skole")
    expect(page.locator("main dl")).to_contain_text("Kari Koordinator")

    # Adopting without a case reference is refused; with one it works.
    page.goto(plan_url + "status/")
    page.get_by_label("New status").select_option("adopted")
    page.get_by_label("Adopted on").fill("2026-03-14")
    page.get_by_role("button", name="Save status").click()
    expect(page.locator("#id_case_reference_error")).to_be_visible()
    page.get_by_label("Council case reference").fill("2026/112")
    page.get_by_role("button", name="Save status").click()
    page.wait_for_url(plan_url)
    expect(page.locator("main dl")).to_contain_text("Adopted")

    # Coverage of the booklet: the five measures count, the rest do not.
    page.goto(plan_url + "dekning/")
    expect(page.locator("#tiltak-F7 .ds-tag")).to_have_text("Covered")
    expect(page.locator("#tiltak-F3 .ds-tag")).to_have_text("Not covered")

    # The PDF downloads.
    pdf = page.request.get(plan_url + "handlingsplan.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:4] == b"%PDF"

    # Revise: mark under revision, add a measure, compare with the adopted version.
    page.goto(plan_url + "status/")
    page.get_by_label("New status").select_option("revision")
    page.get_by_role("button", name="Save status").click()
    page.goto(plan_url + "tiltak/nytt/")
    b4 = page.locator("select[name=measure] option", has_text=re.compile(r"^B4 "))
    page.locator("select[name=measure]").select_option(b4.get_attribute("value"))
    page.get_by_role("button", name="Add to the plan").click()
    page.wait_for_url(re.compile(r"/ansatt/planer/tiltak/\d+/$"))

    page.goto(plan_url + "versjoner/")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Added measures")).to_be_visible()
    expect(page.locator("main ul").filter(has_text="B4")).to_be_visible()
