"""axe-core finds no accessibility violations, of any impact, on the public pages and login,
at 1280 px wide and again at 360 px (a phone), in the same page load.

The staff pages are covered by test_staff_accessibility.py."""

from __future__ import annotations

from pathlib import Path

import pytest

import vern

AXE = Path(vern.__file__).resolve().parent / "static/vendor/axe-core/axe.min.js"

PAGES = [
    "/",
    "/en/",
    "/konto/logg-inn/",
    "/en/konto/logg-inn/",
    "/trygg-pa-nett/",
    "/om/",
]


WIDTHS = (1280, 360)


def axe_violations(page) -> list[str]:
    """Run axe on the loaded page at each width in WIDTHS; one report per width that fails."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=AXE)
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        if violations:
            failures.append(f"at {width} px:\n{_describe(violations)}")
    return failures


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    target: {node['target']}")
            lines.append(f"      html: {node['html'][:200]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n        ")
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(new_context, path):
    # The site's CSP (script-src 'self') forbids the inline script that
    # add_script_tag creates; bypassing CSP is for this test tooling only.
    page = new_context(bypass_csp=True).new_page()
    response = page.goto(path)
    assert response is not None and response.status == 200
    page.evaluate("document.fonts.ready.then(() => true)")
    failures = axe_violations(page)
    assert not failures, f"axe violations on {path} " + "\n".join(failures)


@pytest.fixture
def adopted_plan(reference_data):
    from datetime import date

    from tests.factories import MunicipalityFactory, UnitFactory
    from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
    from vern.plans.models import Plan

    municipality = MunicipalityFactory(number="9813", name="Tilgjengeby")
    plan = PlanFactory(
        municipality=municipality,
        status=Plan.Status.ADOPTED,
        adopted_on=date(2026, 3, 1),
        case_reference="2026/7",
        foreword="Et forord.",
        goals="Et mål.",
    )
    unit = UnitFactory(municipality=municipality, name="Tilgjengeby skole")
    for code in ("F1", "F7", "B4"):
        PlanMeasureFactory(plan=plan, measure=catalogue(code), responsible_unit=unit)
    return municipality


@pytest.mark.browser
@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("page_path", ["/handlingsplaner/", "/handlingsplaner/9813/"])
def test_no_axe_violations_on_public_plan_pages(new_context, adopted_plan, prefix, page_path):
    path = prefix + page_path
    page = new_context(bypass_csp=True).new_page()
    response = page.goto(path)
    assert response is not None and response.status == 200
    failures = axe_violations(page)
    assert not failures, f"axe violations on {path} " + "\n".join(failures)
