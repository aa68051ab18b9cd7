"""The coordinator's dashboard, the person's own steps on the front page, and query
counts that do not grow with the number of rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vern.pathways import services

MONDAY = date(2026, 3, 2)


def _fill(open_pathway, case_worker, count, *, today=MONDAY):
    made = []
    for _ in range(count):
        pathway = open_pathway(today=today)
        services.order_add(
            pathway=pathway,
            actor=case_worker,
            type="visiting_ban",
            imposed_by="police",
            starts_on=today,
            ends_on=date(2026, 3, 20),
        )
        services.release_open(
            pathway=pathway,
            actor=case_worker,
            type="release",
            expected_on=date(2026, 4, 20),
            notice_on=today,
            responsible=case_worker,
            today=today,
        )
        made.append(pathway)
    return made


def test_the_dashboard_shows_stages_deadlines_orders_and_releases(
    open_pathway, case_worker, coordinator, login, clock
):
    clock(date(2026, 3, 2))
    first, _second = _fill(open_pathway, case_worker, 2)
    services.first_contact_record(pathway=first, actor=case_worker, on=MONDAY, today=MONDAY)
    for area in first.areas:
        services.need_assess(
            pathway=first,
            actor=case_worker,
            area=area,
            assessment="not_needed",
            note="",
            today=date(2026, 3, 4),
        )
    clock(date(2026, 3, 9))  # a week on: the second pathway's steps are overdue
    page = login(coordinator).get(reverse("pathways:dashboard"))
    assert page.status_code == 200
    board = page.context["board"]
    stages = {stage: count for stage, _label, count in board.by_stage}
    assert stages == {"contact": 1, "assessment": 0, "delivery": 1}
    assert board.overdue_total == 7  # the second: first contact and six assessments
    assert board.median_days == 2 and board.median_count == 1
    assert len(board.orders) == 2  # ending 20 March, within 14 days
    assert len(board.releases) == 2
    html = page.content.decode()
    assert "Første kontakt (2026-0002)" in html
    assert "Besøksforbud" in html


def test_a_case_worker_may_not_see_the_dashboard(case_worker, login):
    assert login(case_worker).get(reverse("pathways:dashboard")).status_code == 403


def test_the_persons_own_steps_are_on_the_front_page(
    open_pathway, case_worker, colleague, login, clock
):
    clock(MONDAY)
    open_pathway(today=MONDAY)
    clock(date(2026, 3, 4))
    page = login(case_worker).get(reverse("core:dashboard")).content.decode()
    assert "Første kontakt (2026-0001)" in page
    assert "Vurder bolig (2026-0001)" in page
    assert "2026-0001" not in login(colleague).get(reverse("core:dashboard")).content.decode()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name", ["pathways:dashboard", "pathways:pathway_list", "pathways:pathway_detail"]
)
def test_query_counts_do_not_grow_with_the_rows(
    url_name, open_pathway, case_worker, coordinator, login, clock
):
    clock(date(2026, 3, 9))
    pathways = _fill(open_pathway, case_worker, 2, today=MONDAY)
    client = login(coordinator)

    def url():
        if url_name == "pathways:pathway_detail":
            return reverse(url_name, args=[pathways[0].pk])
        return reverse(url_name)

    def grow_detail():
        pathway = pathways[0]
        for area in pathway.areas:
            services.need_assess(
                pathway=pathway,
                actor=case_worker,
                area=area,
                assessment="needed",
                note="",
                today=MONDAY,
            )
        for n in range(4):
            services.delivery_add(
                pathway=pathway,
                actor=case_worker,
                area=pathway.areas[n],
                task=f"Oppgave {n}",
                person=case_worker,
                due=date(2026, 3, 20),
                today=MONDAY,
            )

    client.get(url())  # warm caches (sessions, content types)
    few = _count(client, url())
    _fill(open_pathway, case_worker, 12, today=MONDAY)
    grow_detail()
    many = _count(client, url())
    assert many == few
