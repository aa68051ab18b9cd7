"""The quick exit leaves for yr.no, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import EXIT_URL

LEFT = re.compile(r"^https://www\.yr\.no")


@pytest.mark.browser
def test_exit_button_replaces_the_page_in_history(page, live_server):
    page.goto("/")
    page.goto("/trygg-pa-nett/")
    page.click("a.vern-exit-button")
    page.wait_for_url(LEFT)
    expect(page.locator("body")).to_have_text("yr")

    # location.replace: the page left is not in the history, the one before it is.
    page.go_back()
    page.wait_for_url(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/"


@pytest.mark.browser
def test_three_shift_presses_leave_and_are_announced(page):
    page.goto("/")
    status = page.locator("[data-vern-exit-status]")
    expect(status).to_have_text("")

    page.keyboard.press("Shift")
    expect(status).not_to_have_text("")
    assert status.inner_text().strip()

    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_url(LEFT)


@pytest.mark.browser
def test_exit_button_is_a_real_link_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/trygg-pa-nett/")
    button = page.locator("a.vern-exit-button")
    assert button.get_attribute("href") == EXIT_URL
    button.click()
    page.wait_for_url(LEFT)
    expect(page.locator("body")).to_have_text("yr")
