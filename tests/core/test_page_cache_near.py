"""Stamped kept pages are also kept in the process's own memory (core/page_cache.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from tests.plans.factories import PlanFactory
from vern.core import page_cache
from vern.core.models import Municipality

pytestmark = pytest.mark.django_db


def test_a_stamped_page_seen_a_moment_ago_does_not_ask_the_shared_cache(monkeypatch):
    first = Client().get("/").content
    asked = []
    real_get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: asked.append(key) or real_get(key, *a, **k)
    )

    assert Client().get("/").content == first
    assert not [key for key in asked if key.startswith("page:front:")]


def test_the_near_copy_is_bounded_and_expires(monkeypatch, time_machine):
    near = page_cache._near
    for n in range(page_cache.NEAR_PAGES + 1):
        near.set(f"k{n}", (b"", "text/html", False))
    assert near.get("k0") is None and near.get(f"k{page_cache.NEAR_PAGES}") is not None
    page_cache.forget_near()

    noon = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    time_machine.move_to(noon, tick=False)
    Client().get("/")
    # The same day (the page's key is the same), every copy too old.
    time_machine.move_to(noon + timedelta(seconds=page_cache.NEAR_SECONDS + 1), tick=False)
    asked = []
    real_get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: asked.append(key) or real_get(key, *a, **k)
    )
    Client().get("/")
    assert [key for key in asked if key.startswith("page:front:")]  # asked again


def test_a_page_kept_by_generation_is_not_answered_from_memory_after_the_cache_is_emptied(
    time_machine,
):
    time_machine.move_to(date(2026, 5, 4), tick=False)
    oslo = Municipality.objects.get(number="0301")
    plan = PlanFactory(municipality=oslo, adopted=True, title="Første plan")
    assert "Første plan" in Client().get("/handlingsplaner/0301/").content.decode()

    cache.clear()  # a restarted cache: the plans' generation starts again at 1
    type(plan).objects.for_system(reason="test").filter(pk=plan.pk).update(title="Andre plan")
    assert "Andre plan" in Client().get("/handlingsplaner/0301/").content.decode()
