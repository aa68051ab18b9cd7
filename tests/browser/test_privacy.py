"""The public site sets no cookies and loads nothing from other hosts."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

PUBLIC_PAGES = ["/", "/en/", "/trygg-pa-nett/", "/om/"]


@pytest.mark.browser
def test_public_pages_set_no_cookies_and_stay_on_the_site(new_context, live_server):
    context = new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()

    for path in PUBLIC_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")

    assert context.cookies() == []

    own = urlsplit(live_server.url).netloc
    assert any(urlsplit(url).netloc == own for url in requested)
    elsewhere = [
        url
        for url in requested
        if urlsplit(url).scheme not in {"data", "blob"}
        and urlsplit(url).netloc != own
        and not url.startswith("https://www.yr.no/")
    ]
    assert elsewhere == []
