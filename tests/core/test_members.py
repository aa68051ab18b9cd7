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
                "role_case_worker": "on",
                "unit_case_worker": unit.pk,
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
    assert "/konto/invitasjon/" in mail.outbox[0].body
    assert "72" in mail.outbox[0].body


def test_invite_refuses_a_unit_of_another_municipality(home, other, admin, login):
    foreign = UnitFactory(municipality=other)
    response = login(admin).post(
        reverse("core:member_invite"),
        {
            "full_name": "X",
            "email": "x@example.test",
            "role_reader": "on",
            "unit_reader": foreign.pk,
        },
    )
    assert response.status_code == 200
    assert not Membership.objects.for_system("test").filter(user__email="x@example.test").exists()


def test_invite_of_existing_role_is_refused(home, admin, login):
    response = login(admin).post(
        reverse("core:member_invite"),
        {"full_name": "Admin", "email": admin.email, "role_admin": "on"},
    )
    assert "har allerede" in response.content.decode()


def test_role_can_be_changed_and_is_audited(home, admin, login):
    membership = MembershipFactory(municipality=home, role=Role.READER)
    login(admin).post(
        reverse("core:member_detail", args=[membership.pk]), {"role_coordinator": "on"}
    )
    roles = Membership.objects.for_system("test").filter(user=membership.user, municipality=home)
    assert list(roles.values_list("role", flat=True)) == ["coordinator"]
    removed = AuditEntry.objects.for_system("test").get(code="core.membership.delete")
    given = AuditEntry.objects.for_system("test").get(code="core.membership.create")
    assert (removed.detail["role"], given.detail["role"]) == ("reader", "coordinator")


def test_the_last_admin_cannot_be_removed(home, admin, login):
    own = Membership.objects.for_system("test").get(user=admin, municipality=home)
    client = login(admin)
    client.post(reverse("core:member_remove", args=[own.pk]))
    assert Membership.objects.for_system("test").filter(pk=own.pk).exists()
    response = client.post(reverse("core:member_detail", args=[own.pk]), {"role_reader": "on"})
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
        reverse("core:member_invite"),
        {"full_name": full_name, "email": email, f"role_{role}": "on"},
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
        {"full_name": "X", "email": stranger.email, "role_reader": "on", "unit_reader": unit.pk},
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
    link = re.search(r"http://testserver(/konto/invitasjon/\S+)", mail.outbox[0].body).group(1)
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


# --- several roles in one form -------------------------------------------------


def test_the_invite_form_starts_with_no_role_and_asks_for_one(home, admin, login):
    client = login(admin)
    form = client.get(reverse("core:member_invite")).content.decode()
    assert 'name="role_admin"' in form and "checked" not in form
    response = client.post(
        reverse("core:member_invite"), {"full_name": "Uten Rolle", "email": "uten@example.test"}
    )
    assert response.status_code == 200
    assert "Velg minst én rolle." in response.content.decode()
    assert (
        not Membership.objects.for_system("test").filter(user__email="uten@example.test").exists()
    )
    assert not AuditEntry.objects.for_system("test").filter(code="core.membership.create").exists()


def test_one_invitation_gives_several_roles_each_with_its_unit(
    home, admin, login, django_capture_on_commit_callbacks
):
    school = UnitFactory(municipality=home, name="Heimby skole")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post(
            reverse("core:member_invite"),
            {
                "full_name": "Siri Skole",
                "email": "siri@example.test",
                "role_reader": "on",
                "role_school_contact": "on",
                "unit_school_contact": school.pk,
            },
        )
    assert response.status_code == 302
    roles = (
        Membership.objects.for_system("test")
        .filter(user__email="siri@example.test")
        .order_by("role")
    )
    assert [(m.role, m.unit) for m in roles] == [("reader", None), ("school_contact", school)]
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.for_system("test").filter(code="core.membership.create").count() == 2


def test_an_existing_account_gets_one_invitation_per_role_in_one_mail(
    home, other, admin, login, django_capture_on_commit_callbacks
):
    stranger = _stranger(other)
    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(
            reverse("core:member_invite"),
            {"full_name": "X", "email": stranger.email, "role_reader": "on", "role_editor": "on"},
        )
    assert sorted(
        Invitation.objects.for_system("test").filter(user=stranger).values_list("role", flat=True)
    ) == [
        "editor",
        "reader",
    ]
    assert len(mail.outbox) == 1
    assert "Leser" in mail.outbox[0].body and "Redaktør" in mail.outbox[0].body


def test_a_unit_without_its_role_is_refused(home, admin, login):
    unit = UnitFactory(municipality=home)
    response = login(admin).post(
        reverse("core:member_invite"),
        {"full_name": "X", "email": "x@example.test", "role_reader": "on", "unit_editor": unit.pk},
    )
    assert 'id="id_unit_editor_error"' in response.content.decode()
    assert not Membership.objects.for_system("test").filter(user__email="x@example.test").exists()


def test_roles_are_added_removed_and_moved_in_one_form_each_audited(home, admin, login):
    school = UnitFactory(municipality=home, name="Heimby skole")
    office = UnitFactory(municipality=home, name="Barnevernet")
    person = UserFactory(email="pia@example.test", full_name="Pia Person")
    reader = MembershipFactory(user=person, municipality=home, role=Role.READER)
    MembershipFactory(user=person, municipality=home, role=Role.EDITOR, unit=school)
    page = login(admin).get(reverse("core:member_detail", args=[reader.pk])).content.decode()
    assert 'name="role_reader" id="id_role_reader" checked' in page
    assert 'name="role_editor" id="id_role_editor" checked' in page
    response = login(admin).post(
        reverse("core:member_detail", args=[reader.pk]),
        {
            "role_editor": "on",
            "unit_editor": office.pk,
            "role_coordinator": "on",
        },
    )
    assert response.status_code == 302
    roles = (
        Membership.objects.for_system("test")
        .filter(user=person, municipality=home)
        .order_by("role")
    )
    assert [(m.role, m.unit) for m in roles] == [("coordinator", None), ("editor", office)]
    changes = (
        AuditEntry.objects.for_system("test")
        .filter(code__startswith="core.membership.")
        .exclude(action="read")
    )
    assert sorted((e.code, e.detail["user"]) for e in changes) == [
        ("core.membership.create", person.pk),
        ("core.membership.delete", person.pk),
        ("core.membership.update", person.pk),
    ]
    moved = changes.get(code="core.membership.update")
    assert (moved.detail["before"]["unit"], moved.detail["after"]["unit"]) == (school.pk, office.pk)


def test_a_refused_change_saves_nothing(home, admin, login):
    own = Membership.objects.for_system("test").get(user=admin, municipality=home)
    response = login(admin).post(
        reverse("core:member_detail", args=[own.pk]), {"role_reader": "on", "role_editor": "on"}
    )
    assert "minst én administrator" in response.content.decode()
    assert list(
        Membership.objects.for_system("test")
        .filter(user=admin, municipality=home)
        .values_list("role", flat=True)
    ) == ["admin"]
    assert not AuditEntry.objects.for_system("test").exclude(action="read").exists()


def test_removing_a_person_takes_every_role_here_and_nothing_elsewhere(home, other, admin, login):
    person = UserFactory(email="to@example.test")
    first = MembershipFactory(user=person, municipality=home, role=Role.READER)
    MembershipFactory(user=person, municipality=home, role=Role.EDITOR)
    MembershipFactory(user=person, municipality=other, role=Role.EDITOR)
    login(admin).post(reverse("core:member_remove", args=[first.pk]))
    assert list(
        Membership.objects.for_system("test")
        .filter(user=person)
        .values_list("municipality", flat=True)
    ) == [other.pk]
    assert AuditEntry.objects.for_system("test").filter(code="core.membership.delete").count() == 2


# --- what the administrator sees about an account ------------------------------


def test_the_member_list_shows_invitation_second_factor_and_last_login(home, admin, login):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import TOTPDeviceFactory

    waiting = _invited_without_password(home, "venter@example.test").user
    waiting.invited_at = timezone.now() - timedelta(hours=71)
    waiting.save()
    expired = _invited_without_password(home, "utlopt@example.test").user
    expired.invited_at = timezone.now() - timedelta(hours=73)
    expired.full_name = "Utløpt Lenke"
    expired.save()
    active = UserFactory(email="aktiv@example.test", full_name="Aktiv Bruker")
    active.last_login = timezone.now()
    active.save()
    MembershipFactory(user=active, municipality=home, role=Role.READER)
    TOTPDeviceFactory(user=active)
    page = login(admin).get(reverse("core:member_list")).content.decode()
    rows = {
        email: page[page.index(email) : page.index("</tr>", page.index(email))]
        for email in ("venter@example.test", "utlopt@example.test", "aktiv@example.test")
    }
    assert "Invitert, har ikke valgt passord" in rows["venter@example.test"]
    assert "Invitasjonslenken er utløpt" in rows["utlopt@example.test"]
    assert "Godtatt" in rows["aktiv@example.test"]
    assert "Satt opp" in rows["aktiv@example.test"]
    assert "Ikke satt opp" in rows["venter@example.test"]
    assert "Aldri" in rows["venter@example.test"]
    assert "Aldri" not in rows["aktiv@example.test"]


def _link_in_mail(pattern):
    return re.search(rf"http://testserver({pattern}\S+)", mail.outbox[-1].body).group(1)


def _later(monkeypatch, hours):
    """Move the clock of both token generators ``hours`` on."""
    from datetime import datetime, timedelta

    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    later = datetime.now() + timedelta(hours=hours)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)


def _link_works(link) -> bool:
    page = Client().get(link, follow=True).content.decode()
    return 'name="new_password1"' in page


def test_the_invitation_link_lasts_72_hours_and_the_reset_link_one(
    home, admin, login, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(login(admin), "ny@example.test")
    invitation = _link_in_mail("/konto/invitasjon/")
    Client().post(reverse("account:password_reset"), {"email": "ny@example.test"})
    reset = _link_in_mail("/konto/nytt-passord/")
    _later(monkeypatch, 2)
    assert _link_works(invitation)
    assert not _link_works(reset)
    _later(monkeypatch, 71)
    assert _link_works(invitation)
    _later(monkeypatch, 73)
    assert not _link_works(invitation)
    page = Client().get(invitation, follow=True).content.decode()
    assert "mer enn 72 timer gammel" in page


def test_the_invitation_lifetime_is_a_setting_and_tokens_do_not_cross(
    home, admin, login, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.VERN_INVITATION_HOURS = 24
    with django_capture_on_commit_callbacks(execute=True):
        _invite(login(admin), "ny@example.test")
    invitation = _link_in_mail("/konto/invitasjon/")
    Client().post(reverse("account:password_reset"), {"email": "ny@example.test"})
    reset = _link_in_mail("/konto/nytt-passord/")
    # A reset token is no invitation token, nor the other way round.
    assert not _link_works(reset.replace("/konto/nytt-passord/", "/konto/invitasjon/"))
    assert not _link_works(invitation.replace("/konto/invitasjon/", "/konto/nytt-passord/"))
    _later(monkeypatch, 23)
    assert _link_works(invitation)
    _later(monkeypatch, 25)
    assert not _link_works(invitation)


# --- resetting a lost second factor --------------------------------------------


def test_an_admin_resets_a_lost_second_factor_and_the_person_enrols_again(home, admin, login):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = UserFactory(email="mistet@example.test", full_name="Mistet Telefon")
    membership = MembershipFactory(user=person, municipality=home, role=Role.READER)
    their_session = login(person)  # a verified session, with a device
    assert their_session.get(reverse("core:dashboard")).status_code == 200
    client = login(admin)
    detail = client.get(reverse("core:member_detail", args=[membership.pk])).content.decode()
    reset = reverse("core:member_otp_reset", args=[membership.pk])
    assert reset in detail
    assert client.get(reset).status_code == 200
    assert TOTPDevice.objects.filter(user=person).exists()  # not without the POST
    response = client.post(reset)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    entry = AuditEntry.objects.for_system("test").get(code="core.user.otp_reset")
    assert (entry.actor, entry.municipality, entry.detail) == (
        admin,
        home,
        {"user": person.pk, "devices": 1},
    )
    # Their open session has lost its second factor; at the next login they enrol.
    assert their_session.get(reverse("core:dashboard"))["Location"] == reverse("account:otp")
    fresh = Client()
    fresh.post(
        reverse("account:login"), {"username": person.email, "password": "riktig-passord-123"}
    )
    assert "<svg" in fresh.get(reverse("account:otp")).content.decode()


def test_no_second_factor_reset_for_another_municipality_or_oneself(
    home, other, admin, outsider, login
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = login(admin)  # gives admin a device
    theirs = Membership.objects.for_system("test").get(user=outsider)
    login(outsider)
    assert client.get(reverse("core:member_otp_reset", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("core:member_otp_reset", args=[theirs.pk])).status_code == 404
    own = Membership.objects.for_system("test").get(user=admin)
    page = client.get(reverse("core:member_otp_reset", args=[own.pk])).content.decode()
    assert "Be en annen administrator" in page
    client.post(reverse("core:member_otp_reset", args=[own.pk]))
    assert TOTPDevice.objects.filter(user__in=[admin, outsider]).count() == 2
    assert not AuditEntry.objects.for_system("test").filter(code="core.user.otp_reset").exists()


def test_the_second_factor_prompt_shows_no_staff_menu(home, admin, login):
    client = Client()
    client.post(
        reverse("account:login"), {"username": admin.email, "password": "riktig-passord-123"}
    )
    prompt = client.get(reverse("account:otp")).content.decode()
    assert "Hovedmeny" not in prompt
    assert reverse("core:member_list") not in prompt
    assert "Logg ut" in prompt
    assert (
        reverse("core:member_list") in login(admin).get(reverse("core:dashboard")).content.decode()
    )


def test_the_people_with_access_are_listed_fifty_to_a_page(home, admin, login):
    for n in range(60):
        user = UserFactory(email=f"ansatt{n:02}@heimby.example.test", full_name=f"Ansatt {n:02}")
        MembershipFactory(user=user, municipality=home, role=Role.READER)
    client = login(admin)
    first = client.get(reverse("core:member_list")).content.decode()
    assert "Ansatt 00" in first and "Ansatt 55" not in first
    assert 'aria-label="Sider"' in first and "Side 1 av 2" in first
    assert '<a class="ds-link" href="?side=2">Neste</a>' in first
    second = client.get(reverse("core:member_list"), {"side": "2"}).content.decode()
    assert "Ansatt 59" in second and "Ansatt 00" not in second
    assert "Side 2 av 2" in second and "?side=1" in second
