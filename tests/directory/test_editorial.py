"""Keeping entries true: organisation editors' proposals, approval, verification, history."""

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.directory.factories import OrganizationFactory, ServiceFactory, term
from tests.directory.test_staff_services import management, service_data
from vern.audit.models import AuditEntry
from vern.core.models import Membership, Role, User
from vern.directory import services
from vern.directory.models import (
    ErrorReport,
    OrganizationEditor,
    PendingChange,
    Phone,
    Service,
)

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_day(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def organization(home):
    return OrganizationFactory(owner=home, name="Heimby krisesenter")


@pytest.fixture
def service(home, organization):
    service = ServiceFactory(
        owner=home, organization=organization, name="Krisesenteret", description="Trygt sted."
    )
    Phone.objects.create(service=service, number="22 00 00 00")
    return service


@pytest.fixture
def org_editor(home, admin, organization, login, django_capture_on_commit_callbacks):
    """Invited through the page, as an administrator would."""
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post(
            reverse("directory:editor_invite", args=[organization.pk]),
            {"full_name": "Kari Krisesenter", "email": "kari@krisesenter.example.test"},
        )
    assert response.status_code == 302
    return User.objects.get(email="kari@krisesenter.example.test")


def test_inviting_an_editor_creates_the_account_role_and_link(home, organization, org_editor):
    assert Membership.objects.for_system("test").filter(
        user=org_editor, municipality=home, role=Role.ORG_EDITOR
    )
    assert OrganizationEditor.objects.for_system("test").filter(
        organization=organization, user=org_editor
    )
    assert not org_editor.has_usable_password()
    assert [m.to for m in mail.outbox] == [[org_editor.email]]
    assert AuditEntry.objects.for_system("test").filter(code="directory.organizationeditor.create")


def test_an_existing_editor_gets_a_second_organisation_without_a_new_role(
    home, admin, org_editor, login, django_capture_on_commit_callbacks
):
    second = OrganizationFactory(owner=home, name="Heimby incestsenter")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(
            reverse("directory:editor_invite", args=[second.pk]),
            {"full_name": "Kari", "email": "KARI@krisesenter.example.test"},
        )
    assert OrganizationEditor.objects.for_system("test").filter(user=org_editor).count() == 2
    assert Membership.objects.for_system("test").filter(user=org_editor).count() == 1
    assert len(mail.outbox) == 1 and "Heimby incestsenter" in mail.outbox[0].body


def test_inviting_the_same_editor_twice_is_refused(admin, organization, org_editor, login):
    response = login(admin).post(
        reverse("directory:editor_invite", args=[organization.pk]),
        {"full_name": "Kari", "email": org_editor.email},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_a_coordinator_without_admin_can_invite_but_a_reader_cannot(
    organization, coordinator, reader, login
):
    url = reverse("directory:editor_invite", args=[organization.pk])
    assert login(coordinator).get(url).status_code == 200
    assert login(reader).get(url).status_code == 403


def test_an_organisation_editor_sees_only_their_own_organisations_entries(
    home, service, org_editor, login
):
    ServiceFactory(owner=home, name="Helsestasjonen")
    client = login(org_editor)
    listing = client.get(reverse("directory:service_list"))
    assert [s.name for s in listing.context["page"]] == ["Krisesenteret"]
    other = Service.objects.get(name="Helsestasjonen")
    assert client.get(reverse("directory:service_detail", args=[other.pk])).status_code == 404


# Directory pages that show the municipality's entries, reports or organisations.
DIRECTORY_LISTS = [
    "directory:service_list",
    "directory:pending_list",
    "directory:error_report_list",
    "directory:organization_list",
]


def _municipal_data(home):
    """Another organisation's entry with a resident's error report."""
    other = ServiceFactory(owner=home, name="Helsestasjonen")
    report = ErrorReport.objects.create(service=other, message="Ola Nordmann ringte forgjeves")
    return other, report


def test_a_removed_organisation_editor_sees_nothing_but_their_own_account(
    home, admin, organization, service, org_editor, login
):
    other, report = _municipal_data(home)
    editor = OrganizationEditor.objects.for_system("test").get(user=org_editor)
    response = login(admin).post(reverse("directory:editor_remove", args=[editor.pk]))
    assert response.status_code == 302
    assert not OrganizationEditor.objects.for_system("test").filter(user=org_editor).exists()
    # The role went with the last organisation, and that is in the log.
    assert not Membership.objects.for_system("test").filter(user=org_editor).exists()
    removed = AuditEntry.objects.for_system("test").get(code="core.membership.delete")
    assert removed.actor == admin and removed.municipality == home
    assert removed.detail == {"role": Role.ORG_EDITOR, "user": org_editor.pk}

    org_editor.refresh_from_db()
    assert org_editor.is_active  # the account itself stays
    client = login(org_editor)
    assert client.get(reverse("core:dashboard")).status_code == 403
    for name in DIRECTORY_LISTS:
        assert client.get(reverse(name)).status_code == 403, name
    for name, pk in [
        ("directory:service_detail", service.pk),
        ("directory:service_detail", other.pk),
        ("directory:service_history", other.pk),
        ("directory:organization_detail", organization.pk),
        ("directory:error_report_detail", report.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code in (403, 404), name


def test_an_editor_keeps_the_role_while_one_organisation_is_left(
    home, admin, organization, org_editor, login
):
    second = OrganizationFactory(owner=home, name="Heimby incestsenter")
    OrganizationEditor.objects.create(organization=second, user=org_editor)
    editor = OrganizationEditor.objects.for_system("test").get(
        user=org_editor, organization=organization
    )
    login(admin).post(reverse("directory:editor_remove", args=[editor.pk]))
    assert (
        Membership.objects.for_system("test").filter(user=org_editor, role=Role.ORG_EDITOR).exists()
    )
    assert not AuditEntry.objects.for_system("test").filter(code="core.membership.delete").exists()


def test_removing_an_editor_also_takes_them_off_the_organisations_entries(
    home, admin, organization, service, org_editor, login
):
    """Named responsible editor of an entry, an editor who loses the organisation
    must neither see that entry through another organisation nor get its reminders."""
    second = OrganizationFactory(owner=home, name="Heimby incestsenter")
    OrganizationEditor.objects.create(organization=second, user=org_editor)
    elsewhere = ServiceFactory(owner=home, organization=second, name="Samtaletilbud")
    service.editors.add(org_editor)
    elsewhere.editors.add(org_editor)
    editor = OrganizationEditor.objects.for_system("test").get(
        user=org_editor, organization=organization
    )
    login(admin).post(reverse("directory:editor_remove", args=[editor.pk]))

    assert not service.editors.filter(pk=org_editor.pk).exists()
    assert elsewhere.editors.filter(pk=org_editor.pk).exists()
    client = login(org_editor)
    assert client.get(reverse("directory:service_detail", args=[service.pk])).status_code == 404
    assert client.get(reverse("directory:service_detail", args=[elsewhere.pk])).status_code == 200
    entry = AuditEntry.objects.for_system("test").get(code="directory.service.editors_removed")
    assert entry.detail == {"user": org_editor.pk, "services": [str(service.pk)]}


def test_an_organisation_editor_without_organisations_sees_nothing(home, service, login):
    """The role alone, with no organisation (rows removed another way), shows nothing."""
    other, report = _municipal_data(home)
    user = User.objects.create(email="uten@org.example.test", full_name="Uten Organisasjon")
    Membership.objects.create(user=user, municipality=home, role=Role.ORG_EDITOR)
    client = login(user)
    for name in DIRECTORY_LISTS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert list(response.context["page"]) == [], name
        html = response.content.decode()
        assert "Helsestasjonen" not in html and "Krisesenteret" not in html, name
    for name, pk in [
        ("directory:service_detail", service.pk),
        ("directory:service_detail", other.pk),
        ("directory:service_edit", other.pk),
        ("directory:service_history", other.pk),
        ("directory:organization_detail", service.organization_id),
        ("directory:error_report_detail", report.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name


def _propose(client, service, organization, **changes):
    data = service_data(
        None,
        name=service.name,
        description=service.description,
        **management("phones", 1, initial=1),
        **{
            "phones-0-id": str(service.phones.get().pk),
            "phones-0-number": "22 00 00 00",
            "phones-0-kind": "voice",
            "phones-0-description": "",
            "phones-0-is_free": "on",
        },
        **management("schedules", 0),
    )
    data.pop("organization")
    data.update(changes)
    return client.post(reverse("directory:service_edit", args=[service.pk]), data)


def test_proposal_approval_end_to_end(
    home,
    coordinator,
    admin,
    organization,
    service,
    org_editor,
    login,
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    editor_client = login(org_editor)
    form = editor_client.get(reverse("directory:service_edit", args=[service.pk]))
    assert form.context["mode"] == "propose"
    assert "editors" not in form.context["form"].fields
    assert "organization" not in form.context["form"].fields

    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(
            editor_client,
            service,
            organization,
            description="Trygt sted å bo, for kvinner, menn og barn.",
            violence_forms=[str(term("violence", "physical").pk)],
            **{"phones-0-number": "22 00 00 01"},
        )
    assert response.status_code == 302
    service.refresh_from_db()
    # Nothing is live yet.
    assert service.description == "Trygt sted."
    assert service.phones.get().number == "22 00 00 00"
    change = PendingChange.objects.for_system("test").get()
    assert change.author == org_editor and change.state == PendingChange.State.PENDING
    assert set(change.proposed) == {"description", "terms", "phones"}
    assert change.municipality == home
    assert [sorted(m.to) for m in mail.outbox] == [sorted([admin.email, coordinator.email])]
    assert f"/ansatt/tjenester/endringer/{change.pk}/" in mail.outbox[0].body

    # The proposer may look, but not decide.
    detail_url = reverse("directory:pending_detail", args=[change.pk])
    assert editor_client.get(detail_url).status_code == 200
    assert editor_client.post(detail_url, {"action": "approve"}).status_code == 403

    owner_client = login(coordinator)
    listing = owner_client.get(reverse("directory:pending_list"))
    assert [c.pk for c in listing.context["page"]] == [change.pk]
    page = owner_client.get(detail_url)
    rows = {row.label: (row.before, row.after) for row in page.context["rows"]}
    assert ("Trygt sted.", "Trygt sted å bo, for kvinner, menn og barn.") in rows.values()
    assert any("22 00 00 01" in after for _before, after in rows.values())
    assert page.context["can_decide"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(detail_url, {"action": "approve", "note": ""})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.description == "Trygt sted å bo, for kvinner, menn og barn."
    assert service.phones.get().number == "22 00 00 01"
    assert list(service.terms.values_list("code", flat=True)) == ["physical"]
    change.refresh_from_db()
    assert change.state == PendingChange.State.APPROVED and change.decided_by == coordinator
    revision = service.revisions.first()
    assert revision.author == coordinator
    assert "Kari Krisesenter" in revision.summary_text
    assert "description" in revision.changes
    assert [m.to for m in mail.outbox] == [[org_editor.email]]
    assert AuditEntry.objects.for_system("test").filter(code="directory.pendingchange.approve")
    # Decided once only.
    assert owner_client.post(detail_url, {"action": "approve"}).status_code == 403


def test_rejecting_needs_a_note_and_tells_the_proposer(
    coordinator, organization, service, org_editor, login, django_capture_on_commit_callbacks
):
    _propose(login(org_editor), service, organization, name="Nytt navn")
    change = PendingChange.objects.for_system("test").get()
    client = login(coordinator)
    url = reverse("directory:pending_detail", args=[change.pk])
    response = client.post(url, {"action": "reject", "note": ""})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "reject", "note": "Navnet er feil."})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == PendingChange.State.REJECTED
    service.refresh_from_db()
    assert service.name == "Krisesenteret"
    assert [m.to for m in mail.outbox] == [[org_editor.email]]
    assert "Navnet er feil." in mail.outbox[0].body


def test_a_proposal_that_changes_nothing_is_not_stored(organization, service, org_editor, login):
    response = _propose(login(org_editor), service, organization)
    assert response.status_code == 302
    assert not PendingChange.objects.for_system("test").exists()


def test_a_bad_proposal_is_refused_with_field_errors(organization, service, org_editor, login):
    response = _propose(
        login(org_editor), service, organization, referral="required", referral_from=""
    )
    assert response.status_code == 200
    assert "referral_from" in response.context["form"].errors
    assert not PendingChange.objects.for_system("test").exists()


def test_an_organisation_editor_named_responsible_still_proposes(
    organization, service, org_editor, login
):
    service.editors.add(org_editor)
    _propose(login(org_editor), service, organization, name="Rett inn?")
    service.refresh_from_db()
    assert service.name == "Krisesenteret"
    assert PendingChange.objects.for_system("test").filter(service=service).exists()


def test_verify_starts_a_new_cycle_and_is_in_the_history(home, coordinator, service, login):
    service.verification_days = 90
    service.verification_due = TODAY - timedelta(days=3)
    service.reminded_for = service.overdue_notified_for = service.verification_due
    service.save()
    client = login(coordinator)
    assert client.get(reverse("directory:service_verify", args=[service.pk])).status_code == 200
    response = client.post(reverse("directory:service_verify", args=[service.pk]))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.assured_date == TODAY
    assert service.assurer_email == coordinator.email
    assert service.verification_due == TODAY + timedelta(days=90)
    assert service.reminded_for is None and service.overdue_notified_for is None
    assert AuditEntry.objects.for_system("test").filter(
        code="directory.service.verified", object_id=str(service.pk)
    )

    history = client.get(reverse("directory:service_history", args=[service.pk]))
    assert history.status_code == 200
    revision, rows = history.context["entries"][0]
    assert revision.author == coordinator
    assert revision.changes["assured_date"][1] == TODAY.isoformat()
    assert any("2026" in row.after for row in rows)
    assert coordinator.full_name in history.content.decode()
    assert AuditEntry.objects.for_system("test").filter(
        code="directory.servicerevision.read", actor=coordinator, municipality=home
    )


def test_history_shows_each_field_before_and_after(home, coordinator, service, login):
    service.name = "Krisesenteret i Heimby"
    service.open_24_7 = True
    services.service_save(
        service=service,
        actor=coordinator,
        related=services.ServiceRelated(
            languages=["nb", "ar"],
            schedules=[{"weekday": 1, "opens_at": time(8), "closes_at": time(16)}],
        ),
    )
    with translation.override("en"):
        url = reverse("directory:service_history", args=[service.pk])
        response = login(coordinator).get(url)
    _revision, rows = response.context["entries"][0]
    by_label = {row.label: (row.before, row.after) for row in rows}
    assert by_label["name"] == ("Krisesenteret", "Krisesenteret i Heimby")
    assert by_label["languages"] == ("–", "Arabic; Norwegian Bokmål")
    assert by_label["open day and night"] == ("No", "Yes")
    assert "08:00" in by_label["opening hours"][1]


def test_service_save_refuses_a_required_referral_without_from(home, coordinator, service):
    from django.core.exceptions import ValidationError

    service.referral = Service.Referral.REQUIRED
    with pytest.raises(ValidationError) as error:
        services.service_save(service=service, actor=coordinator)
    assert "referral_from" in error.value.message_dict


def test_a_proposal_with_a_line_break_in_a_name_is_refused(
    organization, service, org_editor, login
):
    response = _propose(login(org_editor), service, organization, name="Ny\nBcc: x@example.test")
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not PendingChange.objects.for_system("test").exists()


@pytest.mark.parametrize(
    ("language", "label"),
    [("nb", "Skal bekreftes innen"), ("nn", "Skal stadfestast innan"), ("en", "Next check due")],
)
def test_the_history_names_the_next_check_in_the_page_language(
    home, coordinator, service, login, language, label
):
    client = login(coordinator)
    client.post(reverse("directory:service_verify", args=[service.pk]))
    with translation.override(language):
        page = client.get(reverse("directory:service_history", args=[service.pk])).content.decode()
    assert f"<td>{label}</td>" in page
    assert "Verification due" not in page
