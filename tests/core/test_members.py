from django.core import mail
from django.urls import reverse

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from vern.audit.models import AuditEntry
from vern.core.models import Membership, Role


def test_admin_invites_a_new_person_who_gets_a_link(
    home, admin, login, django_capture_on_commit_callbacks
):
    unit = UnitFactory(municipality=home)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post(
            reverse("core:member_invite"),
            {
                "full_name": "Nina Ny",
                "email": "Nina@Example.test",
                "role": "case_worker",
                "unit": unit.pk,
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nina@example.test")
    assert (membership.role, membership.unit, membership.municipality) == (
        "case_worker",
        unit,
        home,
    )
    assert not membership.user.has_usable_password()
    assert len(mail.outbox) == 1
    assert "/konto/nytt-passord/" in mail.outbox[0].body


def test_invite_refuses_a_unit_of_another_municipality(home, other, admin, login):
    foreign = UnitFactory(municipality=other)
    response = login(admin).post(
        reverse("core:member_invite"),
        {"full_name": "X", "email": "x@example.test", "role": "reader", "unit": foreign.pk},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user__email="x@example.test").exists()


def test_invite_of_existing_role_is_refused(home, admin, login):
    response = login(admin).post(
        reverse("core:member_invite"),
        {"full_name": "Admin", "email": admin.email, "role": "admin"},
    )
    assert "har allerede" in response.content.decode()


def test_role_can_be_changed_and_is_audited(home, admin, login):
    membership = MembershipFactory(municipality=home, role=Role.READER)
    login(admin).post(reverse("core:member_detail", args=[membership.pk]), {"role": "coordinator"})
    membership.refresh_from_db()
    assert membership.role == "coordinator"
    entry = AuditEntry.objects.get(code="core.membership.update")
    assert entry.detail["before"]["role"] == "reader"


def test_the_last_admin_cannot_be_removed(home, admin, login):
    own = Membership.objects.get(user=admin, municipality=home)
    client = login(admin)
    client.post(reverse("core:member_remove", args=[own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()
    response = client.post(reverse("core:member_detail", args=[own.pk]), {"role": "reader"})
    assert "minst én administrator" in response.content.decode()


def test_a_role_can_be_removed_after_confirmation(home, admin, login):
    membership = MembershipFactory(municipality=home, role=Role.READER, user=UserFactory())
    client = login(admin)
    assert client.get(reverse("core:member_remove", args=[membership.pk])).status_code == 200
    client.post(reverse("core:member_remove", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_non_admin_cannot_see_members(reader, login):
    assert login(reader).get(reverse("core:member_list")).status_code == 403
