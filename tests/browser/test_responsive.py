"""The public home fits a 320 px wide screen (WCAG 1.4.10 Reflow)."""

from __future__ import annotations

import pytest


@pytest.mark.browser
def test_home_has_no_horizontal_scroll_at_320px(new_context):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto("/")
    page.evaluate("document.fonts.ready.then(() => true)")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320, f"the page is {scroll_width}px wide at a 320px viewport"
