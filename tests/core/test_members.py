import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from vern.audit.models import AuditEntry
from vern.core.models import Invitation, Membership, Role


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
    membership = Membership.objects.for_system("test").get(user__email="nina@example.test")
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
    assert not Membership.objects.for_system("test").filter(user__email="x@example.test").exists()


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
    entry = AuditEntry.objects.for_system("test").get(code="core.membership.update")
    assert entry.detail["before"]["role"] == "reader"


def test_the_last_admin_cannot_be_removed(home, admin, login):
    own = Membership.objects.for_system("test").get(user=admin, municipality=home)
    client = login(admin)
    client.post(reverse("core:member_remove", args=[own.pk]))
    assert Membership.objects.for_system("test").filter(pk=own.pk).exists()
    response = client.post(reverse("core:member_detail", args=[own.pk]), {"role": "reader"})
    assert "minst én administrator" in response.content.decode()


def test_a_role_can_be_removed_after_confirmation(home, admin, login):
    membership = MembershipFactory(municipality=home, role=Role.READER, user=UserFactory())
    client = login(admin)
    assert client.get(reverse("core:member_remove", args=[membership.pk])).status_code == 200
    client.post(reverse("core:member_remove", args=[membership.pk]))
    assert not Membership.objects.for_system("test").filter(pk=membership.pk).exists()


def test_non_admin_cannot_see_members(reader, login):
    assert login(reader).get(reverse("core:member_list")).status_code == 403


def _invite(client, email, role="reader", full_name="Navn Som Admin Skrev"):
    return client.post(
        reverse("core:member_invite"), {"full_name": full_name, "email": email, "role": role}
    )


def _stranger(other):
    """Someone who works for another municipality, with a name only they have given."""
    user = UserFactory(email="olga@annenby.example.test", full_name="Olga Utenfra")
    MembershipFactory(user=user, municipality=other, role=Role.CASE_WORKER)
    return user


def test_inviting_someone_elses_user_reveals_nothing_and_sends_no_password_link(
    home, other, admin, login, django_capture_on_commit_callbacks
):
    stranger = _stranger(other)
    client = login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, " OLGA@annenby.example.test ")
    assert response.status_code == 302
    assert (
        not Membership.objects.for_system("test").filter(user=stranger, municipality=home).exists()
    )
    page = client.get(reverse("core:member_list")).content.decode()
    assert "Olga Utenfra" not in page
    assert "olga@annenby.example.test" in page  # the address the admin typed, as waiting
    stranger.refresh_from_db()
    assert stranger.full_name == "Olga Utenfra"
    assert stranger.check_password("riktig-passord-123")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["olga@annenby.example.test"]
    assert "/konto/nytt-passord/" not in body
    assert reverse("account:invitations") in body
    assert "Olga" not in body
    entry = AuditEntry.objects.for_system("test").get(code="core.invitation.create")
    assert (entry.actor, entry.municipality) == (admin, home)


def test_the_invited_person_gets_the_role_only_by_accepting_logged_in(
    home, other, admin, login, django_capture_on_commit_callbacks
):
    stranger = _stranger(other)
    unit = UnitFactory(municipality=home)
    login(admin).post(
        reverse("core:member_invite"),
        {"full_name": "X", "email": stranger.email, "role": "reader", "unit": unit.pk},
    )
    invitation = Invitation.objects.for_system("test").get(user=stranger)
    answer = reverse("account:invitation_answer", args=[invitation.pk])

    anonymous = Client()
    assert anonymous.get(reverse("account:invitations")).status_code == 302
    anonymous.post(answer, {"answer": "accept"})
    # Someone else, logged in, cannot answer it: it is not theirs.
    assert login(admin).post(answer, {"answer": "accept"}).status_code == 404
    assert (
        not Membership.objects.for_system("test").filter(user=stranger, municipality=home).exists()
    )

    theirs = login(stranger)
    page = theirs.get(reverse("account:invitations")).content.decode()
    assert "Heimby" in page
    assert theirs.get(reverse("core:dashboard")).content.decode().count("1 invitasjon venter") == 1
    response = theirs.post(answer, {"answer": "accept"})
    assert response.status_code == 302
    membership = Membership.objects.for_system("test").get(user=stranger, municipality=home)
    assert (membership.role, membership.unit) == ("reader", unit)
    assert not Invitation.objects.for_system("test").filter(pk=invitation.pk).exists()
    entry = AuditEntry.objects.for_system("test").get(code="core.invitation.accept")
    assert (entry.actor, entry.municipality, entry.detail["invited_by"]) == (
        stranger,
        home,
        admin.pk,
    )
    # Now, and only now, the municipality sees the person's own name.
    assert "Olga Utenfra" in login(admin).get(reverse("core:member_list")).content.decode()


def test_an_unverified_session_cannot_accept(home, other, admin, login, settings):
    settings.VERN_REQUIRE_2FA = True
    stranger = _stranger(other)
    _invite(login(admin), stranger.email)
    invitation = Invitation.objects.for_system("test").get(user=stranger)
    client = Client()
    client.force_login(stranger)  # password only, no second factor
    response = client.post(
        reverse("account:invitation_answer", args=[invitation.pk]), {"answer": "accept"}
    )
    assert response["Location"] == reverse("account:otp") + "?next=%2Fkonto%2Finvitasjoner%2F"
    assert (
        not Membership.objects.for_system("test").filter(user=stranger, municipality=home).exists()
    )


def test_an_invitation_can_be_declined_or_withdrawn(home, other, admin, login):
    stranger = _stranger(other)
    client = login(admin)
    _invite(client, stranger.email, role="reader")
    _invite(client, stranger.email, role="editor")
    declined, withdrawn = (
        Invitation.objects.for_system("test").filter(user=stranger).order_by("role")
    )
    assert (declined.role, withdrawn.role) == ("editor", "reader")
    theirs = login(stranger)
    theirs.post(reverse("account:invitation_answer", args=[declined.pk]), {"answer": "decline"})
    withdraw = reverse("core:invitation_withdraw", args=[withdrawn.pk])
    assert client.get(withdraw).status_code == 200
    client.post(withdraw)
    assert not Invitation.objects.for_system("test").exists()
    assert (
        not Membership.objects.for_system("test").filter(user=stranger, municipality=home).exists()
    )
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.invitation.decline", actor=stranger)
        .exists()
    )
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.invitation.withdraw", actor=admin)
        .exists()
    )


def test_a_second_invitation_to_the_same_role_is_refused(home, other, admin, login):
    stranger = _stranger(other)
    client = login(admin)
    _invite(client, stranger.email)
    response = _invite(client, stranger.email)
    assert "ikke svart" in response.content.decode()
    assert Invitation.objects.for_system("test").filter(user=stranger).count() == 1


def _invited_without_password(home, email="ny@example.test"):
    user = UserFactory(email=email, full_name="Ny Person", password=None)
    user.set_unusable_password()
    user.save()
    return MembershipFactory(user=user, municipality=home, role=Role.READER)


def test_an_admin_can_send_an_expired_invitation_again(
    home, admin, login, django_capture_on_commit_callbacks
):
    membership = _invited_without_password(home)
    client = login(admin)
    detail = client.get(reverse("core:member_detail", args=[membership.pk])).content.decode()
    resend = reverse("core:member_reinvite", args=[membership.pk])
    assert resend in detail
    confirm = client.get(resend)
    assert confirm.status_code == 200
    assert mail.outbox == []  # nothing is sent without the confirming POST
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@example.test"]
    link = re.search(r"http://testserver(/konto/nytt-passord/\S+)", mail.outbox[0].body).group(1)
    browser = Client()
    form_page = browser.get(link, follow=True)
    new = "et-helt-nytt-passord-42"
    browser.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    membership.user.refresh_from_db()
    assert membership.user.check_password(new)
    entry = AuditEntry.objects.for_system("test").get(code="core.membership.reinvite")
    assert (entry.actor, entry.municipality, entry.object_id) == (
        admin,
        home,
        str(membership.pk),
    )


def test_no_invitation_is_sent_again_to_someone_with_a_password(
    home, admin, login, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(municipality=home, role=Role.READER, user=UserFactory())
    client = login(admin)
    resend = reverse("core:member_reinvite", args=[membership.pk])
    assert (
        resend
        not in client.get(reverse("core:member_detail", args=[membership.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend)
    assert mail.outbox == []
    assert (
        not AuditEntry.objects.for_system("test").filter(code="core.membership.reinvite").exists()
    )


def test_forgotten_password_reaches_an_invited_person_without_one(
    home, django_capture_on_commit_callbacks
):
    membership = _invited_without_password(home)
    answers = []
    for email in (" NY@example.test ", "ingen@example.test"):
        answers.append(Client().post(reverse("account:password_reset"), {"email": email}))
    assert [(a.status_code, a["Location"]) for a in answers] == [
        (302, reverse("account:password_reset_done"))
    ] * 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@example.test"]
    link = re.search(r"http://testserver(/konto/nytt-passord/\S+)", mail.outbox[0].body).group(1)
    browser = Client()
    form_page = browser.get(link, follow=True)
    new = "et-helt-nytt-passord-42"
    browser.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    membership.user.refresh_from_db()
    assert membership.user.check_password(new)


def test_forgotten_password_still_ignores_deactivated_and_disabled_accounts(home):
    deactivated = _invited_without_password(home, "borte@example.test").user
    deactivated.is_active = False
    deactivated.save()
    used = _invited_without_password(home, "brukt@example.test").user
    used.last_login = used.date_joined  # logged in once; its password was taken away since
    used.save()
    for email in (deactivated.email, used.email):
        Client().post(reverse("account:password_reset"), {"email": email})
    assert mail.outbox == []


def test_the_directory_editor_invitation_reveals_nothing_either(
    home, other, admin, login, django_capture_on_commit_callbacks
):
    from tests.directory.factories import OrganizationFactory

    stranger = _stranger(other)
    organization = OrganizationFactory(owner=home, name="Heimby krisesenter")
    client = login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("directory:editor_invite", args=[organization.pk]),
            {"full_name": "X", "email": stranger.email},
        )
    assert (
        not Membership.objects.for_system("test").filter(user=stranger, municipality=home).exists()
    )
    detail = reverse("directory:organization_detail", args=[organization.pk])
    page = client.get(detail).content.decode()
    assert stranger.email in page
    assert "Olga Utenfra" not in page
    assert len(mail.outbox) == 1
    assert "/konto/nytt-passord/" not in mail.outbox[0].body

    invitation = Invitation.objects.for_system("test").get(user=stranger, municipality=home)
    login(stranger).post(
        reverse("account:invitation_answer", args=[invitation.pk]), {"answer": "accept"}
    )
    assert Membership.objects.for_system("test").filter(
        user=stranger, municipality=home, role="org_editor"
    )
    assert "Olga Utenfra" in client.get(detail).content.decode()
