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


def test_the_dashboard_gives_anonymous_figures_on_protective_orders(
    open_pathway, case_worker, coordinator, login, clock
):
    clock(date(2026, 4, 1))
    # Visiting bans of 10, 20, 30 and 61 days (first and last day counted), one contact ban
    # of 365 days that ended before today, on a pathway that is closed.
    spans = [
        ("visiting_ban", date(2026, 3, 23), date(2026, 4, 1)),
        ("visiting_ban", date(2026, 3, 23), date(2026, 4, 11)),
        ("visiting_ban", date(2026, 3, 23), date(2026, 4, 21)),
        ("visiting_ban", date(2026, 4, 1), date(2026, 5, 31)),
        ("contact_ban", date(2025, 3, 1), date(2026, 2, 28)),
    ]
    for kind, starts, ends in spans:
        pathway = open_pathway(today=MONDAY)
        services.order_add(
            pathway=pathway,
            actor=case_worker,
            type=kind,
            imposed_by="court",
            starts_on=starts,
            ends_on=ends,
        )
    services.pathway_close(pathway=pathway, actor=case_worker, outcome="moved")
    page = login(coordinator).get(reverse("pathways:dashboard"))
    figures = {row["type"]: row for row in page.context["board"].order_figures}
    assert figures["visiting_ban"]["count"] == 4
    assert figures["visiting_ban"]["in_force"] == 4
    assert figures["visiting_ban"]["median_days"] == 25  # (20 + 30) / 2
    assert figures["visiting_ban"]["mean_days"] == 30.25
    assert figures["contact_ban"]["count"] == 1 and figures["contact_ban"]["in_force"] == 0
    assert figures["contact_ban"]["median_days"] == 365
    html = page.content.decode()
    assert "Beskyttelsestiltak i tall" in html and "Median varighet (dager)" in html
    assert "Gjennomsnittlig varighet (dager)" in html and "I kraft i dag" in html
    assert "Kontaktforbud" in html
    # Anonymous: no pathway number in the figures' table.
    figures_table = html.split('id="forbud-i-tall"')[1]
    assert "2026-0" not in figures_table


def test_no_orders_no_figures(coordinator, login):
    page = login(coordinator).get(reverse("pathways:dashboard"))
    assert page.context["board"].order_figures == []
    assert "Ingen beskyttelsestiltak registrert." in page.content.decode()


def test_the_median_counts_working_days_stored_when_the_last_need_is_assessed(
    open_pathway, case_worker, coordinator, login, clock
):
    clock(date(2026, 4, 10))
    # Opened Monday 30 March; Thursday 2 to Monday 6 April are Easter holidays.
    for assessed in (date(2026, 3, 31), date(2026, 4, 7), date(2026, 4, 9)):
        pathway = open_pathway(today=date(2026, 3, 30))
        for area in pathway.areas:
            services.need_assess(
                pathway=pathway,
                actor=case_worker,
                area=area,
                assessment="not_needed",
                note="",
                today=assessed,
            )
        pathway.refresh_from_db()
        assert pathway.assessed_on == assessed
    open_pathway(today=date(2026, 3, 30))  # not assessed: not counted
    board = login(coordinator).get(reverse("pathways:dashboard")).context["board"]
    # 1 (31 March), 3 (31 March, 1 and 7 April) and 5 working days: the median is 3.
    assert board.median_days == 3 and board.median_count == 3


def test_long_lists_are_cut_with_a_link_to_every_row(
    open_pathway, case_worker, coordinator, login, clock
):
    clock(MONDAY)
    _fill(open_pathway, case_worker, 3)  # 3 × 8 open steps due in the first week
    clock(date(2026, 3, 16))  # two weeks on: all 24 are overdue
    client = login(coordinator)
    page = client.get(reverse("pathways:dashboard"))
    board = page.context["board"]
    assert board.overdue_total == 24 and len(board.overdue) == 10
    html = page.content.decode()
    assert "De første 10 av 24." in html
    assert f"{reverse('pathways:dashboard_list')}?liste=forfalt" in html
    listed = client.get(reverse("pathways:dashboard_list"), {"liste": "forfalt"})
    assert listed.status_code == 200
    assert len(listed.context["rows"]) == 24
    assert "Forsinkede steg (24)" in listed.content.decode()
    orders = client.get(reverse("pathways:dashboard_list"), {"liste": "forbud"})
    assert [o.pathway.number for o in orders.context["rows"]] == [
        "2026-0001",
        "2026-0002",
        "2026-0003",
    ]
    releases = client.get(reverse("pathways:dashboard_list"), {"liste": "loslatelser"})
    assert len(releases.context["rows"]) == 3
    assert client.get(reverse("pathways:dashboard_list"), {"liste": "x"}).status_code == 404


def test_a_case_worker_may_not_see_the_full_lists(case_worker, login):
    url = reverse("pathways:dashboard_list") + "?liste=forfalt"
    assert login(case_worker).get(url).status_code == 403


@pytest.mark.parametrize(
    "url_name",
    [
        "pathways:dashboard",
        "pathways:dashboard_list",
        "pathways:pathway_list",
        "pathways:pathway_detail",
    ],
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
        if url_name == "pathways:dashboard_list":
            return reverse(url_name) + "?liste=forfalt"
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
