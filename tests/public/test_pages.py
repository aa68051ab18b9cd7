import re

import pytest
from django.test import Client

PUBLIC_PAGES = ["/", "/trygg-pa-nett/", "/om/", "/en/", "/nn/", "/en/trygg-pa-nett/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_sets_no_cookie_and_has_quick_exit(db, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert response.cookies == {}
    html = response.content.decode()
    # A real link, so the exit works with JavaScript off; first link in the page.
    links = re.findall(r'<a [^>]*href="([^"]+)"', html)
    assert links[0] == "https://www.yr.no/"
    assert 'class="ds-button vern-exit-button"' in html
    assert "/trygg-pa-nett/" in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_loads_nothing_from_other_hosts(db, path):
    html = Client().get(path).content.decode()
    for attr in re.findall(r'(?:src|href)="([^"]+)"', html):
        if attr.startswith(("http://", "https://", "//")):
            assert attr == "https://www.yr.no/", f"{path} refers to {attr}"
    assert "<script>" not in html  # no inline script (CSP)
    assert "style=" not in html  # no inline style (CSP)


def test_home_lists_emergency_numbers_as_tap_to_call(db):
    html = Client().get("/").content.decode()
    for number in ("112", "113", "110", "116111", "116006", "116117"):
        assert f'href="tel:{number}"' in html


def test_language_follows_the_url_prefix(db):
    assert 'lang="nb"' in Client().get("/").content.decode()
    english = Client().get("/en/").content.decode()
    assert 'lang="en"' in english
    assert "Leave the page" in english
    assert 'lang="nn"' in Client().get("/nn/").content.decode()


def test_language_switcher_links_to_the_same_page(db):
    html = Client().get("/trygg-pa-nett/").content.decode()
    assert 'href="/en/trygg-pa-nett/"' in html
    assert 'href="/nn/trygg-pa-nett/"' in html


def test_security_headers(db):
    response = Client().get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "no-referrer"


def test_login_and_staff_pages_send_same_origin_referrers(db):
    # Under no-referrer browsers post forms with "Origin: null", which fails CSRF.
    assert Client().get("/konto/logg-inn/")["Referrer-Policy"] == "same-origin"
    assert Client().get("/en/konto/logg-inn/")["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_a_friendly_404_with_quick_exit(db):
    response = Client().get("/finnes-ikke/")
    assert response.status_code == 404
    assert "vern-exit-button" in response.content.decode()


def test_demo_banner_only_in_demo_mode(db, settings):
    assert "vern-demo-banner" not in Client().get("/").content.decode()
    settings.VERN_DEMO = True
    assert "vern-demo-banner" in Client().get("/").content.decode()


def test_a_failed_csrf_check_gets_a_friendly_page_with_quick_exit(db):
    from django.test import RequestFactory

    from vern.public.views import csrf_failure

    response = csrf_failure(RequestFactory().post("/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert "vern-exit-button" in response.content.decode()


def test_the_front_page_is_kept_per_language_and_a_municipality_search_is_not(db, monkeypatch):
    from vern.public import views

    first = Client().get("/").content
    english = Client().get("/en/").content
    made = []
    monkeypatch.setattr(views, "render", lambda *args, **kwargs: made.append(args) or 1 / 0)

    assert Client().get("/").content == first  # kept: not made again
    assert Client().get("/en/").content == english
    assert english != first
    assert made == []
    with pytest.raises(ZeroDivisionError):  # a municipality asked for is always answered anew
        Client().get("/?kommune=Heimby")
    assert len(made) == 1
