"""The demo: Eksempelby's school start this August, three no-show cases in
different stages (one with an overdue step), one signal; `vern tick` twice."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from vern.core.demo import DEMO_NUMBER, load_demo
from vern.core.models import Municipality, Step
from vern.schools import services
from vern.schools.models import NoShowCase, NoShowStatistic, SchoolYear, Signal


@pytest.mark.parametrize(
    ("today", "year"),
    [(date(2026, 12, 7), 2026), (date(2027, 3, 15), 2026), (date(2026, 8, 18), 2025)],
)
def test_the_demo_school_year_and_cases(db, clock, today, year):
    clock(today)
    load_demo(password="demo-passord-5")
    load_demo(password="demo-passord-5")
    eksempelby = Municipality.objects.get(number=DEMO_NUMBER)
    school_year = SchoolYear.objects.get(municipality=eksempelby)
    assert school_year.year == year and school_year.starts_on.month == 8
    cases = list(NoShowCase.objects.for_system("test").filter(municipality=eksempelby))
    assert len(cases) == 3
    closed = [c for c in cases if c.is_closed]
    assert [c.closing_reason for c in closed] == ["reported"]
    assert closed[0].police_reported_on is not None
    open_steps = Step.objects.for_system("test").filter(
        municipality=eksempelby, routine="schools.no_show", done_at__isnull=True
    )
    overdue_cases = {s.subject_id for s in open_steps if s.due_on < today}
    assert len(overdue_cases) >= 1
    stages = sorted(len([s for s in services.case_steps(c) if s.done_at]) for c in cases)
    assert stages == [0, 1, 3]
    assert Signal.objects.for_system("test").filter(municipality=eksempelby).count() == 1
    assert NoShowStatistic.objects.filter(municipality=eksempelby, year=year - 1).exists()


def test_tick_runs_twice_on_the_demo(db, clock, mailoutbox):
    clock(date(2026, 12, 7))
    load_demo(password="demo-passord-5")
    for _run in range(2):
        out = StringIO()
        call_command("tick", stdout=out)
        assert "send_step_notices" in out.getvalue()
    sent = len(mailoutbox)
    call_command("tick", stdout=StringIO())
    assert len(mailoutbox) == sent
