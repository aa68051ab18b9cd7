"""Demo data for the consultation team: Eksempelby's team with three members, a meeting
next week with two concerns waiting on its agenda, and a past meeting where one concern
was advised and an action agreed that is still open (so it is carried to next week).

Created once: if the demo municipality has any team, nothing changes. Dates are set
relative to the day the demo is loaded.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from vern.consultations import services
from vern.consultations.models import Agency, Meeting, Team, TeamMember
from vern.core.demo import DEMO_DOMAIN
from vern.core.models import Membership, Municipality, Role, Unit, User

DEMO = "the demo loader"
TEAM_NAME = "Konsultasjonsteamet i Eksempelby"

# local part, name, agency, role on the team
EXTRA_MEMBERS = [
    ("helsesykepleier", "Hanne Helsesykepleier", Agency.HEALTH_STATION),
    ("politikontakt", "Per Politikontakt", Agency.POLICE),
]


def _user(local: str) -> User | None:
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


def _extra_member(municipality: Municipality, local: str, name: str) -> User:
    user, created = User.objects.get_or_create(
        email=f"{local}@{DEMO_DOMAIN}", defaults={"full_name": name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.for_system(reason=DEMO).get_or_create(
        user=user, municipality=municipality, role=Role.TEAM_MEMBER
    )
    return user


def _unit(municipality: Municipality, name: str) -> Unit | None:
    return Unit.objects.filter(municipality=municipality, name=name).first()


@transaction.atomic
def load(municipality: Municipality) -> None:
    if Team.objects.filter(municipality=municipality).exists():
        return
    coordinator, tor = _user("koordinator"), _user("team")
    teacher, case_worker = _user("skole"), _user("saksbehandler")
    if not all((coordinator, tor, teacher, case_worker)):
        return
    today = timezone.localdate()
    # Tuesday next week, at 09:00, every fourth week.
    next_tuesday = today + datetime.timedelta(days=7 - today.weekday() + 1)
    team = services.team_create(
        municipality=municipality,
        actor=coordinator,
        name=TEAM_NAME,
        first_meeting_on=next_tuesday,
        meeting_time=datetime.time(9, 0),
        duration_minutes=120,
        interval_weeks=4,
        location="Rådhuset, møterom 2",
        today=today,
    )
    services.member_add(
        team=team,
        actor=coordinator,
        municipality=municipality,
        user=tor,
        agency=Agency.CHILD_WELFARE,
        team_role=TeamMember.TeamRole.CHAIR,
    )
    for local, name, agency in EXTRA_MEMBERS:
        services.member_add(
            team=team,
            actor=coordinator,
            municipality=municipality,
            user=_extra_member(municipality, local, name),
            agency=agency,
        )
    tz = timezone.get_current_timezone()
    past_start = datetime.datetime.combine(
        next_tuesday - datetime.timedelta(weeks=4), datetime.time(9, 0), tzinfo=tz
    )
    past = Meeting.objects.create(
        team=team,
        starts_at=past_start,
        ends_at=past_start + datetime.timedelta(hours=2),
        location=team.location,
    )
    advised, _ = services.concern_submit(
        municipality=municipality,
        submitted_by=case_worker,
        team=team,
        source_unit=_unit(municipality, "NAV Eksempelby"),
        age_band="13-15",
        setting="other",
        worry=(
            "En ungdom som følger en forelder til samtaler her, virker redd når forelderen "
            "hever stemmen, og sier at det er mye krangling hjemme om kvelden."
        ),
        tried="Jeg har spurt forsiktig om hvordan det går hjemme. Ungdommen ville ikke si mer.",
    )
    services.advice_record(
        concern=advised,
        actor=tor,
        meeting=past,
        text=(
            "Teamet mener bekymringen bør følges opp. Snakk med ungdommen alene, gjerne "
            "sammen med helsesykepleier på skolen, og vurder på nytt etter samtalen."
        ),
        concern_level="moderate",
        risk_factors=["violence_witnessed", "conflict"],
        protective_factors=["stable_school", "friends"],
        recommendations=["talk_to_child", "health_service", "consult_again"],
        follow_up_on=today + datetime.timedelta(days=3),
        form_key=uuid.uuid4(),
        today=past_start.date(),
    )
    services.action_add(
        meeting=past,
        actor=tor,
        description="Lage en felles oversikt over hvem skolene kan ringe for anonym drøfting",
        agency=Agency.CHILD_WELFARE,
    )
    services.concern_submit(
        municipality=municipality,
        submitted_by=teacher,
        team=team,
        source_unit=_unit(municipality, "Bakken skole"),
        age_band="10-12",
        setting="school",
        worry=(
            "En elev i femte trinn har flere ganger fått beskjed hjemmefra om ikke å delta i "
            "svømmeundervisningen og får ikke være med på leirskolen. Eleven virker trist og "
            "sier at hun ikke får treffe venner etter skolen."
        ),
        tried="Kontaktlærer har hatt en samtale med eleven. Foreldrene har ikke svart på invitasjon til møte.",
    )
    services.concern_submit(
        municipality=municipality,
        submitted_by=coordinator,
        team=team,
        source_unit=_unit(municipality, "Helsestasjonen i Eksempelby"),
        age_band="3-5",
        setting="health_station",
        worry=(
            "Ved fireårskontrollen hadde barnet blåmerker på begge overarmene, og de to "
            "voksne som fulgte barnet forklarte dem ulikt. Barnet var stille og urolig."
        ),
        tried="Helsesykepleier har avtalt en ny kontroll om tre uker.",
    )
