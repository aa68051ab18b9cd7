"""A school contact registers a pupil who did not turn up, works the routine step by
step (a phone number in a note is refused and removed) and closes the case as reported
to the police. The staff UI is used in English so the test reads plainly."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory, UserFactory
from vern.core import calendar
from vern.core.models import Role, Unit
from vern.schools.models import NoShowCase, SchoolYear

PASSWORD = "riktig-passord-123"


@pytest.fixture
def contact_page(new_context, live_server, settings, reference_data):
    settings.VERN_REQUIRE_2FA = False  # two-factor login has its own journey test
    municipality = MunicipalityFactory(number="9813", name="Skoleby")
    school = UnitFactory(municipality=municipality, name="Bakken skole", kind=Unit.Kind.SCHOOL)
    today = timezone.localdate()
    start = calendar.add_working_days(today - timedelta(days=10), 0)
    SchoolYear.objects.create(municipality=municipality, year=start.year, starts_on=start)
    user = UserFactory(email="skole@skoleby.example.test", full_name="Sara Skolekontakt")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=municipality, role=Role.SCHOOL_CONTACT, unit=school)
    page = new_context().new_page()
    page.goto("/en/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ansatt/$"))
    return page, start


@pytest.mark.browser
def test_a_school_contact_works_a_no_show_to_a_police_report(contact_page, live_server):
    page, start = contact_page

    # From the menu to the registration form.
    page.get_by_role("link", name="School routines").first.click()
    page.wait_for_url(re.compile(r"/en/ansatt/skoler/$"))
    page.get_by_role("link", name="Register a pupil who did not turn up").click()

    # A first day before the school start is refused; the right one opens the case.
    page.get_by_label("Pupil's name").fill("Amira Eksempel")
    page.get_by_label("Class").fill("7B")
    page.get_by_label("Guardians' contact details").fill("Mother: Leila, leila@eksempel.example")
    page.get_by_label("First day absent").fill((start - timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("#id_first_day_error")).to_contain_text("before the school start")
    page.get_by_label("First day absent").fill(start.isoformat())
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(re.compile(r"/ansatt/skoler/\d+/$"))
    case_url = page.url
    expect(page.locator("main h1")).to_contain_text("Amira Eksempel")
    expect(page.locator("main ol > li")).to_have_count(3)

    # Step 1, with a phone number in the note first: refused, then fixed.
    page.get_by_role("link", name=re.compile(r"^Record this step")).click()
    page.get_by_label("What was done, and the result").fill("Called the mother on 900 12 345.")
    page.get_by_role("button", name="Record the step").click()
    expect(page.locator("#id_outcome_error")).to_contain_text("phone number")
    page.get_by_label("What was done, and the result").fill("Called the mother, no answer.")
    page.get_by_role("button", name="Record the step").click()
    page.wait_for_url(case_url)
    expect(page.locator(".ds-alert")).to_contain_text("The step was recorded")

    # Steps 2 and 3.
    for note in (
        "No move in the population register; the previous school knows nothing.",
        "With the principal: report to the police, as nobody can find the pupil.",
    ):
        page.get_by_role("link", name=re.compile(r"^Record this step")).click()
        page.get_by_label("What was done, and the result").fill(note)
        page.get_by_role("button", name="Record the step").click()
        page.wait_for_url(case_url)
    expect(page.get_by_role("link", name=re.compile(r"^Record this step"))).to_have_count(0)

    # Closing as reported without a date is refused; with the police date it closes.
    page.get_by_role("link", name="Close the case").click()
    page.get_by_label("Unresolved: reported to child welfare and/or the police").check()
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator("#id_police_reported_on_error")).to_be_visible()
    page.get_by_label("Reported to the police on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Close the case").click()
    page.wait_for_url(case_url)
    expect(page.locator("main")).to_contain_text("Reported to the police on")
    expect(page.get_by_role("link", name="Close the case")).to_have_count(0)

    case = NoShowCase.objects.for_system("test").get()
    assert case.closing_reason == "reported"
    assert case.police_reported_on == timezone.localdate()
    assert case.records.count() == 3
