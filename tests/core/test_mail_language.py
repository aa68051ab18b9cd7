"""The language a person reads the staff pages in becomes the language of their mail."""

from vern.core.models import User


def test_reading_the_staff_pages_in_english_sets_the_mail_language(coordinator, login):
    client = login(coordinator)
    assert client.get("/en/ansatt/").status_code == 200
    assert User.objects.get(pk=coordinator.pk).language == "en"
    assert client.get("/nn/ansatt/").status_code == 200
    assert User.objects.get(pk=coordinator.pk).language == "nn"
    assert client.get("/ansatt/").status_code == 200
    assert User.objects.get(pk=coordinator.pk).language == "nb"


def test_public_pages_and_public_only_languages_change_nothing(coordinator, login):
    client = login(coordinator)
    client.get("/en/")  # a public page, in a staff language
    client.get("/ar/ansatt/")  # staff pages are not offered in Arabic: redirected to bokmål
    assert User.objects.get(pk=coordinator.pk).language == ""
