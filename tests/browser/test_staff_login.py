"""A new administrator logs in, enrols an authenticator app, sees the dashboard, logs out."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from vern.core.models import Role

PASSWORD = "riktig-passord-123"


@pytest.mark.browser
def test_login_with_two_factor_enrolment_and_logout(page, live_server):
    municipality = MunicipalityFactory(number="9811", name="Nettleserby")
    user = UserFactory(email="admin@nettleserby.example.test", full_name="Ada Admin")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=municipality, role=Role.ADMIN)

    page.goto("/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/konto/tofaktor/"))
    expect(page.locator(".vern-qr svg")).to_be_visible()
    expect(page.locator(".vern-secret")).not_to_have_text("")

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("input[name=token]", f"{code:06d}")
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/ansatt/")
    expect(page.locator("main h1")).to_contain_text("Nettleserby")
    assert TOTPDevice.objects.get(pk=device.pk).confirmed

    page.locator("form.vern-logout button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/konto/logg-inn/")
    expect(page.locator("input[name=username]")).to_be_visible()
