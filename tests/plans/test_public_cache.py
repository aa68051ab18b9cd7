"""Public plan pages kept whole until what they show changes (core/page_cache.py)."""

from __future__ import annotations

import gzip
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.plans.factories import PlanFactory
from vern.core.models import Municipality
from vern.plans import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day(clock):
    return clock(date(2026, 5, 4))


@pytest.fixture
def plan(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return PlanFactory(municipality=Municipality.objects.get(number="0301"), adopted=True)


def get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


def test_a_kept_plan_page_costs_no_query(client, plan):
    first, asked = get(client, "/handlingsplaner/0301/")
    again, asked_again = get(client, "/handlingsplaner/0301/")

    assert asked > 0
    assert asked_again == 0
    assert again.content == first.content


def test_a_kept_page_is_sent_compressed_to_browsers_that_accept_it(client, plan):
    first, _ = get(client, "/handlingsplaner/0301/")
    with CaptureQueriesContext(connection) as queries:
        packed = client.get("/handlingsplaner/0301/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    plain, _ = get(client, "/handlingsplaner/0301/")

    assert len(queries) == 0  # kept, not made again
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == first.content
    assert len(packed.content) < len(first.content) / 2
    assert not plain.has_header("Content-Encoding")
    assert plain.content == first.content


def test_a_first_visit_is_sent_as_kept_compressed_once(client, plan):
    first = client.get("/handlingsplaner/0301/", HTTP_ACCEPT_ENCODING="gzip")
    again = client.get("/handlingsplaner/0301/", HTTP_ACCEPT_ENCODING="gzip")

    assert first["Content-Encoding"] == "gzip" and "Accept-Encoding" in first["Vary"]
    html = gzip.decompress(first.content)
    assert html.lstrip().lower().startswith(b"<!doctype html>")  # one layer, not two
    assert first.content == again.content  # the very bytes that were kept


def test_a_change_to_the_plan_retires_the_kept_page(
    client, plan, coordinator, django_capture_on_commit_callbacks
):
    get(client, "/handlingsplaner/0301/")
    get(client, "/handlingsplaner/")

    with django_capture_on_commit_callbacks(execute=True):
        services.plan_update(plan=plan, actor=coordinator, title="Ny tittel på planen")

    page, _ = get(client, "/handlingsplaner/0301/")
    _, overview_asked = get(client, "/handlingsplaner/")
    assert "Ny tittel på planen" in page.content.decode()
    assert overview_asked > 0, "the overview was served from before the change"


def test_each_language_and_sort_order_is_kept_apart(client, plan):
    norwegian, _ = get(client, "/handlingsplaner/")
    english, _ = get(client, "/en/handlingsplaner/")
    by_county, _ = get(client, "/handlingsplaner/?sorter=fylke")

    assert 'lang="nb"' in norwegian.content.decode()
    assert 'lang="en"' in english.content.decode()
    assert by_county.content != norwegian.content


def test_a_visitor_with_a_session_is_never_served_a_kept_page(client, plan):
    get(client, "/handlingsplaner/0301/")
    client.cookies["sessionid"] = "someone"

    _, asked = get(client, "/handlingsplaner/0301/")

    assert asked > 0


def test_a_kept_page_and_its_generation_are_read_in_one_round_trip(client, plan, monkeypatch):
    from vern.core import page_cache

    get(client, "/handlingsplaner/0301/")
    calls, inside = [], []

    def counted(name, original):
        def call(*args, **kwargs):
            if not inside:  # a backend's get_many may call its own get
                calls.append(name)
            inside.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                inside.pop()

        return call

    for name in ("get", "get_many", "add", "set", "incr"):
        monkeypatch.setattr(page_cache.cache, name, counted(name, getattr(page_cache.cache, name)))

    _, asked = get(client, "/handlingsplaner/0301/")

    assert (asked, calls) == (0, ["get_many"])


def test_a_page_made_before_a_bump_is_made_again_though_still_in_the_cache(client, plan):
    from vern.core import page_cache

    first, _ = get(client, "/handlingsplaner/0301/")
    page_cache.cache.incr(page_cache._generation_key("plans"))  # as a bump in another process

    again, asked = get(client, "/handlingsplaner/0301/")
    _, asked_after = get(client, "/handlingsplaner/0301/")

    assert asked > 0  # made again, not served from before the bump
    assert again.content == first.content  # nothing on the page changed
    assert asked_after == 0  # and kept for the new generation


def test_a_lost_generation_starts_afresh_so_no_page_kept_before_matches_it(client, plan):
    from vern.core import page_cache

    key = page_cache._generation_key("plans")
    page_cache.cache.delete(key)  # the cache was emptied: the generation starts again
    get(client, "/handlingsplaner/0301/")  # kept, with the generation it was made in
    page_cache.cache.delete(key)  # evicted, while the page stayed
    type(plan).objects.for_system(reason="test").filter(pk=plan.pk).update(title="Ny tittel")

    page, asked = get(client, "/handlingsplaner/0301/")

    assert asked > 0
    assert "Ny tittel" in page.content.decode()
