"""The public plan PDF under load: kept per version, rendered by one request at a
time, and limited per address (issue 15)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.core.cache import cache

from tests.plans.factories import PlanFactory
from vern.core import pdf as core_pdf
from vern.core.models import Municipality
from vern.plans import pdf, services

pytestmark = pytest.mark.django_db
PDF_URL = "/handlingsplaner/0301/handlingsplan.pdf"


@pytest.fixture(autouse=True)
def fixed_day(clock):
    return clock(date(2026, 5, 4))


@pytest.fixture
def renders(monkeypatch):
    """Every HTML the public PDF was drawn from, in order (no real rendering)."""
    drawn: list[str] = []

    def fake(html: str) -> bytes:
        drawn.append(html)
        return b"%PDF-test " + str(len(drawn)).encode()

    monkeypatch.setattr(pdf, "render_pdf", fake)
    return drawn


@pytest.fixture
def plan():
    return PlanFactory(municipality=Municipality.objects.get(number="0301"), adopted=True)


def test_the_pdf_is_rendered_once_and_again_after_the_plan_changes(
    client, plan, coordinator, renders
):
    first = client.get(PDF_URL)
    again = client.get(PDF_URL)
    assert first.status_code == again.status_code == 200
    assert len(renders) == 1
    assert again.content == first.content

    services.plan_update(plan=plan, actor=coordinator, title="Endret handlingsplan")
    changed = client.get(PDF_URL)

    assert len(renders) == 2
    assert "Endret handlingsplan" in renders[-1]
    assert changed.content != first.content


def test_an_address_that_asks_too_often_is_told_to_wait(client, plan, renders, settings):
    settings.VERN_PDF_RATE = "3/m"

    answers = [client.get(PDF_URL).status_code for _ in range(4)]
    other_address = client.get(PDF_URL, REMOTE_ADDR="192.0.2.77")

    assert answers == [200, 200, 200, 429]
    assert other_address.status_code == 200
    limited = client.get(PDF_URL)
    assert limited["Retry-After"] == "60"
    assert "Vent" in limited.content.decode()


def test_the_poster_pdf_is_limited_too(client, renders, settings, monkeypatch):
    monkeypatch.setattr("vern.directory.poster.render_pdf", lambda html: b"%PDF-poster")
    settings.VERN_PDF_RATE = "1/m"

    assert client.get("/kommune/0301/plakat.pdf").status_code == 200
    assert client.get("/kommune/0301/plakat.pdf").status_code == 429


def test_while_one_request_renders_the_others_wait_for_its_result():
    calls: list[int] = []

    def slow_render() -> bytes:
        calls.append(1)
        time.sleep(0.6)
        return b"%PDF-once"

    results: list[bytes] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(core_pdf.kept_pdf("test:pdf", slow_render, timeout=60))
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()

    assert calls == [1]
    assert results == [b"%PDF-once"] * 4
    assert cache.get("test:pdf:rendering") is None
