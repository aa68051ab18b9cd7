"""The language a person logs in with becomes the language of their mail."""

import pytest

from tests.factories import UserFactory
from vern.core.models import User

PASSWORD = "et-langt-passord-for-test"


@pytest.fixture
def person(home):
    from tests.factories import MembershipFactory
    from vern.core.models import Role

    user = UserFactory(email="person@heimby.test")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=home, role=Role.COORDINATOR)
    return user


@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("/nn", "nn"), ("", "nb")])
def test_logging_in_in_a_staff_language_sets_the_mail_language(client, person, prefix, language):
    response = client.post(
        f"{prefix}/konto/logg-inn/", {"username": person.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).language == language


def test_a_failed_login_and_reading_pages_change_nothing(client, person, login):
    client.post("/en/konto/logg-inn/", {"username": person.email, "password": "feil"})
    login(person).get("/en/ansatt/")
    assert User.objects.get(pk=person.pk).language == ""
