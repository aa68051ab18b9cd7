"""Moving and cancelling a team's meeting, choosing a concern's meeting, the feed's
SEQUENCE and STATUS, and the members being told."""

import datetime
import re
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.consultations.conftest import TODAY, WORRY
from tests.consultations.test_calendar import make_address
from vern.audit.models import AuditEntry
from vern.consultations import selectors, services, tick
from vern.consultations.models import Concern, Meeting, TeamMember
from vern.core.models import Notification


def entries():
    return AuditEntry.objects.for_system(reason="test")


def meetings(team):
    return list(team.meetings.order_by("starts_at"))


def event(feed: str, uid) -> str:
    """The VEVENT block with ``uid`` in a feed."""
    for block in feed.split("BEGIN:VEVENT")[1:]:
        if f"UID:{uid}@vern" in block:
            return block.split("END:VEVENT")[0]
    raise AssertionError(f"no event {uid}")


def test_cancelling_asks_first_then_moves_the_agenda_and_tells_the_members(
    team, concern, coordinator, chair, nurse, login
):
    first, second = meetings(team)[:2]
    assert concern in selectors.agenda(first).waiting
    client = login(coordinator)
    page = client.get(reverse("consultations:meeting_cancel", args=[first.pk]))
    assert page.status_code == 200
    assert "1 bekymring står på sakslisten." in page.content.decode()
    assert Meeting.objects.get(pk=first.pk).cancelled_at is None  # nothing done on GET

    response = client.post(
        reverse("consultations:meeting_cancel", args=[first.pk]), {"move_to": second.pk}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_cancelled and first.sequence == 1 and first.notified_sequence == 1
    assert selectors.next_meeting(team) == second
    assert selectors.agenda(first).waiting == []
    assert concern in selectors.agenda(second).waiting
    concern.refresh_from_db()
    assert concern.meeting == second
    assert {m.to[0] for m in mail.outbox} == {chair.email, nurse.email}
    assert "Konsultasjonsteamet" in mail.outbox[0].subject
    assert Notification.objects.for_self(chair).count() == 1
    entry = entries().get(code="consultations.meeting.cancel")
    assert entry.detail["concerns_moved"] == 1 and entry.actor == coordinator
    assert entries().filter(code="consultations.meeting.notified").count() == 1
    # The page shows it as cancelled; cancelling again changes nothing.
    detail = client.get(reverse("consultations:team_detail", args=[team.pk])).content.decode()
    assert "avlyst" in detail
    again = client.get(reverse("consultations:meeting_cancel", args=[first.pk]))
    assert again.status_code == 302


def test_cancelled_concerns_can_go_back_to_awaiting_the_next_meeting(
    team, concern, coordinator, login
):
    first, second, third = meetings(team)[:3]
    services.concern_place(concern=concern, actor=coordinator, meeting=third)
    assert concern not in selectors.agenda(first).waiting
    assert concern in selectors.agenda(third).waiting
    login(coordinator).post(reverse("consultations:meeting_cancel", args=[third.pk]), {})
    concern.refresh_from_db()
    assert concern.meeting is None
    # Awaiting a meeting: on the next one's agenda, not on the later ones.
    assert concern in selectors.agenda(first).waiting
    assert concern not in selectors.agenda(second).waiting


def test_the_feed_shows_a_moved_meeting_under_the_same_uid_and_a_cancelled_one(
    team, coordinator, chair, login
):
    path = make_address(login(chair), team)
    first, second = meetings(team)[:2]
    before = login(chair).get(path).content.decode()
    assert "SEQUENCE:0" in event(before, first.uid)
    assert "STATUS:CONFIRMED" in event(before, first.uid)

    response = login(coordinator).post(
        reverse("consultations:meeting_move", args=[first.pk]),
        {
            "starts_on": "2026-09-10",
            "starts_time": "13:00",
            "duration_minutes": "60",
            "location": "Helsestasjonen",
        },
    )
    assert response.status_code == 302
    login(coordinator).post(reverse("consultations:meeting_cancel", args=[second.pk]), {})

    feed = login(chair).get(path).content.decode()
    assert feed.count("BEGIN:VEVENT") == team.meetings.count()
    moved = event(feed, first.uid)
    assert "SEQUENCE:1" in moved and "STATUS:CONFIRMED" in moved
    assert "DTSTART:20260910T110000Z" in moved and "DTEND:20260910T120000Z" in moved
    assert "LOCATION:Helsestasjonen" in moved
    cancelled = event(feed, second.uid)
    assert "SEQUENCE:1" in cancelled and "STATUS:CANCELLED" in cancelled
    # The rhythm does not make the moved meeting again in its old place.
    assert services.schedule_meetings(today=TODAY) == 0
    assert (
        entries().get(code="consultations.meeting.move").detail["to"].startswith("2026-09-10T13:00")
    )


def test_a_meeting_cannot_be_moved_into_the_past_or_onto_another(team, coordinator, login):
    first, second = meetings(team)[:2]
    url = reverse("consultations:meeting_move", args=[first.pk])
    client = login(coordinator)
    data = {"starts_time": "09:00", "duration_minutes": "90", "location": ""}
    for day, message in (
        ("2026-09-01", "Velg et tidspunkt som ikke har vært ennå."),
        (second.starts_at.date().isoformat(), "Teamet har allerede et møte på det tidspunktet."),
    ):
        response = client.post(url, {**data, "starts_on": day})
        assert response.status_code == 200
        assert message in response.content.decode()
    first.refresh_from_db()
    assert first.sequence == 0


def test_the_members_are_told_by_the_tick_when_mail_failed_at_once(team, coordinator, chair, login):
    first = meetings(team)[0]
    with mock.patch(
        "vern.core.routines.send_each",
        side_effect=lambda messages: [OSError("down")] * len(messages),
    ):
        response = login(coordinator).post(
            reverse("consultations:meeting_cancel", args=[first.pk]), {}, follow=True
        )
    assert "kunne ikke varsles" in response.content.decode()
    first.refresh_from_db()
    assert first.is_cancelled and first.notified_sequence == 0
    assert tick.send_meeting_notices(today=TODAY) == 1
    assert tick.send_meeting_notices(today=TODAY) == 0
    assert len(mail.outbox) == 2


def make_chair(team, user):
    TeamMember.objects.for_self(user).filter(team=team).update(team_role=TeamMember.TeamRole.CHAIR)


def test_only_the_hosts_coordinators_and_the_chair_move_or_cancel(
    team, chair, nurse, bystander, login, outsider
):
    first = meetings(team)[0]
    # The chair fixture sits as an ordinary member until made chair.
    for name in ("consultations:meeting_cancel", "consultations:meeting_move"):
        url = reverse(name, args=[first.pk])
        for person in (chair, nurse, bystander):
            assert login(person).post(url, {}).status_code == 404
        assert login(outsider).get(url).status_code in (403, 404)
    first.refresh_from_db()
    assert not first.is_cancelled
    detail = reverse("consultations:team_detail", args=[team.pk])
    assert "Avlys møtet" not in login(chair).get(detail).text


def test_the_teams_chair_moves_and_cancels_a_meeting(team, concern, chair, nurse, login):
    make_chair(team, chair)
    first, second = meetings(team)[:2]
    client = login(chair)
    detail = client.get(reverse("consultations:team_detail", args=[team.pk])).text
    assert reverse("consultations:meeting_cancel", args=[first.pk]) in detail
    assert reverse("consultations:meeting_move", args=[second.pk]) in detail
    response = client.post(
        reverse("consultations:meeting_move", args=[second.pk]),
        {
            "starts_on": "2026-10-07",
            "starts_time": "12:00",
            "duration_minutes": "60",
            "location": "Helsestasjonen",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(reverse("consultations:meeting_cancel", args=[first.pk]), {}).status_code == 302
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_cancelled and second.location == "Helsestasjonen"
    assert entries().get(code="consultations.meeting.cancel").actor == chair
    assert entries().get(code="consultations.meeting.move").actor == chair
    # A plain member still cannot.
    url = reverse("consultations:meeting_cancel", args=[second.pk])
    assert login(nurse).post(url, {}).status_code == 404


def test_a_new_rhythm_cancels_the_meetings_it_drops_in_the_feed(
    team, concern, coordinator, chair, login
):
    path = make_address(login(chair), team)
    second = meetings(team)[1]
    concern = services.concern_place(concern=concern, actor=coordinator, meeting=second)
    assert concern in selectors.agenda(second).waiting and concern.meeting == second
    dropped = [m.uid for m in meetings(team)]
    response = login(coordinator).post(
        reverse("consultations:team_edit", args=[team.pk]),
        {
            "name": team.name,
            "first_meeting_on": "2026-09-10",  # Thursdays from now on
            "meeting_time": "09:00",
            "duration_minutes": "90",
            "interval_weeks": "4",
            "location": "Rådhuset",
        },
    )
    assert response.status_code == 302
    old = Meeting.objects.filter(uid__in=dropped)
    assert old.count() == len(dropped)  # kept, not deleted
    assert all(m.is_cancelled and m.sequence == 1 for m in old)
    feed = login(chair).get(path).text
    for meeting in old:
        block = event(feed, meeting.uid)
        assert "STATUS:CANCELLED" in block and "SEQUENCE:1" in block
    new = selectors.coming_meetings(team)
    assert new.exists() and all(m.starts_at.weekday() == 3 for m in new)
    for meeting in new:
        assert "STATUS:CONFIRMED" in event(feed, meeting.uid)
    # The concern awaits a meeting again, so it is on the first new meeting's agenda.
    concern.refresh_from_db()
    assert concern.meeting is None
    assert concern in selectors.agenda(new.first()).waiting
    assert entries().filter(code="consultations.meeting.cancel").count() == len(dropped)


def test_a_new_place_changes_the_meetings_in_place(team, coordinator, chair, login):
    path = make_address(login(chair), team)
    before = meetings(team)
    login(coordinator).post(
        reverse("consultations:team_edit", args=[team.pk]),
        {
            "name": team.name,
            "first_meeting_on": team.first_meeting_on.isoformat(),
            "meeting_time": "09:00",
            "duration_minutes": "60",
            "interval_weeks": "4",
            "location": "Helsehuset",
        },
    )
    after = meetings(team)
    assert [m.uid for m in after] == [m.uid for m in before]
    assert not any(m.is_cancelled for m in after)
    assert all(m.location == "Helsehuset" and m.sequence == 1 for m in after)
    block = event(login(chair).get(path).text, after[0].uid)
    assert "LOCATION:Helsehuset" in block and "DTEND:20260908T080000Z" in block


def test_the_submitter_chooses_a_later_meeting(team, teacher, login):
    first, _second, third = meetings(team)[:3]
    client = login(teacher)
    page = client.get(reverse("consultations:concern_create")).content.decode()
    assert f'<option value="{third.pk}">' in page
    response = client.post(
        reverse("consultations:concern_create"),
        {
            "submission_key": str(uuid.uuid4()),
            "team": team.pk,
            "meeting": third.pk,
            "age_band": "10-12",
            "setting": "school",
            "worry": WORRY,
            "tried": "",
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.for_self(teacher).get()
    assert concern.meeting == third
    assert concern not in selectors.agenda(first).waiting
    assert concern in selectors.agenda(third).waiting


def test_a_member_puts_a_concern_on_another_meeting(team, concern, chair, login):
    first, second = meetings(team)[:2]
    client = login(chair)
    page = client.get(reverse("consultations:concern_place", args=[concern.pk]))
    assert page.status_code == 200
    client.post(reverse("consultations:concern_place", args=[concern.pk]), {"meeting": second.pk})
    concern.refresh_from_db()
    assert concern.meeting == second
    assert concern in selectors.agenda(second).waiting
    assert concern not in selectors.agenda(first).waiting
    assert entries().filter(code="consultations.concern.place").count() == 1


def test_a_meeting_of_another_team_or_a_cancelled_one_is_refused(team, concern, coordinator, home):
    other = services.team_create(
        municipality=home,
        actor=coordinator,
        name="Et annet team",
        first_meeting_on=TODAY + datetime.timedelta(days=2),
        meeting_time=datetime.time(9, 0),
        today=TODAY,
    )
    first = meetings(team)[0]
    services.meeting_cancel(meeting=first, actor=coordinator)
    for meeting in (other.meetings.first(), first):
        with pytest.raises(ValidationError, match="kommende møter"):
            services.concern_place(concern=concern, actor=coordinator, meeting=meeting)
    concern.refresh_from_db()
    assert concern.meeting is None


def test_a_submitter_deletes_their_own_draft_after_confirming(home, teacher, chair, login):
    draft = services.concern_draft_from(
        municipality=home,
        submitted_by=teacher,
        age_band="10-12",
        setting="school",
        text="Eleven holdes borte fra svømming.",
    )
    url = reverse("consultations:concern_delete", args=[draft.pk])
    assert login(chair).get(url).status_code == 404
    assert login(chair).post(url).status_code == 404
    client = login(teacher)
    form = client.get(reverse("consultations:concern_draft", args=[draft.pk])).content.decode()
    assert f'href="{url}"' in form
    page = client.get(url)
    assert page.status_code == 200
    assert Concern.objects.for_self(teacher).filter(pk=draft.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Concern.objects.for_self(teacher).filter(pk=draft.pk).exists()
    entry = entries().get(code="consultations.concern.draft_delete")
    assert entry.actor == teacher


def test_a_sent_concern_is_not_deleted_as_a_draft(concern, teacher, login):
    response = login(teacher).post(reverse("consultations:concern_delete", args=[concern.pk]))
    assert response.status_code == 302
    assert Concern.objects.for_self(teacher).filter(pk=concern.pk).exists()


def test_the_tick_deletes_drafts_not_sent_within_30_days(home, teacher, concern, time_machine):
    from io import StringIO

    from django.core.management import call_command

    draft = services.concern_draft_from(
        municipality=home,
        submitted_by=teacher,
        age_band="10-12",
        setting="school",
        text="Eleven holdes borte fra leirskolen.",
    )
    everything = Concern.objects.for_system(reason="test")
    time_machine.move_to(datetime.datetime(2026, 10, 6, 12, tzinfo=datetime.UTC), tick=False)
    call_command("tick", stdout=StringIO())
    assert everything.filter(pk=draft.pk).exists()  # 29 days
    time_machine.move_to(datetime.datetime(2026, 10, 8, 12, tzinfo=datetime.UTC), tick=False)
    call_command("tick", stdout=StringIO())
    assert not everything.filter(pk=draft.pk).exists()
    assert everything.filter(pk=concern.pk).exists()  # sent the same day: kept
    entry = entries().get(code="core.retention.deleted", object_id=str(draft.pk))
    assert entry.detail["record_type"] == "consultations.concern_draft"


def test_the_agenda_count_on_the_cancel_page_names_no_one(team, concern, coordinator, login):
    first = meetings(team)[0]
    body = (
        login(coordinator)
        .get(reverse("consultations:meeting_cancel", args=[first.pk]))
        .content.decode()
    )
    assert concern.reference not in body and not re.search(r"Eleven virker", body)
