"""A coordinator imports a learning platform's CSV export with two bad rows, sees both
listed by line, and imports only the valid rows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.competence.factories import CourseFactory, EmployeeFactory
from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory, UserFactory
from vern.competence.models import Completion
from vern.core.models import Role

PASSWORD = "riktig-passord-123"
CSV = (
    "Ansattnummer;Navn;Kurskode;Fullført\n"
    "E0001;Åse Øvrebø;AVV-01;15.01.2026\n"
    "E0404;Ukjent Person;AVV-01;15.01.2026\n"
    "E0002;Per Hansen;AVV-01;30.02.2026\n"
    "E0002;Per Hansen;AVV-01;01.02.2026\n"
)


@pytest.mark.browser
def test_a_coordinator_imports_a_file_with_two_bad_rows(
    new_context, settings, tmp_path, reference_data
):
    settings.VERN_REQUIRE_2FA = False
    municipality = MunicipalityFactory(number="9813", name="Kursby")
    school = UnitFactory(municipality=municipality, name="Kursby skole")
    CourseFactory(municipality=municipality, code="AVV-01", title="Avvergingsplikten")
    EmployeeFactory(municipality=municipality, unit=school, employee_number="E0001")
    EmployeeFactory(municipality=municipality, unit=school, employee_number="E0002")
    user = UserFactory(email="koordinator@kursby.example.test", full_name="Kari Koordinator")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=municipality, role=Role.COORDINATOR)
    page = new_context().new_page()
    page.goto("/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ansatt/$"))

    page.get_by_role("link", name="Kompetanse").first.click()
    page.get_by_role("link", name="Importer gjennomførte kurs fra fil").first.click()
    export = tmp_path / "eksport.csv"
    export.write_bytes(CSV.encode("cp1252"))  # as Excel saves it
    page.get_by_label("CSV-fil").set_input_files(str(export))
    page.get_by_role("button", name="Last opp").click()
    expect(page.get_by_role("heading", name="Velg kolonnene")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Åse Øvrebø")  # read as Windows-1252
    page.get_by_role("button", name="Kontroller radene").click()

    problems = page.locator("#import-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("E0404")
    expect(problems.nth(0).locator("th")).to_have_text("3")
    expect(problems.nth(1)).to_contain_text("30.02.2026")
    expect(problems.nth(1).locator("th")).to_have_text("4")
    page.get_by_role("button", name="Importer bare de 2 radene uten feil").click()
    expect(page.locator(".ds-alert").first).to_contain_text("2 gjennomførte kurs importert")
    # The streamed page reported its progress; only the newest line stays in view.
    steps = page.locator(".vern-import-step")
    expect(steps).to_have_count(3)  # before the first row, after each
    expect(steps.last).to_contain_text("2 av 2 rader lagret")
    expect(steps.last).to_be_visible()
    expect(steps.first).to_be_hidden()
    assert (
        Completion.objects.for_system(reason="test")
        .filter(employee__municipality=municipality)
        .count()
        == 2
    )
