"""axe-core finds no accessibility violations, of any impact, on the public pages and login."""

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
    page.add_script_tag(path=AXE)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    assert violations == [], f"axe violations on {path}:\n{_describe(violations)}"
