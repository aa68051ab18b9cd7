"""The public pages under /handlingsplaner/: no login, no cookies, no staff names."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue, member
from vern.core.models import Municipality, Role
from vern.plans import pdf, selectors, services
from vern.plans.models import Plan

TODAY = date(2026, 5, 4)
OVERVIEW = "/handlingsplaner/"


@pytest.fixture(autouse=True)
def fixed_day(clock):
    return clock(TODAY)


def municipality(number: str) -> Municipality:
    return Municipality.objects.get(number=number)


def adopted_plan(number: str, *codes: str, **fields) -> Plan:
    plan = PlanFactory(municipality=municipality(number), adopted=True, **fields)
    for code in codes:
        PlanMeasureFactory(plan=plan, measure=catalogue(code))
    return plan


def test_overview_url_is_the_public_one():
    assert reverse("public_plans:overview") == OVERVIEW
    assert reverse("public_plans:plan", args=["0301"]) == "/handlingsplaner/0301/"


def test_overview_lists_all_357_municipalities_with_totals(home):
    PlanFactory(municipality=home)  # a demo municipality with only a draft stays out
    response = Client().get(OVERVIEW)
    assert response.status_code == 200
    rows, totals = response.context["rows"], response.context["totals"]
    assert len(rows) == 357
    assert all(not row.municipality.is_demo for row in rows)
    assert all(row.plan is None for row in rows)
    assert (totals["municipalities"], totals["with_plan"], totals["local_measures"]) == (357, 0, 18)
    html = response.content.decode()
    assert "Oslo" in html and "Trondheim - Tråante" in html
    assert "357" in html


def test_a_municipality_with_an_adopted_plan_shows_its_period_and_a_link(db):
    adopted_plan("0301", "F1", "F2", start_year=2026, end_year=2029)
    response = Client().get(OVERVIEW)
    row = next(row for row in response.context["rows"] if row.municipality.number == "0301")
    assert row.plan is not None
    assert row.plan.period == "2026–2029"
    assert response.context["totals"]["with_plan"] == 1
    html = response.content.decode()
    assert 'href="/handlingsplaner/0301/"' in html
    assert "2026–2029" in html


def test_a_draft_in_a_real_municipality_is_not_shown_as_a_plan(db):
    PlanFactory(municipality=municipality("0301"))
    response = Client().get(OVERVIEW)
    row = next(row for row in response.context["rows"] if row.municipality.number == "0301")
    assert row.plan is None
    assert 'href="/handlingsplaner/0301/"' not in response.content.decode()


def test_a_demo_municipality_with_an_adopted_plan_is_listed_but_not_counted(home):
    PlanFactory(municipality=home, adopted=True)
    response = Client().get(OVERVIEW)
    rows, totals = response.context["rows"], response.context["totals"]
    assert len(rows) == 358
    assert any(row.municipality == home for row in rows)
    assert (totals["municipalities"], totals["with_plan"]) == (357, 0)


def test_sorting_by_coverage_puts_the_best_covered_plan_first(db):
    adopted_plan("0301", "F1")
    adopted_plan("4601", "F1", "F2", "F3")  # Bergen
    adopted_plan("5001", "F1", "F2")  # Trondheim
    response = Client().get(OVERVIEW, {"sorter": "dekning"})
    assert response.status_code == 200
    assert response.context["sort"] == "dekning"
    first = [row.municipality.number for row in response.context["rows"][:3]]
    assert first == ["4601", "5001", "0301"]
    assert 'href="?sorter=dekning" aria-current="true"' in response.content.decode()


def test_partly_covered_counts_half_when_sorting_by_coverage(db, coordinator):
    partly = adopted_plan("0301", "F1", "F2", "F3")  # 3 partly: 1.5
    adopted_plan("4601", "F1")  # Bergen: 1
    adopted_plan("5001", "F1", "F2")  # Trondheim: 2
    for code in ("F1", "F2", "F3"):
        services.coverage_set(
            plan=partly, actor=coordinator, measure=catalogue(code), coverage="partial", reason="x"
        )
    rows = Client().get(OVERVIEW, {"sorter": "dekning"}).context["rows"]
    assert [row.municipality.number for row in rows[:3]] == ["5001", "0301", "4601"]
    assert (rows[1].covered, rows[1].partly) == (0, 3)


def test_sorting_with_a_plan_first(db):
    adopted_plan("5001")
    rows = Client().get(OVERVIEW, {"sorter": "plan"}).context["rows"]
    assert rows[0].municipality.number == "5001"
    assert all(row.plan is None for row in rows[1:])


def test_sorting_by_county_groups_the_counties_and_ends_with_ostfold(db):
    rows = Client().get(OVERVIEW, {"sorter": "fylke"}).context["rows"]
    counties = [row.municipality.county_name for row in rows]
    groups = [county for i, county in enumerate(counties) if i == 0 or counties[i - 1] != county]
    assert len(groups) == len(set(groups))
    assert groups[0] == "Agder"
    assert groups[-1] == "Østfold"


@pytest.mark.parametrize("sorter", ["", "ukjent", "DEKNING", "navn;drop", "__class__"])
def test_a_bad_sorter_falls_back_to_name(db, sorter):
    adopted_plan("4601", "F1", "F2", "F3")
    by_name = Client().get(OVERVIEW, {"sorter": "navn"}).context["rows"]
    response = Client().get(OVERVIEW, {"sorter": sorter})
    assert response.status_code == 200
    assert response.context["sort"] == "navn"
    assert response.context["rows"] == by_name
    assert 'href="?sorter=navn" aria-current="true"' in response.content.decode()


def test_sorting_by_name_follows_the_norwegian_alphabet(db):
    names = [row.municipality.name for row in Client().get(OVERVIEW).context["rows"]]
    assert names[0].startswith("A")
    last_o_slash = max(i for i, name in enumerate(names) if name.startswith("Ø"))
    first_a_ring = min(i for i, name in enumerate(names) if name.startswith("Å"))
    assert last_o_slash < first_a_ring
    assert names[-1].startswith(("Å", "Aa"))


def test_overview_shows_the_same_plan_as_the_public_plan_page(db):
    current = adopted_plan("0301", "F1", "F2", "F3", start_year=2023, end_year=2026)
    adopted_plan("0301", start_year=2027, end_year=2030, adopted_on=date(2026, 4, 1))
    assert selectors.plan_in_force(municipality("0301"), today=TODAY) == current
    row = next(
        row for row in Client().get(OVERVIEW).context["rows"] if row.municipality.number == "0301"
    )
    assert row.plan == current
    assert row.covered == 3


def test_overview_prefers_the_plan_in_force_over_an_expired_one(db):
    adopted_plan("0301", start_year=2020, end_year=2023, status=Plan.Status.EXPIRED)
    current = adopted_plan("0301", "F1", start_year=2024, end_year=2027)
    rows = Client().get(OVERVIEW).context["rows"]
    row = next(row for row in rows if row.municipality.number == "0301")
    assert row.plan == current


# --- one municipality's plan ----------------------------------------------------


def test_plan_page_answers_200_for_a_municipality_with_an_adopted_plan(db):
    adopted_plan("0301", "F1", "B1", foreword="Vi skal bli tryggere.")
    response = Client().get("/handlingsplaner/0301/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Oslo" in html
    assert "2026–2029" in html
    assert "2026/12" in html
    assert "Vi skal bli tryggere." in html
    assert catalogue("B1").title_nb in html


def test_plan_page_shows_the_reason_a_measure_was_left_out(db, coordinator):
    plan = adopted_plan("0301", "F1")
    services.coverage_set(
        plan=plan,
        actor=coordinator,
        measure=catalogue("F4"),
        coverage="none",
        reason="Kommunen har ingen videregående skole",
    )
    html = Client().get("/handlingsplaner/0301/").content.decode()
    assert "Kommunen har ingen videregående skole" in html


@pytest.mark.parametrize("status", [Plan.Status.DRAFT, Plan.Status.CONSULTATION])
def test_plan_page_answers_404_when_the_plan_is_not_adopted(db, status):
    PlanFactory(municipality=municipality("0301"), status=status)
    assert Client().get("/handlingsplaner/0301/").status_code == 404
    assert Client().get("/handlingsplaner/0301/handlingsplan.pdf").status_code == 404


def test_plan_page_answers_404_for_a_municipality_without_a_plan(db):
    assert Client().get("/handlingsplaner/4601/").status_code == 404


@pytest.mark.parametrize("number", ["0000", "9898", "abcd", "03011", "%20"])
def test_plan_page_answers_404_for_an_unknown_number(db, number):
    assert Client().get(f"/handlingsplaner/{number}/").status_code == 404


def test_an_expired_plan_is_still_shown_as_expired(db):
    adopted_plan("0301", start_year=2020, end_year=2023, status=Plan.Status.EXPIRED)
    response = Client().get("/handlingsplaner/0301/")
    assert response.status_code == 200
    assert response.context["plan"].status == Plan.Status.EXPIRED
    assert 'data-color="warning"' in response.content.decode()


@pytest.fixture
def plan_with_named_staff(db):
    oslo = municipality("0301")
    person = member(
        oslo, Role.CASE_WORKER, email="zebulon.hemmelig@oslo.test", full_name="Zebulon Hemmeligsen"
    )
    plan = adopted_plan("0301")
    pm = PlanMeasureFactory(
        plan=plan, measure=catalogue("F7"), responsible_person=person, due_on=date(2026, 9, 1)
    )
    services.note_add(plan_measure=pm, actor=person, text="Notat fra Zebulon")
    services.milestone_add(plan_measure=pm, actor=person, title="Fagdag", due_on=date(2026, 6, 1))
    services.version_save(plan=plan, actor=person, label="Vedtatt")
    return plan


def test_public_plan_page_never_names_the_responsible_person(plan_with_named_staff):
    html = Client().get("/handlingsplaner/0301/").content.decode()
    assert catalogue("F7").title_nb in html
    assert "Fagdag" in html
    for secret in ("Zebulon", "Hemmeligsen", "zebulon.hemmelig@oslo.test", "oslo.test"):
        assert secret not in html


def test_public_pdf_never_names_the_responsible_person(plan_with_named_staff, monkeypatch):
    # The real PDF is compressed; look at the HTML it is drawn from instead.
    monkeypatch.setattr(pdf, "render_pdf", lambda html: b"%PDF-test\n" + html.encode())
    content = Client().get("/handlingsplaner/0301/handlingsplan.pdf").content.decode()
    assert catalogue("F7").title_nb in content
    for secret in ("Zebulon", "Hemmeligsen", "zebulon.hemmelig@oslo.test"):
        assert secret not in content


def test_public_overview_never_names_staff(plan_with_named_staff):
    assert "Zebulon" not in Client().get(OVERVIEW).content.decode()


def test_public_pdf_is_a_pdf(db):
    adopted_plan("0301", "F1", "B3")
    response = Client().get("/handlingsplaner/0301/handlingsplan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.cookies == {}


@pytest.mark.parametrize(
    "path",
    [
        OVERVIEW,
        OVERVIEW + "?sorter=dekning",
        "/handlingsplaner/0301/",
        "/en/handlingsplaner/",
        "/nn/handlingsplaner/0301/",
    ],
)
def test_public_plan_pages_set_no_cookies(db, path):
    adopted_plan("0301", "F1")
    response = Client().get(path)
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers


def test_public_pages_need_no_login_and_ignore_a_staff_session(plan_with_named_staff, login):
    staff = member(
        municipality("0301"), Role.COORDINATOR, email="k@oslo.test", full_name="Koordinator K"
    )
    html = login(staff).get("/handlingsplaner/0301/").content.decode()
    assert "Zebulon" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/handlingsplaner/%00/",
        "/en/handlingsplaner/%00/handlingsplan.pdf",
        "/handlingsplaner/03%0001/",
        "/handlingsplaner/0301%00/handlingsplan.pdf",
        "/handlingsplaner/030/",
        "/handlingsplaner/03011/",
        "/handlingsplaner/abcd/handlingsplan.pdf",
    ],
)
def test_a_plan_address_without_a_four_digit_number_is_404(db, path):
    # A NUL byte used to reach PostgreSQL (which refuses it) and answer 500.
    assert Client().get(path).status_code == 404
