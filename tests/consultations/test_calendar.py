"""The private calendar feed: meetings only, found by a revocable token."""

from django.urls import reverse

from vern.consultations.models import TeamMember


def make_address(client, team):
    response = client.post(reverse("consultations:calendar", args=[team.pk]), {"action": "create"})
    assert response.status_code == 200
    url = response.context["new_url"]
    return url[url.index("/kalender/") :]


def test_a_member_subscribes_to_the_meetings_without_personal_data(team, concern, chair, login):
    client = login(chair)
    path = make_address(client, team)
    feed = client.__class__().get(path)  # no session: calendar programs do not log in
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert not feed.cookies
    body = feed.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == team.meetings.count()
    assert "SUMMARY:Konsultasjonsteam: Konsultasjonsteamet" in body
    assert "DTSTART:20260908T070000Z" in body  # 09:00 in Oslo, summer time
    for private in (concern.worry[:20], chair.full_name, chair.email, concern.reference):
        assert private not in body
    # The token itself is not stored, only its hash.
    seat = TeamMember.objects.for_self(chair).get(team=team)
    assert path.split("/")[-1].removesuffix(".ics") not in seat.calendar_token_hash


def test_a_revoked_or_renewed_address_stops_working(team, chair, login):
    client = login(chair)
    old = make_address(client, team)
    new = make_address(client, team)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    client.post(reverse("consultations:calendar", args=[team.pk]), {"action": "revoke"})
    assert client.get(new).status_code == 404


def test_the_address_stops_working_when_the_member_leaves(team, chair, coordinator, login):
    path = make_address(login(chair), team)
    seat = TeamMember.objects.for_self(chair).get(team=team)
    login(coordinator).post(reverse("consultations:member_remove", args=[seat.pk]))
    assert login(chair).get(path).status_code == 404


def test_only_members_of_the_team_get_an_address(team, bystander, login):
    response = login(bystander).post(
        reverse("consultations:calendar", args=[team.pk]), {"action": "create"}
    )
    assert response.status_code == 404


def test_lines_are_folded_and_text_escaped():
    from vern.consultations.ical import escape, fold

    assert escape("Rådhuset, rom 2; bak") == "Rådhuset\\, rom 2\\; bak"
    folded = fold("LOCATION:" + "æ" * 60)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "LOCATION:" + "æ" * 60
