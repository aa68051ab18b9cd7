"""Plan pages show dates and indicator values in the reader's language; charts keep dots."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
from vern.plans.models import Indicator, Measurement

DAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("language", "adopted", "wrong"),
    [
        ("nb", "10. februar 2026", "10.02.2026"),
        ("nn", "10. februar 2026", "10.02.2026"),
        ("en", "10 February 2026", "10. February 2026"),
    ],
)
def test_plan_pages_show_dates_and_values_in_the_readers_language(
    home, coordinator, login, clock, language, adopted, wrong
):
    clock(date(2026, 3, 1))
    plan = PlanFactory(municipality=home, adopted=True)
    pm = PlanMeasureFactory(plan=plan, measure=catalogue("F7"), due_on=date(2026, 12, 6))
    indicator = Indicator.objects.create(
        plan_measure=pm, name="Andel", target=Decimal("12.50"), baseline=Decimal("3.25")
    )
    Measurement.objects.create(indicator=indicator, measured_on=DAY, value=Decimal("7.50"))
    client = login(coordinator)
    with translation.override(language):
        detail = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
        measure = client.get(reverse("plans:plan_measure_detail", args=[pm.pk])).content.decode()
        progress = client.get(reverse("plans:progress", args=[plan.pk])).content.decode()
    assert adopted in detail and wrong not in detail
    due = {"en": "6 December 2026"}.get(language, "6. desember 2026")
    for html in (detail, measure):
        text = re.sub(r"<[^>]*>", " ", html)  # a date field's value stays ISO
        assert due in text
        assert "2026-12-06" not in text and "06.12.2026" not in text
    decimal = "12.5" if language == "en" else "12,5"
    assert decimal in measure and decimal in progress
    if language != "en":
        assert "12.5" not in measure
        # The chart's coordinates keep a dot in every language.
        assert re.search(r'cx="\d+(\.\d+)?"', progress)
        assert not re.search(r'(cx|cy|y|x)="\d+,\d', progress)


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("nb", "Vedtatt 10. februar 2026 (2026/14)"),
        ("nn", "Vedteken 10. februar 2026 (2026/14)"),
        ("en", "Adopted 10 February 2026 (2026/14)"),
    ],
)
def test_an_adoptions_version_is_named_in_the_readers_language(
    home, coordinator, login, clock, language, label
):
    from vern.plans.services import plan_set_status

    clock(date(2026, 2, 12))
    plan = PlanFactory(municipality=home)
    with translation.override("nb"):  # adopted by someone reading bokmål
        plan_set_status(
            plan=plan,
            actor=coordinator,
            status="adopted",
            adopted_on=date(2026, 2, 10),
            case_reference="2026/14",
        )
    with translation.override(language):
        html = login(coordinator).get(reverse("plans:plan_versions", args=[plan.pk]))
    assert label in html.content.decode()


def test_an_old_adoption_version_stays_readable_and_becomes_a_code(home, coordinator, clock):
    import importlib

    from django.apps import apps

    from vern.plans.models import PlanVersion

    clock(date(2026, 2, 12))
    plan = PlanFactory(municipality=home)
    old = PlanVersion.objects.create(
        plan=plan, number=1, label="Vedtatt 2026-02-10 (2026/14)", snapshot={}
    )
    own = PlanVersion.objects.create(plan=plan, number=2, label="Etter høringen", snapshot={})
    importlib.import_module("vern.plans.migrations.0004_formats_version_label").to_codes(apps, None)
    old.refresh_from_db()
    own.refresh_from_db()
    with translation.override("en"):
        assert old.label_text == "Adopted 10 February 2026 (2026/14)"
        assert own.label_text == "Etter høringen"


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("nb", "Halvårlig gjennomgang 11. september 2026"),
        ("en", "Six-monthly review 11 September 2026"),
    ],
)
def test_a_reviews_page_title_has_a_readable_date(home, coordinator, login, clock, language, title):
    from vern.plans.models import Review

    clock(date(2026, 9, 20))
    plan = PlanFactory(municipality=home, adopted=True)
    review = Review.objects.create(
        plan=plan,
        municipality=home,
        kind="half_year",
        held_on=date(2026, 9, 11),
        created_by=coordinator,
    )
    with translation.override(language):
        html = login(coordinator).get(reverse("plans:review_detail", args=[review.pk]))
    found = re.search(r"<title>(.*?)</title>", html.content.decode(), re.S).group(1)
    assert title in found
    assert "2026-09-11" not in html.content.decode()
