"""Asking about violence: question guides per setting, and counts per unit and quarter."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from vern.competence import selectors
from vern.competence.models import ConversationCount, QuestionGuide
from vern.core.models import Role

RECORD = "/ansatt/kompetanse/samtaler/registrer/"


def _counts(home):
    return ConversationCount.objects.for_system(reason="test").filter(municipality=home)


def test_last_quarters_cross_the_new_year():
    assert selectors.last_quarters(date(2026, 2, 10)) == [
        (2025, 2),
        (2025, 3),
        (2025, 4),
        (2026, 1),
    ]
    assert selectors.quarter_of(date(2026, 12, 31)) == (2026, 4)


def test_recording_the_same_quarter_twice_replaces_the_number(home, coordinator, login):
    unit = UnitFactory(municipality=home, name="Helsestasjonen")
    year, quarter = selectors.quarter_of(timezone.localdate())
    client = login(coordinator)
    data = {
        "unit": unit.pk,
        "setting": "health_station",
        "year": year,
        "quarter": quarter,
        "held": 12,
    }
    assert client.post(RECORD, data).status_code == 302
    assert client.post(RECORD, {**data, "held": 14}).status_code == 302
    assert list(_counts(home).values_list("held", flat=True)) == [14]
    page = client.get("/ansatt/kompetanse/samtaler/?setting=health_station").content.decode()
    assert "Helsestasjonen" in page and ">14<" in page


def test_a_future_quarter_is_refused(home, coordinator, login):
    unit = UnitFactory(municipality=home)
    today = timezone.localdate()
    response = login(coordinator).post(
        RECORD,
        {
            "unit": unit.pk,
            "setting": "school_nurse",
            "year": today.year + 1,
            "quarter": 1,
            "held": 3,
        },
    )
    assert response.status_code == 200
    assert not _counts(home).exists()


def test_a_school_contact_records_only_for_their_own_school(home, login):
    ours, theirs = UnitFactory(municipality=home), UnitFactory(municipality=home)
    contact = UserFactory()
    MembershipFactory(user=contact, municipality=home, role=Role.SCHOOL_CONTACT, unit=ours)
    year, quarter = selectors.quarter_of(timezone.localdate())
    data = {"setting": "teacher_pupil", "year": year, "quarter": quarter, "held": 5}
    client = login(contact)
    assert client.post(RECORD, {**data, "unit": theirs.pk}).status_code == 200
    assert client.post(RECORD, {**data, "unit": ours.pk}).status_code == 302
    assert list(_counts(home).values_list("unit", flat=True)) == [ours.pk]


def test_a_reader_cannot_record(home, reader, login):
    assert login(reader).get(RECORD).status_code == 403


def test_the_shipped_guide_is_shown_until_the_municipality_writes_its_own(home, coordinator, login):
    client = login(coordinator)
    url = "/ansatt/kompetanse/samtaler/sporsmal/?setting=school_nurse"
    assert "Verns standardveileder" in client.get(url).content.decode()
    response = client.post(
        "/ansatt/kompetanse/samtaler/sporsmal/endre/?setting=school_nurse",
        {
            "introduction": "Spør alle elever i 8. trinn.",
            "questions": "Hvordan har du det hjemme?\n\n Er noen hjemme du er redd for? ",
            "follow_up": "Ring helsesykepleier-leder.",
            "reviewed_on": "2026-01-10",
        },
    )
    assert response.status_code == 302
    guide = QuestionGuide.objects.for_system(reason="test").get(municipality=home)
    assert guide.questions == "Hvordan har du det hjemme?\nEr noen hjemme du er redd for?"
    assert "Spør alle elever i 8. trinn." in client.get(url).content.decode()


def test_an_unknown_setting_is_404(home, coordinator, login):
    assert login(coordinator).get("/ansatt/kompetanse/samtaler/?setting=x").status_code == 404


def test_every_setting_has_a_shipped_guide():
    from vern.competence.models import Setting

    assert set(selectors.shipped_question_guides()["guides"]) == set(Setting.values)
