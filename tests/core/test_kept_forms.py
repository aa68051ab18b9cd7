"""Nothing typed is lost when a session ends: the idle warning's keep-alive, and a form
sent after the timeout is handed back, once, to the same person after they log in again."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.plans.factories import PlanFactory
from vern.core.kept_forms import SESSION_KEY

START = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)


def _relogin(client: Client, user) -> None:
    """Log in again in the same browser (its cookies kept), with the second factor."""
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user).first()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def expired(home, coordinator, login, time_machine):
    """A coordinator's browser whose session ended while the plan's edit form was open."""
    time_machine.move_to(START, tick=False)
    plan = PlanFactory(municipality=home, title="Gammel tittel")
    client = login(coordinator)
    assert client.get(reverse("plans:plan_edit", args=[plan.pk])).status_code == 200
    time_machine.move_to(START + timedelta(minutes=31), tick=False)
    return client, plan


def _kept(html: str) -> dict | None:
    marker = 'id="vern-kept-form" type="application/json">'
    if marker not in html:
        return None
    return json.loads(html.split(marker, 1)[1].split("</script>", 1)[0])


def _send(client, plan):
    return client.post(
        reverse("plans:plan_edit", args=[plan.pk]),
        {
            "title": "Ny tittel skrevet i møtet",
            "start_year": "2026",
            "end_year": "2029",
            "goals": "Færre barn som lever med vold",
            "password": "skal-ikke-lagres",
            "csrfmiddlewaretoken": "gammelt-token",
        },
    )


def test_a_form_sent_after_the_timeout_comes_back_after_logging_in(expired, coordinator):
    client, plan = expired
    response = _send(client, plan)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:login"))
    plan.refresh_from_db()
    assert plan.title == "Gammel tittel"  # nothing saved without the person

    _relogin(client, coordinator)
    html = client.get(reverse("plans:plan_edit", args=[plan.pk])).content.decode()
    assert "kept-form.js" in html
    assert _kept(html) == {
        "title": ["Ny tittel skrevet i møtet"],
        "start_year": ["2026"],
        "end_year": ["2029"],
        "goals": ["Færre barn som lever med vold"],
    }  # no password, no CSRF token

    again = client.get(reverse("plans:plan_edit", args=[plan.pk])).content.decode()
    assert _kept(again) is None  # used once


def test_another_person_on_the_same_browser_never_gets_it(expired, admin):
    client, plan = expired
    _send(client, plan)
    assert SESSION_KEY in client.session  # kept, but for the coordinator only
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    _relogin(client, admin)
    html = client.get(reverse("plans:plan_edit", args=[plan.pk])).content.decode()
    assert _kept(html) is None
    assert SESSION_KEY not in client.session  # dropped, not kept for later


def test_kept_data_is_dropped_after_fifteen_minutes(expired, coordinator, time_machine):
    client, plan = expired
    _send(client, plan)
    assert SESSION_KEY in client.session
    time_machine.move_to(START + timedelta(minutes=31 + 16), tick=False)
    _relogin(client, coordinator)
    html = client.get(reverse("plans:plan_edit", args=[plan.pk])).content.decode()
    assert _kept(html) is None
    assert SESSION_KEY not in client.session


def test_a_browser_with_no_expired_session_keeps_nothing(home, db):
    plan = PlanFactory(municipality=home)
    client = Client()
    _send(client, plan)
    assert SESSION_KEY not in client.session


def test_the_warning_can_keep_the_session_alive(coordinator, login, time_machine):
    time_machine.move_to(START, tick=False)
    client = login(coordinator)
    url = reverse("account:keepalive")
    time_machine.move_to(START + timedelta(minutes=29), tick=False)
    assert client.post(url).status_code == 204
    time_machine.move_to(START + timedelta(minutes=29 + 29), tick=False)
    assert client.get(reverse("core:dashboard")).status_code == 200  # still signed in
    assert client.get(url).status_code == 405
    assert Client().post(url).status_code == 401


def test_staff_pages_carry_the_timeout_warning(coordinator, login):
    html = login(coordinator).get(reverse("core:dashboard")).content.decode()
    assert 'id="vern-session-dialog"' in html
    assert 'data-seconds="1800"' in html
    assert "session-timeout.js" in html
    assert reverse("account:keepalive") in html
