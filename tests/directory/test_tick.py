"""`vern tick` for the directory: reminders before an entry falls due, notices when overdue."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.directory.factories import ServiceFactory
from tests.factories import MembershipFactory, UserFactory
from vern.audit.models import AuditEntry
from vern.core.models import Notification, Role
from vern.directory import services
from vern.directory.models import Service
from vern.directory.tick import send_overdue_notices, send_verification_reminders

START = date(2026, 1, 5)


@pytest.fixture
def clock(time_machine):
    def set_day(day: date) -> date:
        time_machine.move_to(
            datetime.combine(day, time(12), tzinfo=ZoneInfo("Europe/Oslo")), tick=False
        )
        return day

    return set_day


def tick() -> str:
    out = StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


@pytest.fixture
def editor(home):
    user = UserFactory(email="redaktor@heimby.test", full_name="Rita Redaktør")
    MembershipFactory(user=user, municipality=home, role=Role.EDITOR)
    return user


def test_time_moves_forward_reminder_then_overdue_flag(
    home, coordinator, admin, editor, login, clock
):
    clock(START)
    service = ServiceFactory(owner=home, name="Krisesenteret", verification_days=30)
    service.editors.add(editor)
    services.service_verify(service=service, actor=coordinator)
    service.refresh_from_db()
    due = START + timedelta(days=30)
    assert service.verification_due == due
    tick()
    assert mail.outbox == []

    # Ten days before it falls due: the responsible editor is reminded, once.
    clock(due - timedelta(days=10))
    output = tick()
    assert "vern.directory.tick.send_verification_reminders: 1" in output
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "Krisesenteret" in mail.outbox[0].subject
    assert f"/ansatt/tjenester/{service.pk}/" in mail.outbox[0].body
    clock(due - timedelta(days=5))
    tick()
    assert len(mail.outbox) == 1
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="directory.service.reminded", object_id=str(service.pk), actor=None)
        .count()
        == 1
    )

    # The day after it fell due: the owner is told, once, and the list says overdue.
    # One message per person, so one bad address cannot hold back the others.
    clock(due + timedelta(days=1))
    tick()
    assert len(mail.outbox) == 3
    assert sorted(m.to for m in mail.outbox[1:]) == sorted([[admin.email], [coordinator.email]])
    clock(due + timedelta(days=8))
    tick()
    assert len(mail.outbox) == 3
    assert (
        AuditEntry.objects.for_system("test")
        .filter(
            code="directory.service.overdue_notified", object_id=str(service.pk), municipality=home
        )
        .count()
        == 1
    )
    listing = login(coordinator).get(reverse("directory:service_list"))
    assert [(s.name, s.state) for s in listing.context["due"]] == [("Krisesenteret", "overdue")]
    row = next(s for s in listing.context["page"] if s.pk == service.pk)
    assert row.state == "overdue"

    # Verifying starts a new cycle, which is reminded again in its turn.
    services.service_verify(service=Service.objects.get(pk=service.pk), actor=editor)
    clock(due + timedelta(days=8 + 25))
    tick()
    assert len(mail.outbox) == 4 and mail.outbox[3].to == [editor.email]


def test_an_entry_without_editors_reminds_its_owner(home, coordinator, admin, reader, clock):
    clock(START)
    ServiceFactory(owner=home, verification_due=START + timedelta(days=3))
    assert send_verification_reminders(today=START) == 1
    assert sorted(m.to for m in mail.outbox) == sorted([[coordinator.email], [admin.email]])


def test_a_person_with_two_owner_roles_is_told_once(home, clock):
    clock(START)
    both = UserFactory(email="begge@heimby.test")
    MembershipFactory(user=both, municipality=home, role=Role.ADMIN)
    MembershipFactory(user=both, municipality=home, role=Role.COORDINATOR)
    ServiceFactory(owner=home, verification_due=START - timedelta(days=1))
    assert send_overdue_notices(today=START) == 1
    assert mail.outbox[0].to == [both.email]


def test_national_entries_tell_the_national_editors(db, clock):
    clock(START)
    national = UserFactory(email="nasjonal@example.test")
    MembershipFactory(user=national, municipality=None, role=Role.NATIONAL)
    ServiceFactory(
        owner=None,
        is_national=True,
        name="Nasjonal testlinje",
        verification_due=START - timedelta(days=1),
    )
    send_overdue_notices(today=START)
    ours = [m for m in mail.outbox if "Nasjonal testlinje" in m.body]
    assert [m.to for m in ours] == [[national.email]]


def test_closed_entries_and_entries_far_from_due_are_left_alone(home, coordinator, clock):
    clock(START)
    ServiceFactory(
        owner=home, status=Service.Status.DEFUNCT, verification_due=START - timedelta(days=3)
    )
    ServiceFactory(owner=home, verification_due=START + timedelta(days=15))
    assert send_verification_reminders(today=START) == 0
    assert send_overdue_notices(today=START) == 0
    assert mail.outbox == []


def test_with_nobody_to_tell_the_notice_waits(home, clock):
    clock(START)
    service = ServiceFactory(owner=home, verification_due=START - timedelta(days=1))
    assert send_overdue_notices(today=START) == 0
    service.refresh_from_db()
    assert service.overdue_notified_for is None
    MembershipFactory(municipality=home, role=Role.COORDINATOR)
    assert send_overdue_notices(today=START) == 1


@pytest.fixture
def bad_address(monkeypatch):
    """Mail to one address fails, as a full mailbox or a refused domain would."""
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages
    bad = "feil@heimby.test"

    def send_messages(self, messages):
        if any(bad in message.to for message in messages):
            raise OSError("550 mailbox unavailable")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return bad


def test_a_failing_address_stops_neither_the_others_nor_the_next_entry(
    home, coordinator, bad_address, clock, caplog
):
    clock(START)
    MembershipFactory(user=UserFactory(email=bad_address), municipality=home, role=Role.ADMIN)
    first = ServiceFactory(owner=home, name="Første", verification_due=START - timedelta(days=2))
    second = ServiceFactory(owner=home, name="Andre", verification_due=START - timedelta(days=1))
    assert send_overdue_notices(today=START) == 2
    # One mail to the coordinator listing both entries.
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert "Første" in message.body and "Andre" in message.body
    assert "550 mailbox unavailable" in caplog.text
    for service in (first, second):
        service.refresh_from_db()
        assert service.overdue_notified_for == service.verification_due


def test_a_line_break_in_a_name_stays_out_of_the_mail_header(home, coordinator, clock):
    clock(START)
    ServiceFactory(
        owner=home, name="Krise\nBcc: alle@example.test", verification_due=START - timedelta(days=1)
    )
    assert send_overdue_notices(today=START) == 1
    [message] = mail.outbox
    assert "\n" not in message.subject and message.bcc == []
    assert "Krise Bcc: alle@example.test" in message.subject


def test_each_recipient_also_gets_an_in_app_notification(home, coordinator, admin, clock):
    from vern.core.selectors import notifications_for

    clock(START)
    service = ServiceFactory(owner=home, name="Krisesenteret", verification_due=START)
    send_verification_reminders(today=START)
    for person in (coordinator, admin):
        [notice] = notifications_for(person, home)
        assert "Krisesenteret" in notice.text
        assert notice.link.endswith(f"/ansatt/tjenester/{service.pk}/")


def test_national_editors_see_their_notices_without_a_municipality(home, clock):
    from vern.core.selectors import notifications_for

    clock(START)
    national = UserFactory(email="nasjonal@example.test")
    MembershipFactory(user=national, municipality=None, role=Role.NATIONAL)
    ServiceFactory(owner=None, is_national=True, name="Nasjonal testlinje", verification_due=START)
    send_verification_reminders(today=START)
    assert [n.text for n in notifications_for(national, None)] == [
        m.subject for m in mail.outbox if m.to == [national.email]
    ]
    assert notifications_for(national, None).exists()
    assert not notifications_for(national, home).exists()


def test_a_stored_name_with_a_line_break_does_not_stop_the_reminders(home, editor, clock):
    # Stored before names were checked (or by SQL): the mail goes out with the
    # name on one line, and the entries after it are reminded too.
    clock(START)
    bad = ServiceFactory(owner=home, verification_due=START + timedelta(days=3))
    good = ServiceFactory(owner=home, verification_due=START + timedelta(days=4))
    for service in (bad, good):
        service.editors.add(editor)
    Service.objects.filter(pk=bad.pk).update(name="Familievern\nBcc: angriper@example.test")
    output = tick()
    assert "vern.directory.tick.send_verification_reminders: 2" in output
    # One mail to the editor listing both, each under its subject on one line.
    [message] = mail.outbox
    assert "\n" not in message.subject and message.bcc == [] and message.to == [editor.email]
    items = [line for line in message.body.splitlines() if line.startswith("* ")]
    assert len(items) == 2
    assert any("for Familievern Bcc: angriper@example.test i" in line for line in items), items


def test_a_failing_mail_is_logged_the_others_go_out_and_tick_fails_at_the_end(
    home, admin, editor, clock, flaky_mail, caplog
):
    clock(START)
    refused = UserFactory(email="feil@heimby.test")
    failing = ServiceFactory(owner=home, name="Feiler", verification_due=START + timedelta(days=3))
    fine = ServiceFactory(owner=home, name="Virker", verification_due=START + timedelta(days=4))
    ServiceFactory(owner=home, name="Forfalt", verification_due=START - timedelta(days=1))
    failing.editors.add(refused)
    fine.editors.add(editor)
    flaky_mail.refused = {refused.email}
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 job"):
        call_command("tick", stdout=out, stderr=err)
    # Every job ran and claimed its notices; the digests went out at the end,
    # the refused one is logged with its traceback and makes the tick fail.
    assert "vern.directory.tick.send_verification_reminders: 2" in out.getvalue()
    assert "vern.directory.tick.send_overdue_notices: 1" in out.getvalue()
    assert "digest: 2 mails" in out.getvalue()
    assert "digest: 1 item(s) failed" in err.getvalue()
    assert any(r.exc_info and str(failing.pk) in r.getMessage() for r in caplog.records), (
        caplog.text
    )
    sent = " | ".join(m.body for m in mail.outbox)
    assert len(mail.outbox) == 2 and "Virker" in sent and "Forfalt" in sent, sent
    # Not sent, so released, not shown in the app and not logged as
    # reminded: the next run tries again, and then it is recorded once.
    failing.refresh_from_db()
    assert failing.reminded_for is None
    reminded = AuditEntry.objects.for_system("test").filter(
        code="directory.service.reminded", object_id=str(failing.pk)
    )
    assert not reminded.exists()
    assert not Notification.objects.for_system("test").filter(text__contains="Feiler").exists()
    flaky_mail.refused = set()
    assert "send_verification_reminders: 1" in tick()
    assert "Feiler" in mail.outbox[-1].subject and mail.outbox[-1].to == [refused.email]
    assert reminded.count() == 1
    assert (
        Notification.objects.for_system("test")
        .filter(text__contains="Feiler", recipient=refused)
        .count()
        == 1
    )
