"""Record access lists, break-the-glass and reason_required pages (core/record_access.py),
through the test app's views (tests/kernel_app/)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.kernel_app.models import Case
from vern.audit.models import AuditEntry
from vern.core.models import RecordAccess, Role
from vern.core.record_access import access_grant, access_revoke, record_openers

REASON = "Oppfølging etter melding fra legevakten"


@pytest.fixture(autouse=True)
def kernel_urls(settings):
    settings.ROOT_URLCONF = "tests.kernel_app.urls"


@pytest.fixture
def case(home):
    return Case.objects.create(
        municipality=home, unit=UnitFactory(municipality=home), title="Sak om Ola"
    )


@pytest.fixture
def assigned(home, case, admin):
    user = UserFactory(email="tildelt@example.test", full_name="Tilde Tildelt")
    MembershipFactory(user=user, municipality=home, role=Role.CASE_WORKER)
    access_grant(record=case, user=user, kind=RecordAccess.Kind.RESPONSIBLE, actor=admin)
    return user


def _url(case, name="kernel:case_detail"):
    return reverse(name, args=[case.pk])


def _reason_url(case):
    return (
        reverse("core:state_reason")
        + "?"
        + f"neste={_url(case)}&for=record:kernel_app.case:{case.pk}"
    )


def test_an_assigned_person_opens_the_record(case, assigned, login):
    response = login(assigned).get(_url(case))
    assert response.status_code == 200 and b"Sak om Ola" in response.content
    entry = AuditEntry.objects.get(code="kernel_app.case.read", actor=assigned)
    assert (entry.object_type, entry.object_id, entry.reason) == (
        "kernel_app.case",
        str(case.pk),
        "",
    )


def test_an_unassigned_case_worker_gets_404(case, assigned, case_worker, login):
    assert login(case_worker).get(_url(case)).status_code == 404
    assert not AuditEntry.objects.filter(code="kernel_app.case.read").exists()


def test_another_municipality_gets_404_even_when_on_the_list(home, case, other, admin, login):
    stranger = UserFactory()
    MembershipFactory(user=stranger, municipality=other, role=Role.COORDINATOR)
    with pytest.raises(ValidationError):
        access_grant(record=case, user=stranger, kind="member", actor=admin)
    # Even a row put there by hand opens nothing: the record is not of their municipality.
    RecordAccess.objects.create(
        municipality=home,
        record_type="kernel_app.case",
        record_id=str(case.pk),
        user=stranger,
        kind="member",
    )
    assert login(stranger).get(_url(case)).status_code == 404


def test_an_unassigned_coordinator_is_asked_for_a_reason(case, assigned, coordinator, login):
    client = login(coordinator)
    response = client.get(_url(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:state_reason"))
    form = client.get(response["Location"])
    assert form.status_code == 200
    assert "Du er ikke tildelt denne saken" in form.content.decode()
    assert not AuditEntry.objects.filter(code="kernel_app.case.read").exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Skriv en begrunnelse før du går videre."),
        ("   ", "Skriv en begrunnelse før du går videre."),
        ("trenger", "Begrunnelsen må ha minst 10 tegn"),
    ],
)
def test_a_break_the_glass_without_a_reason_is_refused(
    case, assigned, coordinator, login, reason, message
):
    client = login(coordinator)
    response = client.post(_reason_url(case), {"reason": reason})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get(_url(case)).status_code == 302  # still no access
    assert not AuditEntry.objects.filter(code="kernel_app.case.read").exists()


def test_a_given_reason_opens_the_record_and_is_audited(case, assigned, coordinator, login):
    client = login(coordinator)
    response = client.post(_reason_url(case), {"reason": REASON})
    assert response.status_code == 302 and response["Location"] == _url(case)
    opened = client.get(_url(case))
    assert opened.status_code == 200 and b"Sak om Ola" in opened.content
    entry = AuditEntry.objects.get(code="kernel_app.case.read", actor=coordinator)
    assert entry.reason == REASON
    assert entry.detail["break_glass"] is True
    assert (entry.object_type, entry.object_id) == ("kernel_app.case", str(case.pk))


def test_who_has_opened_the_record_lists_everyone(home, case, assigned, coordinator, login):
    login(assigned).get(_url(case))
    client = login(coordinator)
    client.post(_reason_url(case), {"reason": REASON})
    client.get(_url(case))

    openers = record_openers(municipality=home, record_type="kernel_app.case", record_id=case.pk)
    assert [(o.who, o.reason, o.break_glass) for o in openers] == [
        ("Coordinator", REASON, True),
        ("Tilde Tildelt", "", False),
    ]
    page = client.get(
        reverse("core:record_openers", args=["kernel_app.case", case.pk])
    ).content.decode()
    assert "Tilde Tildelt" in page and REASON in page and "Ikke tildelt" in page


def test_who_has_opened_is_not_shown_to_case_workers(case, assigned, login):
    path = reverse("core:record_openers", args=["kernel_app.case", case.pk])
    assert login(assigned).get(path).status_code == 403


def test_who_has_opened_refuses_other_record_types(coordinator, login, home):
    client = login(coordinator)
    unit = UnitFactory(municipality=home)
    assert (
        client.get(reverse("core:record_openers", args=["core.unit", unit.pk])).status_code == 404
    )
    assert (
        client.get(reverse("core:record_openers", args=["kernel_app.case", "x"])).status_code == 404
    )


def test_the_access_expires(case, assigned, coordinator, login, time_machine, settings):
    settings.VERN_BREAK_GLASS_MINUTES = 30
    time_machine.move_to(timezone.now(), tick=False)
    client = login(coordinator)
    client.post(_reason_url(case), {"reason": REASON})
    time_machine.shift(timedelta(minutes=29))
    assert client.get(_url(case)).status_code == 200
    time_machine.shift(timedelta(minutes=2))
    assert client.get(_url(case)).status_code == 302


def test_a_reason_opens_only_the_record_it_was_given_for(home, case, assigned, coordinator, login):
    second = Case.objects.create(municipality=home, unit=case.unit, title="Annen sak")
    client = login(coordinator)
    client.post(_reason_url(case), {"reason": REASON})
    assert client.get(_url(second)).status_code == 302


def test_a_revoked_person_is_shut_out(case, assigned, admin, login):
    client = login(assigned)
    assert client.get(_url(case)).status_code == 200
    access_revoke(record=case, user=assigned, actor=admin)
    assert client.get(_url(case)).status_code == 404
    assert AuditEntry.objects.filter(code="core.recordaccess.revoke").exists()


def test_a_view_that_forgets_the_access_check_fails_closed(case, assigned, login):
    with pytest.raises(ImproperlyConfigured):
        login(assigned).get(_url(case, "kernel_mistakes:forgot_access_check"))


def test_the_reason_form_refuses_addresses_elsewhere(case, coordinator, login):
    client = login(coordinator)
    base = reverse("core:state_reason")
    for query in (
        f"neste=https://evil.example/&for=record:kernel_app.case:{case.pk}",
        f"neste=//evil.example/&for=record:kernel_app.case:{case.pk}",
        f"neste={_url(case)}&for=record:core.unit:1",
        f"neste={_url(case)}&for=page:/ansatt/",
        "",
    ):
        assert client.get(f"{base}?{query}").status_code == 404, query


# --- reason_required ---------------------------------------------------------------


def test_a_reason_required_page_asks_first_then_audits_the_reason(case, case_worker, login):
    client = login(case_worker)
    MembershipFactory(user=case_worker, municipality=case.municipality, role=Role.SCHOOL_CONTACT)
    path = _url(case, "kernel:case_contacts")
    response = client.get(path)
    assert response.status_code == 302
    form = client.get(response["Location"])
    assert "Why do you need the contact details?" in form.content.decode()
    assert not AuditEntry.objects.filter(code="kernel_app.case.read").exists()

    refused = client.post(response["Location"], {"reason": ""})
    assert "Skriv en begrunnelse før du går videre." in refused.content.decode()
    assert client.get(path).status_code == 302

    client.post(response["Location"], {"reason": "Må ringe foresatte i dag"})
    assert client.get(path).status_code == 200
    entry = AuditEntry.objects.get(code="kernel_app.case.read")
    assert entry.reason == "Må ringe foresatte i dag"
    assert "break_glass" not in entry.detail
