"""A case worker opens a pathway, records consent, assesses the six need areas, refers to
a directory service and sees the deadline; the coordinator then sees the pathway on the
dashboard. In bokmål, as the staff use it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.directory.factories import ServiceFactory
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from vern.core.models import Role
from vern.pathways.models import Pathway

PASSWORD = "riktig-passord-123"


def _log_in(page, user) -> None:
    page.goto("/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()


def _user(municipality, role, email, name):
    user = UserFactory(email=email, full_name=name)
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def people(live_server, settings, reference_data):
    settings.VERN_REQUIRE_2FA = False  # two-factor login has its own journey test
    municipality = MunicipalityFactory(number="9814", name="Forløpby")
    worker = _user(municipality, Role.CASE_WORKER, "siri@forlop.example.test", "Siri Saksbehandler")
    coordinator = _user(
        municipality, Role.COORDINATOR, "kari@forlop.example.test", "Kari Koordinator"
    )
    ServiceFactory(owner=municipality, name="Advokatvakten i Forløpby", referral="required")
    return worker, coordinator


def test_a_case_worker_runs_a_pathway_and_the_coordinator_sees_it(people, new_context):
    worker, coordinator = people
    page = new_context().new_page()
    _log_in(page, worker)
    page.goto("/ansatt/forlop/nytt/")
    page.get_by_label("Person utsatt for vold").check()
    page.get_by_label("Journalnummer").fill("2026/555")
    page.get_by_role("button", name="Åpne forløpet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Forløp ")
    number = Pathway.objects.for_system(reason="test").get(journal_number="2026/555").number

    page.get_by_role("link", name="Registrer samtykke").click()
    page.get_by_label("Juridisk bistand").check()
    page.get_by_label("Behovene som er vurdert, kan deles med disse tjenestene").check()
    page.get_by_role("button", name="Registrer samtykke").click()
    expect(page.get_by_text("Samtykket er registrert.")).to_be_visible()

    page.get_by_role("link", name="Vurder behovene").click()
    answers = {
        "health": "not_needed",
        "social": "not_needed",
        "economic": "declined",
        "legal": "needed",
        "housing": "not_needed",
        "protection": "needed",
    }
    for area, value in answers.items():
        page.locator(f"input[name='{area}-assessment'][value='{value}']").check()
    page.get_by_role("button", name="Lagre vurderingene").click()
    expect(page.get_by_text("Vurderinger lagret: 6.")).to_be_visible()

    page.get_by_role("link", name="Henvis til en tjeneste").click()
    page.get_by_label("Behovsområde").select_option("legal")
    service = page.get_by_label("Tjeneste")
    service.select_option(index=1)
    page.get_by_role("button", name="Henvis").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Henvisning til Advokatvakten")
    expect(page.get_by_text("Henvisningsbrevet som PDF")).to_be_visible()

    page.get_by_role("link", name=f"Forløp {number}").click()
    deadlines = page.get_by_role("region", name="Tabell: Frister")
    expect(deadlines).to_contain_text(f"Sett i gang hjelp ({number})")
    expect(deadlines).to_contain_text("Utført")

    coordinator_page = new_context().new_page()
    _log_in(coordinator_page, coordinator)
    coordinator_page.goto("/ansatt/forlop/oversikt/")
    expect(coordinator_page.get_by_role("heading", level=1)).to_have_text("Koordinatorens oversikt")
    expect(
        coordinator_page.get_by_role("region", name="Tabell: Nyeste åpne forløp")
    ).to_contain_text(number)
    expect(
        coordinator_page.get_by_role("region", name="Tabell: Åpne forløp etter fase")
    ).to_contain_text("Gir hjelp")
