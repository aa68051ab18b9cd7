"""The perpetrator's pathway and its link, protective orders and their warning in
``vern tick``, and the follow-up before a release."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from vern.audit.models import AuditEntry
from vern.core import routines
from vern.pathways import selectors, services
from vern.pathways.models import PathwaySettings

MONDAY = date(2026, 3, 2)


def test_a_perpetrator_pathway_has_its_offers(open_pathway, colleague):
    pathway = open_pathway(kind="perpetrator", responsible=colleague)
    assert [n.area for n in pathway.needs.all()] == [
        "treatment",
        "anger",
        "short_housing",
        "practical",
    ]


def test_the_link_is_seen_only_by_the_coordinator(
    open_pathway, case_worker, colleague, coordinator, login
):
    victim = open_pathway()
    perpetrator = services.pathway_open(
        municipality=victim.municipality,
        actor=colleague,
        kind="perpetrator",
        journal_number="2026/900",
        priority="normal",
        responsible=colleague,
        today=MONDAY,
    )
    services.pathway_link_set(pathway=perpetrator, actor=coordinator, other=victim)
    # The worker on the perpetrator's pathway sees no link and cannot open the victim's.
    worker = login(colleague)
    page = worker.get(reverse("pathways:pathway_detail", args=[perpetrator.pk])).content.decode()
    assert victim.number not in page
    assert worker.get(reverse("pathways:pathway_detail", args=[victim.pk])).status_code == 404
    assert worker.get(reverse("pathways:pathway_link", args=[perpetrator.pk])).status_code == 404
    # The coordinator (on both lists as the first pathway's coordinator, given a reason
    # for the second) sees it.
    services.person_add(pathway=perpetrator, actor=colleague, user=coordinator)
    page = login(coordinator).get(reverse("pathways:pathway_detail", args=[perpetrator.pk]))
    assert victim.number in page.content.decode()


def test_two_victim_pathways_cannot_be_linked(open_pathway, coordinator):
    with pytest.raises(ValidationError):
        services.pathway_link_set(pathway=open_pathway(), actor=coordinator, other=open_pathway())


def _order(pathway, actor, ends_on, **extra):
    return services.order_add(
        pathway=pathway,
        actor=actor,
        type="visiting_ban",
        imposed_by="police",
        starts_on=MONDAY,
        ends_on=ends_on,
        **extra,
    )


def test_tick_warns_the_coordinators_before_an_order_ends_once(
    open_pathway, case_worker, coordinator, clock
):
    clock(MONDAY)
    pathway = open_pathway()
    order = _order(pathway, case_worker, date(2026, 4, 1))  # 30 days on: nothing yet
    from vern.pathways.tick import warn_orders_ending

    assert warn_orders_ending(today=MONDAY) == 0
    clock(date(2026, 3, 18))  # 14 days before
    mail.outbox.clear()
    assert warn_orders_ending(today=date(2026, 3, 18)) == 1
    assert [m.to[0] for m in mail.outbox] == [coordinator.email]
    assert "Besøksforbud på forløp 2026-0001 går ut 1. april 2026" in mail.outbox[0].subject
    assert warn_orders_ending(today=date(2026, 3, 19)) == 0  # once
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="pathways.order.warned", object_id=str(order.pk))
        .count()
        == 1
    )


def test_the_warning_period_is_set_per_municipality(home, open_pathway, case_worker):
    PathwaySettings.objects.create(municipality=home, order_warning_days=30)
    pathway = open_pathway()
    _order(pathway, case_worker, date(2026, 3, 31))
    from vern.pathways.tick import warn_orders_ending

    assert warn_orders_ending(today=MONDAY) == 1


def test_orders_of_closed_pathways_are_not_warned_about(open_pathway, case_worker):
    pathway = open_pathway()
    _order(pathway, case_worker, date(2026, 3, 10))
    services.pathway_close(pathway=pathway, actor=case_worker, outcome="moved")
    from vern.pathways.tick import warn_orders_ending

    assert warn_orders_ending(today=MONDAY) == 0


def test_an_order_ending_before_it_starts_is_refused(open_pathway, case_worker):
    with pytest.raises(ValidationError, match="Forbudet kan ikke slutte før det begynner"):
        _order(open_pathway(), case_worker, date(2026, 2, 1))


def test_order_figures_name_nobody(home, open_pathway, case_worker):
    pathway = open_pathway()
    _order(pathway, case_worker, date(2026, 3, 31))
    _order(pathway, case_worker, date(2026, 3, 11))
    [row] = selectors.order_aggregates(home, today=MONDAY)
    assert row["type"] == "visiting_ban" and row["count"] == 2 and row["median_days"] == 20
    assert row["mean_days"] == 20 and row["in_force"] == 2


def test_a_release_notice_opens_the_follow_up_eight_weeks_before(open_pathway, case_worker):
    pathway = open_pathway(kind="perpetrator")
    follow_up = services.release_open(
        pathway=pathway,
        actor=case_worker,
        type="release",
        expected_on=date(2026, 7, 1),
        notice_on=MONDAY,
        responsible=case_worker,
        today=MONDAY,
    )
    assert follow_up.opens_on == date(2026, 7, 1) - timedelta(weeks=8)
    steps = {s.code: s for s in routines.steps_for(follow_up)}
    assert set(steps) == {"risk_assessment", "victim_contact"}
    assert steps["risk_assessment"].due_on == date(
        2026, 5, 21
    )  # 10 working days, Ascension Day off


def test_a_late_notice_starts_the_follow_up_today(open_pathway, case_worker):
    follow_up = services.release_open(
        pathway=open_pathway(),
        actor=case_worker,
        type="leave",
        expected_on=MONDAY + timedelta(weeks=3),
        notice_on=MONDAY,
        responsible=case_worker,
        today=MONDAY,
    )
    assert follow_up.opens_on == MONDAY


def test_the_risk_assessment_closes_the_checklist(open_pathway, case_worker):
    pathway = open_pathway()
    follow_up = services.release_open(
        pathway=pathway,
        actor=case_worker,
        type="release",
        expected_on=date(2026, 5, 1),
        notice_on=MONDAY,
        responsible=case_worker,
        today=MONDAY,
    )
    values = {
        "assessed_on": MONDAY,
        "today": MONDAY,
        "police_took_part": True,
        "correctional_took_part": True,
        "risk_factors": "Tidligere brudd på besøksforbud",
        "vulnerability": "Bor alene med to barn",
        "measures_considered": ["alarm", "ban"],
        "measures_decided": ["alarm", "monitoring"],
        "victim_contacted_on": MONDAY,
    }
    with pytest.raises(ValidationError):
        services.release_assess(follow_up=follow_up, actor=case_worker, **values)
    values["measures_decided"] = ["alarm"]
    services.release_assess(follow_up=follow_up, actor=case_worker, **values)
    assert not routines.steps_for(follow_up).filter(done_at__isnull=True).exists()
    follow_up.refresh_from_db()
    assert follow_up.risk_factors == "Tidligere brudd på besøksforbud"


def test_tick_runs_twice_with_orders_and_releases(open_pathway, case_worker, clock):
    clock(MONDAY)
    pathway = open_pathway()
    _order(pathway, case_worker, date(2026, 3, 6))
    call_command("tick")
    sent = len(mail.outbox)
    call_command("tick")
    assert len(mail.outbox) == sent
