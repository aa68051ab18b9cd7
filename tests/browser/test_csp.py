"""The public pages run under the site's Content Security Policy without a
single violation: everything they load, the design system's icons included,
comes from the site itself."""

from __future__ import annotations

import importlib

import pytest


@pytest.fixture
def demo(reference_data):
    """The demo, on top of the reference data the data migrations load
    (flushed by earlier transactional tests)."""
    from django.apps import apps

    from vern.core.demo import load_demo
    from vern.directory.models import Service, TaxonomyTerm

    if not TaxonomyTerm.objects.exists():
        importlib.import_module("vern.directory.migrations.0003_taxonomies").load(apps, None)
    if not Service.objects.filter(is_national=True).exists():
        importlib.import_module("vern.directory.migrations.0004_national_services").load(apps, None)
    load_demo(password="demo-passord-1")


def _public_pages() -> list[str]:
    from vern.core.demo import DEMO_NUMBER
    from vern.directory.models import Service

    service = Service.objects.filter(owner__number=DEMO_NUMBER).order_by("name").first()
    return [
        "/",
        "/?kommune=Atlantis",
        "/trygg-pa-nett/",
        "/om/",
        f"/kommune/{DEMO_NUMBER}/",
        f"/sok/?kommune={DEMO_NUMBER}&q=krisesenter",
        f"/sok/?kommune={DEMO_NUMBER}&q=qqqxyzzy",
        f"/tjeneste/{service.pk}/?kommune={DEMO_NUMBER}",
        f"/tjeneste/{service.pk}/meld-feil/",
        "/handlingsplaner/",
        f"/handlingsplaner/{DEMO_NUMBER}/",
        f"/en/kommune/{DEMO_NUMBER}/",
    ]


@pytest.mark.browser
def test_public_pages_cause_no_csp_violation_and_no_missing_file(new_context, demo):
    context = new_context()
    page = context.new_page()
    messages: list[str] = []
    failed: list[str] = []
    icons: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on(
        "request",
        lambda request: (
            icons.append(request.url) if "/designsystemet/icons/" in request.url else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    for path in _public_pages():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        # Open every disclosure, so icons shown only when open are drawn too.
        for summary in page.locator("details > summary").all():
            summary.click()
        if path.endswith("meld-feil/"):
            # An empty report shows the validation message and its icon.
            page.locator("form[method=post] [type=submit]").first.click()
            page.wait_for_load_state("networkidle")
        page.wait_for_timeout(100)
        violations = [m for m in messages if "Content Security Policy" in m]
        assert violations == [], f"{path}:\n" + "\n".join(violations)
    assert failed == []
    # The icons are drawn, from the site's own files.
    assert icons
