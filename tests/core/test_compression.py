"""Public pages leave compressed; nothing that carries a secret does (BREACH)."""

from __future__ import annotations

import gzip

import pytest

from tests.directory.factories import ServiceFactory

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_a_public_service_page_is_sent_compressed(client, home):
    service = ServiceFactory(owner=home)
    plain = client.get(f"/tjeneste/{service.pk}/")

    response = client.get(f"/tjeneste/{service.pk}/", **GZIP)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content) == plain.content
    assert service.name in plain.content.decode()
    assert len(response.content) < len(plain.content) / 2


def test_a_client_that_does_not_ask_for_gzip_gets_plain_html(client, home):
    response = client.get("/sok/", {"q": "vold"})

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_a_public_form_with_a_csrf_token_is_not_compressed(client, home):
    service = ServiceFactory(owner=home)

    response = client.get(f"/tjeneste/{service.pk}/meld-feil/", **GZIP)

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_a_staff_page_is_never_compressed(home, coordinator, login):
    client = login(coordinator)

    response = client.get("/ansatt/", **GZIP)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_the_login_page_with_its_token_is_not_compressed(client):
    response = client.get("/konto/logg-inn/", **GZIP)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_a_results_page_made_for_the_request_is_compressed_whole(client, home):
    ServiceFactory(owner=home, name="Krisesenteret i Heimby", description="Vold i nære relasjoner.")
    plain = client.get("/sok/", {"q": "vold", "kommune": home.number})

    response = client.get("/sok/", {"q": "vold", "kommune": home.number}, **GZIP)

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)
    assert gzip.decompress(response.content) == plain.content
    assert "Krisesenteret i Heimby" in plain.content.decode()
    assert len(response.content) < len(plain.content) / 3
