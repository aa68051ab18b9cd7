""" "What needs me" on the staff front page: per person and role, overdue first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.directory.factories import ServiceFactory
from tests.factories import MembershipFactory, UserFactory
from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
from vern.core import shell
from vern.core.demo import DEMO_DOMAIN, DEMO_NUMBER, load_demo
from vern.core.models import Municipality, Role, User
from vern.directory.models import PendingChange
from vern.directory.services import error_report_create
from vern.plans.models import Plan, PlanMeasure

TODAY = date(2026, 3, 2)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(
        datetime.combine(TODAY, time(12, 0), tzinfo=ZoneInfo("Europe/Oslo")), tick=False
    )
    return TODAY


def _needs(client) -> list[shell.NeedsItem]:
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    return response.context["needs"]


def _plan(municipality, **kwargs) -> Plan:
    return PlanFactory(municipality=municipality, adopted=True, **kwargs)


def _measure(plan, code, due_in, *, status=PlanMeasure.Status.IN_PROGRESS, person=None):
    return PlanMeasureFactory(
        plan=plan,
        measure=catalogue(code),
        due_on=TODAY + timedelta(days=due_in),
        status=status,
        responsible_person=person,
    )


def test_a_coordinator_sees_the_municipalitys_overdue_and_due_measures_and_reviews(
    today, home, other, coordinator, case_worker, login
):
    plan = _plan(home, next_review_on=TODAY - timedelta(days=40))
    late = _measure(plan, "F7", -10, person=case_worker)
    soon = _measure(plan, "F2", 7)
    _measure(plan, "F3", 8)  # beyond the week
    _measure(plan, "F1", -30, status=PlanMeasure.Status.DONE)
    _measure(plan, "F5", -30, status=PlanMeasure.Status.DROPPED)
    draft = PlanFactory(municipality=home, title="Utkast", start_year=2030, end_year=2031)
    _measure(draft, "F7", -5)  # a draft plan is not followed up yet
    theirs = _plan(other, next_review_on=TODAY - timedelta(days=1))
    _measure(theirs, "F7", -3)

    items = _needs(login(coordinator))

    assert [(i.url, i.state, i.due_on) for i in items] == [
        (reverse("plans:plan_detail", args=[plan.pk]), shell.OVERDUE, TODAY - timedelta(days=40)),
        (reverse("plans:plan_measure_detail", args=[late.pk]), shell.OVERDUE, late.due_on),
        (reverse("plans:plan_measure_detail", args=[soon.pk]), shell.DUE_SOON, soon.due_on),
    ]
    assert items[1].label.startswith("F7 ")


def test_a_responsible_person_sees_only_their_own_measures_and_no_reviews(
    today, home, case_worker, login
):
    plan = _plan(home, next_review_on=TODAY - timedelta(days=3))
    mine = _measure(plan, "F7", -1, person=case_worker)
    _measure(plan, "F2", -1)
    items = _needs(login(case_worker))
    assert [i.url for i in items] == [reverse("plans:plan_measure_detail", args=[mine.pk])]


def test_a_review_due_within_the_week_is_due_soon(today, home, admin, login):
    plan = _plan(home, next_review_on=TODAY + timedelta(days=5))
    _plan(
        home,
        title="Neste",
        start_year=2040,
        end_year=2041,
        next_review_on=TODAY + timedelta(days=20),
    )
    items = _needs(login(admin))
    assert [(i.url, i.state) for i in items] == [
        (reverse("plans:plan_detail", args=[plan.pk]), shell.DUE_SOON)
    ]


def test_owners_see_proposals_error_reports_and_entries_to_verify(
    today, home, other, coordinator, login
):
    overdue = ServiceFactory(owner=home, verification_due=TODAY - timedelta(days=1))
    ServiceFactory(owner=home, verification_due=TODAY + timedelta(days=10))
    ServiceFactory(owner=home, verification_due=TODAY + timedelta(days=60))
    theirs = ServiceFactory(owner=other, verification_due=TODAY - timedelta(days=1))
    author = UserFactory(email="krisesenter@example.test")
    PendingChange.objects.create(service=overdue, municipality=home, author=author, proposed={})
    PendingChange.objects.create(
        service=overdue,
        municipality=home,
        author=author,
        proposed={},
        state=PendingChange.State.APPROVED,
    )
    PendingChange.objects.create(service=theirs, municipality=other, author=author, proposed={})
    error_report_create(service=overdue, message="Feil telefonnummer.")
    error_report_create(service=theirs, message="Feil adresse.")

    with translation.override("en"):
        items = _needs(login(coordinator))
        labels = [(i.state, i.label, i.url) for i in items]
        services = reverse("directory:service_list")
        assert labels == [
            (shell.OVERDUE, "1 entry overdue for verification", f"{services}?frist=overdue"),
            (
                shell.DUE_SOON,
                "1 entry due for verification within 14 days",
                f"{services}?frist=due",
            ),
            (
                shell.WAITING,
                "1 change proposal waits for a decision",
                reverse("directory:pending_list"),
            ),
            (shell.WAITING, "1 error report not handled", reverse("directory:error_report_list")),
        ]


def test_a_responsible_editor_sees_only_the_entries_they_may_verify(today, home, login):
    editor = UserFactory(email="redaktor@example.test")
    MembershipFactory(user=editor, municipality=home, role=Role.EDITOR)
    mine = ServiceFactory(owner=home, verification_due=TODAY - timedelta(days=2))
    mine.editors.add(editor)
    ServiceFactory(owner=home, verification_due=TODAY - timedelta(days=2))
    error_report_create(service=mine, message="Feil.")
    items = _needs(login(editor))
    assert [(i.state, i.count) for i in items] == [(shell.OVERDUE, 1)]


def test_nothing_needing_the_person_says_so(today, home, reader, login):
    _measure(_plan(home, next_review_on=TODAY - timedelta(days=3)), "F7", -1)
    with translation.override("en"):
        page = login(reader).get(reverse("core:dashboard")).content.decode()
    assert "Nothing needs you right now." in page


def test_the_front_page_lists_items_with_links_and_marks(today, home, coordinator, login):
    plan = _plan(home)
    late = _measure(plan, "F7", -10, person=coordinator)
    with translation.override("en"):
        page = login(coordinator).get(reverse("core:dashboard")).content.decode()
        assert "1 thing needs you, 1 of them overdue." in page
        assert reverse("plans:plan_measure_detail", args=[late.pk]) in page
        assert '<span class="ds-tag" data-color="danger">Overdue</span>' in page


def test_the_front_page_takes_the_same_number_of_queries_however_much_is_due(
    today, home, coordinator, login, django_assert_max_num_queries
):
    client = login(coordinator)
    plan = _plan(home, next_review_on=TODAY - timedelta(days=1))
    _measure(plan, "F7", -1)
    ServiceFactory(owner=home, verification_due=TODAY - timedelta(days=1))
    client.get(reverse("core:dashboard"))  # warm the session and the caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:dashboard"))

    for number, code in enumerate(("F1", "F2", "F3", "F5", "F6", "F8", "F9", "B1", "B2", "B3")):
        _measure(plan, code, -number, person=coordinator)
        service = ServiceFactory(owner=home, verification_due=TODAY - timedelta(days=number))
        error_report_create(service=service, message="Feil.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_needs(client)) >= 12


# --- the demo ------------------------------------------------------------------------


@pytest.fixture
def demo(db, settings):
    settings.VERN_REQUIRE_2FA = False
    load_demo(password="demo-passord-3")
    return Municipality.objects.get(number=DEMO_NUMBER)


def test_the_demo_coordinators_front_page_shows_overdue_f7_and_the_past_review(demo):
    client = Client()
    client.force_login(User.objects.get(email=f"koordinator@{DEMO_DOMAIN}"))
    f7 = PlanMeasure.objects.for_system("test").get(municipality=demo, measure__code="F7")
    plan = f7.plan
    with translation.override("en"):
        response = client.get(reverse("core:dashboard"))
        items = response.context["needs"]
        page = response.content.decode()
        f7_url = reverse("plans:plan_measure_detail", args=[f7.pk])
        plan_url = reverse("plans:plan_detail", args=[plan.pk])
    by_url = {i.url: i for i in items}
    assert by_url[f7_url].state == shell.OVERDUE and by_url[f7_url].label.startswith("F7 ")
    assert by_url[plan_url].state == shell.OVERDUE
    assert plan.next_review_on < date.today()
    assert f'href="{f7_url}"' in page and f'href="{plan_url}"' in page
    # Overdue first.
    states = [i.state for i in items]
    assert states == sorted(states, key=shell.STATE_ORDER.get)


def test_the_demo_plan_and_f7_pages_mark_what_is_overdue(demo):
    client = Client()
    client.force_login(User.objects.get(email=f"koordinator@{DEMO_DOMAIN}"))
    f7 = PlanMeasure.objects.for_system("test").get(municipality=demo, measure__code="F7")
    with translation.override("en"):
        plan_page = client.get(reverse("plans:plan_detail", args=[f7.plan_id])).content.decode()
        f7_page = client.get(reverse("plans:plan_measure_detail", args=[f7.pk])).content.decode()
    tag = '<span class="ds-tag" data-color="danger">Overdue</span>'
    # The past review date, and F7 in the measures table (the only overdue measure).
    assert plan_page.count(tag) == 2
    review = plan_page.split("Next review", 1)[1].split("</dd>", 1)[0]
    assert tag in review
    assert tag in f7_page
