"""A coordinator runs a six-monthly review, is refused for one missing reason with a linked
error, corrects it, and then corrects the saved review; and the idle-timeout warning and the
kept form work in a real browser. The staff UI is used in English so the test reads plainly."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory, UserFactory
from vern.core.models import Role

PASSWORD = "riktig-passord-123"


def _log_in(page, user) -> None:
    page.goto("/en/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()


@pytest.fixture
def coordinator(live_server, settings, reference_data):
    settings.VERN_REQUIRE_2FA = False  # two-factor login has its own journey test
    municipality = MunicipalityFactory(number="9813", name="Gjennomgangby")
    user = UserFactory(email="koordinator@gjennomgang.example.test", full_name="Kari Koordinator")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=municipality, role=Role.COORDINATOR)
    return user


@pytest.fixture
def plan(coordinator):
    from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
    from vern.plans.models import PlanMeasure

    municipality = coordinator.memberships.get().municipality
    plan = PlanFactory(municipality=municipality, adopted=True)
    unit = UnitFactory(municipality=municipality, name="Helsestasjonen")
    PlanMeasureFactory(
        plan=plan,
        measure=catalogue("F1"),
        status=PlanMeasure.Status.IN_PROGRESS,
        responsible_unit=unit,
        due_on=date(2099, 6, 30),
    )
    PlanMeasureFactory(plan=plan, measure=catalogue("F2"), status=PlanMeasure.Status.DONE)
    f7 = PlanMeasureFactory(
        plan=plan,
        measure=catalogue("F7"),
        status=PlanMeasure.Status.NOT_STARTED,
        responsible_person=coordinator,
        start_on=date(2099, 1, 1),
    )
    return plan, f7


@pytest.mark.browser
def test_coordinator_reviews_is_refused_corrects_and_edits(new_context, coordinator, plan):
    plan, f7 = plan
    page = new_context().new_page()
    _log_in(page, coordinator)
    page.wait_for_url(re.compile(r"/ansatt/$"))

    page.goto(f"/en/ansatt/planer/{plan.pk}/gjennomgang/ny/")
    f7_box = page.locator("fieldset", has=page.locator("legend", has_text=re.compile(r"^F7 ")))
    # Each measure shows its status, owner and deadline, and starts from its status.
    expect(f7_box).to_contain_text("Not started")
    expect(f7_box).to_contain_text("Kari Koordinator")
    expect(page.locator("fieldset", has_text="Helsestasjonen")).to_contain_text("June 2099")
    expect(page.get_by_label("Started").first).to_be_checked()
    expect(f7_box.get_by_label("Started")).not_to_be_checked()

    # The coordinator says F7 has started, which its status contradicts, and gives no reason.
    f7_box.get_by_label("Started").check()
    page.get_by_role("button", name="Save review").click()

    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(1)
    why = page.locator(f"#id_item-{f7.pk}-why")
    expect(page.locator(f"#id_item-{f7.pk}-why_error")).to_be_visible()
    links.first.click()
    expect(why).to_be_focused()

    why.fill("The kick-off meeting was held in June; the status was not updated.")
    page.get_by_role("button", name="Save review").click()
    page.wait_for_url(re.compile(r"/ansatt/planer/gjennomgang/\d+/$"))
    expect(page.locator("main table")).to_contain_text("The kick-off meeting was held in June")

    # The saved review is corrected.
    page.get_by_role("link", name="Change the review").click()
    page.get_by_label("Summary").fill("Corrected after the meeting.")
    page.get_by_role("button", name="Save review").click()
    page.wait_for_url(re.compile(r"/ansatt/planer/gjennomgang/\d+/$"))
    expect(page.locator("main")).to_contain_text("Corrected after the meeting.")


@pytest.mark.browser
def test_the_idle_warning_keeps_the_session(new_context, coordinator, settings):
    settings.SESSION_COOKIE_AGE = 124  # the warning comes 120 seconds before the end
    page = new_context().new_page()
    _log_in(page, coordinator)
    page.wait_for_url(re.compile(r"/ansatt/$"))
    dialog = page.locator("#vern-session-dialog")
    expect(dialog).to_be_visible(timeout=15_000)
    with page.expect_response(lambda r: "/konto/okt/" in r.url) as answer:
        dialog.get_by_role("button", name="Stay logged in").click()
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()


@pytest.mark.browser
def test_what_was_typed_comes_back_after_the_session_ended(
    new_context, coordinator, plan, settings
):
    plan, _f7 = plan
    page = new_context().new_page()
    _log_in(page, coordinator)
    page.wait_for_url(re.compile(r"/ansatt/$"))
    page.goto(f"/en/ansatt/planer/{plan.pk}/endre/")
    page.get_by_label("Goals").fill("Fewer children living with violence.")

    # The session ends on the server (as after 30 idle minutes) before the person saves.
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.update(expire_date=timezone.now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/konto/logg-inn/"))
    page.fill("input[name=username]", coordinator.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/ansatt/planer/{plan.pk}/endre/$"))
    expect(page.locator("#vern-kept-form-notice")).to_be_visible()
    expect(page.get_by_label("Goals")).to_have_value("Fewer children living with violence.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/ansatt/planer/{plan.pk}/$"))
    plan.refresh_from_db()
    assert plan.goals == "Fewer children living with violence."
