"""The service form's "add a row" buttons work in a browser without JavaScript:
the form comes back with one more row and everything typed, and saving keeps it all."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_stale_edit import PASSWORD, _logged_in
from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from vern.core.models import Role
from vern.directory.models import Service


@pytest.mark.browser
def test_rows_are_added_without_javascript_and_saved_with_the_rest(
    new_context, live_server, settings, transactional_db
):
    settings.VERN_REQUIRE_2FA = False  # two-factor login has its own journey test
    municipality = MunicipalityFactory(number="9814", name="Radby")
    organization = OrganizationFactory(owner=municipality, name="Radby krisesenter")
    service = ServiceFactory(
        owner=municipality, organization=organization, name="Krisesenteret i Radby"
    )
    user = UserFactory(email="kari@radby.example.test", full_name="Kari Koordinator")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=municipality, role=Role.COORDINATOR)
    page = _logged_in(lambda: new_context(java_script_enabled=False), user)

    page.goto(f"/ansatt/tjenester/{service.pk}/endre/")
    page.fill("textarea[name=description]", "Trygt sted å bo, skrevet før ny rad.")
    page.fill("input[name=phones-0-number]", "22 00 00 00")
    page.get_by_role("checkbox", name="Somali").check()
    page.get_by_role("button", name="Legg til telefonnummer").click()

    expect(page.locator("input[name=phones-1-number]")).to_be_focused()
    expect(page.locator("textarea[name=description]")).to_have_value(
        "Trygt sted å bo, skrevet før ny rad."
    )
    expect(page.locator("input[name=phones-0-number]")).to_have_value("22 00 00 00")
    expect(page.get_by_role("checkbox", name="Somali")).to_be_checked()
    expect(page.locator(".ds-validation-message")).to_have_count(0)
    assert Service.objects.get(pk=service.pk).description != (
        "Trygt sted å bo, skrevet før ny rad."
    )

    page.fill("input[name=phones-1-number]", "116 006")
    page.get_by_role("button", name="Legg til åpningstid").click()
    page.select_option("select[name=schedules-1-weekday]", "2")
    page.fill("input[name=schedules-1-opens_at]", "09:00")
    page.fill("input[name=schedules-1-closes_at]", "15:00")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("h1")).to_have_text("Krisesenteret i Radby")

    saved = Service.objects.get(pk=service.pk)
    assert saved.description == "Trygt sted å bo, skrevet før ny rad."
    assert sorted(saved.phones.values_list("number", flat=True)) == ["116 006", "22 00 00 00"]
    assert list(saved.schedules.values_list("weekday", flat=True)) == [2]
    assert list(saved.languages.values_list("code", flat=True)) == ["so"]


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False])
def test_enter_in_a_text_field_saves_the_form(
    new_context, live_server, settings, transactional_db, javascript
):
    settings.VERN_REQUIRE_2FA = False
    municipality = MunicipalityFactory(number="9815", name="Enterby")
    organization = OrganizationFactory(owner=municipality, name="Enterby krisesenter")
    service = ServiceFactory(owner=municipality, organization=organization, name="Tilbudet")
    user = UserFactory(email="kari@enterby.example.test", full_name="Kari Koordinator")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=municipality, role=Role.COORDINATOR)
    page = _logged_in(lambda: new_context(java_script_enabled=javascript), user)

    page.goto(f"/ansatt/tjenester/{service.pk}/endre/")
    rows_before = page.locator("input[name$=-number]").count()
    page.fill("input[name=name]", "Tilbudet i Enterby")
    page.press("input[name=name]", "Enter")

    # Saved and back on the entry's page, not the form with one more phone row.
    expect(page.locator("h1")).to_have_text("Tilbudet i Enterby")
    assert f"/ansatt/tjenester/{service.pk}/" in page.url and "endre" not in page.url
    assert Service.objects.get(pk=service.pk).name == "Tilbudet i Enterby"
    assert rows_before >= 1
