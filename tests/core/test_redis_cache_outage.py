"""With Redis down, the public side stays up (core/redis_cache.py): every public page
type, the API and the PDFs are made without the cache, and a change that retires kept
pages is saved without an error. Nothing listens on port 1, so every attempt is refused."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.directory.test_public_data import build_guide
from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
from vern.core.models import Municipality
from vern.core.page_cache import forget_near
from vern.directory import poster
from vern.plans import pdf

DOWN = {
    "BACKEND": "vern.core.redis_cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": django_settings.VERN_REDIS_OPTIONS,
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": DOWN, "cards": DOWN}  # Django drops its cache objects
    forget_near()
    yield
    forget_near()


@pytest.fixture
def guide(db):
    return build_guide()


def test_public_pages_are_served_while_the_cache_is_down(guide, cache_down, monkeypatch, caplog):
    # Rendering is what is left without the cache; its cost is not what is tested.
    for module in (pdf, poster):
        monkeypatch.setattr(module, "render_pdf", lambda html: b"%PDF-test\n")
    plan = PlanFactory(municipality=Municipality.objects.get(number="0301"), adopted=True)
    PlanMeasureFactory(plan=plan, measure=catalogue("F1"))
    pages = {
        "/": None,
        "/sok/?kommune=9999&q=vold": "Krisesenteret i Prøveby",
        "/en/sok/?kommune=9999&q=violence": "Prøveby",
        "/uk/sok/?kommune=9999": "Prøveby",
        "/kommune/9999/": "Krisesenteret i Prøveby",
        f"/tjeneste/{guide.crisis_centre.pk}/": "Krisesenteret i Prøveby",
        "/handlingsplaner/": "Oslo",
        "/handlingsplaner/0301/": catalogue("F1").title_nb,
        "/handlingsplaner/0301/handlingsplan.pdf": None,
        "/kommune/9999/plakat.pdf": None,
        "/api/hsds/services?search=vold": "Krisesenteret i Prøveby",
        f"/api/hsds/services/{guide.crisis_centre.pk}": "Krisesenteret i Prøveby",
    }
    for _ in range(2):  # the second time would be read from the cache if it were up
        for path, shown in pages.items():
            response = Client().get(path)
            assert response.status_code == 200, path
            if shown is not None:
                assert shown in response.content.decode(), path
    assert "The cache (Redis) cannot be reached" in caplog.text


def test_a_change_that_retires_kept_pages_is_saved_while_the_cache_is_down(
    db, cache_down, django_capture_on_commit_callbacks
):
    plan = PlanFactory(municipality=Municipality.objects.get(number="0301"), adopted=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        PlanMeasureFactory(plan=plan, measure=catalogue("F2"))
    assert callbacks  # page_cache.bump ran, and did not fail
    assert Client().get("/handlingsplaner/0301/").status_code == 200
