"""Two people edit one service in two browsers: the one who saves second is told what
changed, loses nothing of what they wrote, and overwrites nothing until they save again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from vern.core.models import Role
from vern.directory.models import Service

PASSWORD = "riktig-passord-123"


def _logged_in(new_context, user):
    page = new_context().new_page()
    page.goto("/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ansatt/$"))
    return page


@pytest.fixture
def two_editors(new_context, live_server, settings, transactional_db):
    settings.VERN_REQUIRE_2FA = False  # two-factor login has its own journey test
    municipality = MunicipalityFactory(number="9813", name="Redigerby")
    organization = OrganizationFactory(owner=municipality, name="Redigerby krisesenter")
    service = ServiceFactory(
        owner=municipality,
        organization=organization,
        name="Krisesenteret i Redigerby",
        description="Trygt sted å bo.",
    )
    pages = []
    for email, name in (("kari@example.test", "Kari Koordinator"), ("ola@example.test", "Ola")):
        user = UserFactory(email=email, full_name=name)
        user.set_password(PASSWORD)
        user.save()
        MembershipFactory(user=user, municipality=municipality, role=Role.COORDINATOR)
        pages.append(_logged_in(new_context, user))
    return service, pages


@pytest.mark.browser
def test_the_second_save_is_refused_with_the_changes_shown_and_then_saved(two_editors):
    service, (kari, ola) = two_editors
    edit = f"/ansatt/tjenester/{service.pk}/endre/"
    kari.goto(edit)
    ola.goto(edit)

    kari.fill("textarea[name=description]", "Trygt sted å bo, også for menn.")
    kari.locator(
        "main form button[type=submit]:not([name=add_row]):not([data-default-submit])"
    ).click()
    kari.wait_for_url(re.compile(rf"/ansatt/tjenester/{service.pk}/$"))

    ola.fill("input[name=name]", "Krisesenteret for Redigerby og omegn")
    ola.locator(
        "main form button[type=submit]:not([name=add_row]):not([data-default-submit])"
    ).click()

    alert = ola.locator("#stale-version")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Noen andre lagret mens du redigerte")
    row = alert.locator("tbody tr", has_text="Hva tjenesten tilbyr")
    expect(row).to_contain_text("Trygt sted å bo.")
    expect(row).to_contain_text("Trygt sted å bo, også for menn.")
    expect(row).to_contain_text("Kari Koordinator")
    # Ola's name is still in the form; Kari's description has come into it.
    expect(ola.locator("input[name=name]")).to_have_value("Krisesenteret for Redigerby og omegn")
    expect(ola.locator("textarea[name=description]")).to_have_value(
        "Trygt sted å bo, også for menn."
    )
    saved = Service.objects.get(pk=service.pk)
    assert (saved.name, saved.description) == (
        "Krisesenteret i Redigerby",
        "Trygt sted å bo, også for menn.",
    )

    ola.locator(
        "main form button[type=submit]:not([name=add_row]):not([data-default-submit])"
    ).click()
    ola.wait_for_url(re.compile(rf"/ansatt/tjenester/{service.pk}/$"))
    saved.refresh_from_db()
    assert (saved.name, saved.description) == (
        "Krisesenteret for Redigerby og omegn",
        "Trygt sted å bo, også for menn.",
    )
