from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory, UserFactory
from vern.audit.models import AuditEntry
from vern.audit.services import log_action
from vern.core.models import Role


def _rows(response) -> str:
    """The table of entries (the filter's list of events names every event)."""
    page = response.content.decode()
    return page[page.find("<tbody>") : page.find("</tbody>")] if "<tbody>" in page else ""


def test_admin_browses_and_filters_the_log_by_action_and_person(home, admin, coordinator, login):
    log_action(actor=coordinator, action="update", code="core.unit.update", municipality=home)
    log_action(actor=admin, action="create", code="core.unit.create", municipality=home)
    client = login(admin)
    page = _rows(client.get(reverse("audit:entry_list"), {"action": "update"}))
    assert "Enhet endret" in page and "Enhet opprettet" not in page
    for who in ("coordinat", "COORDINATOR@9801"):  # part of the name, or of the address
        page = _rows(client.get(reverse("audit:entry_list"), {"person": who}))
        assert "Enhet endret" in page and "Enhet opprettet" not in page
    page = _rows(client.get(reverse("audit:entry_list"), {"code": "core.unit.create"}))
    assert "Enhet opprettet" in page and "Enhet endret" not in page


def test_codes_are_shown_by_their_names_in_each_staff_language(home, admin, login):
    log_action(actor=admin, action="update", code="core.membership.update", municipality=home)
    client = login(admin)
    pages = {}
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            pages[language] = _rows(client.get(reverse("audit:entry_list")))
    assert "Rolle endret" in pages["nb"]
    assert "Rolle endra" in pages["nn"]
    assert "Role changed" in pages["en"]
    assert all("core.membership.update" not in page for page in pages.values())


def test_log_shows_only_own_municipality(home, other, admin, outsider, login):
    log_action(actor=outsider, action="create", code="core.unit.create", municipality=other)
    page = _rows(login(admin).get(reverse("audit:entry_list"), {"person": "outsider"}))
    assert "Enhet opprettet" not in page and "Outsider" not in page


def test_bad_date_range_is_explained(home, admin, login):
    response = login(admin).get(
        reverse("audit:entry_list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert 'id="id_date_to_error"' in response.content.decode()


def test_log_is_paginated(home, admin, login):
    units = [UnitFactory(municipality=home, name=f"Enhet {i}") for i in range(60)]
    for unit in units:
        log_action(actor=admin, action="create", code="core.unit.create", target=unit)
    client = login(admin)
    first = client.get(reverse("audit:entry_list"), {"code": "core.unit.create"})
    second = client.get(reverse("audit:entry_list"), {"code": "core.unit.create", "side": 2})
    newest, oldest = (
        AuditEntry.objects.for_system("test").filter(code="core.unit.create").order_by("-id")[::59]
    )
    detail = reverse("audit:entry_detail", args=[newest.pk])
    assert f'href="{detail}"' in first.content.decode()
    assert f'href="{reverse("audit:entry_detail", args=[oldest.pk])}"' in second.content.decode()


def test_only_admins_see_the_log(reader, login):
    assert login(reader).get(reverse("audit:entry_list")).status_code == 403


def test_detail_shows_the_entry_as_a_readable_table(home, other, admin, login):
    member = UserFactory(email="mia@example.test", full_name="Mia Medlem")
    MembershipFactory(user=member, municipality=home, role=Role.READER)
    stranger = UserFactory(email="olga@example.test", full_name="Olga Utenfra")
    MembershipFactory(user=stranger, municipality=other, role=Role.READER)
    unit = UnitFactory(municipality=home, name="Heimby skole")
    entry = log_action(
        actor=admin,
        action="update",
        code="core.membership.update",
        municipality=home,
        detail={
            "before": {"role": "reader", "unit": None, "user": member.pk},
            "after": {"role": "coordinator", "unit": unit.pk, "user": stranger.pk},
            "new_account": True,
            "fields": ["name", "email"],
            "due": "2026-12-06",
            "until": "2026-12-06T13:30:00+00:00",
        },
    )
    page = login(admin).get(reverse("audit:entry_detail", args=[entry.pk])).content.decode()
    assert entry.hash in page
    for shown in (
        "Rolle endret",
        "Før",
        "Etter",
        "Leser",
        "Koordinator",
        "Heimby skole",
        "Mia Medlem (mia@example.test)",
        "noen utenfor kommunen",  # a person of another municipality is not named
        "Ja",
        "name, email",
        "6. desember 2026",
        "6. desember 2026 kl. 14:30",  # an ISO moment, in Norwegian time
    ):
        assert shown in page, shown
    assert "2026-12-06T" not in page
    assert "Olga" not in page
    assert "{&#x27;" not in page and "{'" not in page  # no Python dicts


def _login_with_password(user):
    client = Client()
    response = client.post(
        reverse("account:login"), {"username": user.email, "password": "riktig-passord-123"}
    )
    assert response.status_code == 302
    return client


def test_logins_are_in_the_log_of_each_municipality_the_person_belongs_to(
    home, other, admin, outsider, login
):
    both = UserFactory(email="begge@example.test", full_name="Bente Begge")
    MembershipFactory(user=both, municipality=home, role=Role.READER)
    MembershipFactory(user=both, municipality=other, role=Role.EDITOR)
    third = MunicipalityFactory(number="9803", name="Tredjeby")
    third_admin = UserFactory(email="tredje@example.test", full_name="Tredje Admin")
    MembershipFactory(user=third_admin, municipality=third, role=Role.ADMIN)
    _login_with_password(both)

    for viewer in (admin, outsider):
        page = _rows(login(viewer).get(reverse("audit:entry_list"), {"action": "login"}))
        assert "Bente Begge" in page and "Logget inn" in page
    page = _rows(login(third_admin).get(reverse("audit:entry_list"), {"action": "login"}))
    assert "Bente Begge" not in page


def test_a_login_before_joining_stays_out_of_the_new_municipality_s_log(home, other, admin, login):
    newcomer = UserFactory(email="ny@example.test", full_name="Nils Nykommer")
    MembershipFactory(user=newcomer, municipality=other, role=Role.READER)
    _login_with_password(newcomer)
    MembershipFactory(user=newcomer, municipality=home, role=Role.READER)
    page = _rows(login(admin).get(reverse("audit:entry_list"), {"action": "login"}))
    assert "Nils Nykommer" not in page


def test_browsing_the_log_is_one_entry_per_search(home, admin, login):
    for _ in range(60):
        log_action(actor=admin, action="create", code="core.unit.create", municipality=home)
    client = login(admin)
    url = reverse("audit:entry_list")
    client.get(url)
    client.get(url, {"side": 2})
    client.get(url)
    client.get(url, {"action": "create", "person": "admin"})
    client.get(url, {"action": "create", "person": "admin", "side": 2})
    searches = AuditEntry.objects.for_system("test").filter(code="audit.log.search").order_by("id")
    assert [entry.detail["filters"] for entry in searches] == [
        {},
        {"action": "create", "person": "admin"},
    ]
    assert not AuditEntry.objects.for_system("test").filter(code="audit.auditentry.read").exists()
    # A new session records the search again.
    login(admin).get(url)
    assert AuditEntry.objects.for_system("test").filter(code="audit.log.search").count() == 3
    # The search entry itself reads as the filters given.
    page = client.get(reverse("audit:entry_detail", args=[searches[1].pk])).content.decode()
    assert "Søkte i loggen" in page and "Oppretting" in page and "admin" in page
