"""The duty guide in a browser: a teacher's journey with JavaScript off, and axe on every
kind of page of the guide."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser


def test_a_teacher_who_suspects_a_pupil_is_beaten_at_home_gets_both_duties(new_context):
    """JavaScript off: every step is a link to its own page."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/pliktveileder/")
    page.get_by_role("link", name="Ansatt i skole, SFO eller barnehage").click()
    assert page.url.endswith("/pliktveileder/skole/")
    page.get_by_role("link", name="Vold, trusler eller annen mishandling").click()
    page.get_by_role("link", name="Ja", exact=True).click()
    page.get_by_role("link", name="Nei", exact=True).click()
    assert page.url.endswith("/pliktveileder/skole/vold/ja/nei/")
    duty_to_inform = page.get_by_role("article").filter(
        has_text="Opplysningsplikt til barnevernstjenesten"
    )
    assert duty_to_inform.get_by_role("link", name="barnevernsloven § 13-2").count() == 1
    duty_to_avert = page.get_by_role("article").filter(
        has_text="Avvergingsplikten gjelder for alle"
    )
    assert duty_to_avert.get_by_role("link", name="straffeloven § 196").count() == 1
    assert page.get_by_text("veiledning, ikke juridisk rådgivning").count() == 1
    # The browser keeps nothing from the visit.
    assert page.context.cookies() == []
    # Changing an earlier answer goes back to that question.
    page.get_by_role("link", name="Hvem er du?").click()
    assert page.url.endswith("/pliktveileder/")


@pytest.mark.parametrize(
    "path",
    [
        "/pliktveileder/",
        "/pliktveileder/skole/vold/",
        "/pliktveileder/skole/vold/ja/ja/",
        "/en/pliktveileder/helse/uro/vet-ikke/nei/",
        "/ar/pliktveileder/",
        "/ar/pliktveileder/frivillig/",
        "/ar/pliktveileder/skole/vold/ja/ja/",
        "/uk/pliktveileder/",
        "/uk/pliktveileder/helse/tvang/vet-ikke/nei/",
        "/forebygging/programmer/",
        "/ar/forebygging/programmer/",
    ],
)
def test_no_axe_violations_in_the_duty_guide(new_context, path):
    page = new_context(bypass_csp=True).new_page()
    response = page.goto(path)
    assert response is not None and response.status == 200
    failures = axe_violations(page)
    assert not failures, f"axe violations on {path} " + "\n".join(failures)


def test_the_arabic_guide_reads_right_to_left_in_arabic(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/ar/pliktveileder/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "من أنت؟"
    assert heading.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # Machine-assisted: the notice links to the same step in bokmål.
    page.get_by_role("link", name="اقرأ هذه الخطوة باللغة النرويجية (بوكمول)").click()
    assert page.url.endswith("/pliktveileder/") and "/ar/" not in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Hvem er du?"
