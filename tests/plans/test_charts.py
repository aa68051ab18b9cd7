"""The progress page's charts: numbers browsers can read, axes with values, readable text."""

import re
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import translation

from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
from tests.security.crawl import svg_problems
from vern.plans import services

# How wide Chromium draws the charts on a 360 px wide phone (measured on the demo's
# progress page): the indicator chart 288 px, the status chart 328 px.
PHONE_CHART_WIDTH = 288
PHONE_STATUS_CHART_WIDTH = 328
SMALLEST_READABLE_PX = 12


@pytest.fixture
def progress_plan(home, coordinator, clock):
    clock(date(2026, 5, 4))
    plan = PlanFactory(municipality=home, adopted=True)
    pm = PlanMeasureFactory(plan=plan, measure=catalogue("F7"), due_on=date(2026, 9, 1))
    indicator = services.indicator_add(
        plan_measure=pm,
        actor=coordinator,
        name="Andel med opplæring",
        unit="%",
        baseline=Decimal("35"),
        target=Decimal("90"),
    )
    # Values and dates that give coordinates with decimals.
    for measured_on, value in (
        (date(2025, 6, 3), Decimal("38.5")),
        (date(2025, 9, 17), Decimal("47")),
        (date(2026, 1, 8), Decimal("55.25")),
        (date(2026, 4, 2), Decimal("61")),
    ):
        services.measurement_add(
            indicator=indicator, actor=coordinator, measured_on=measured_on, value=value
        )
    return plan


def _progress_page(client, plan, language) -> str:
    with translation.override(language):
        response = client.get(reverse("plans:progress", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _indicator_svg(page: str) -> str:
    match = re.search(r'<svg class="vern-chart vern-chart-small".*?</svg>', page, re.S)
    assert match, "no indicator chart on the page"
    return match.group(0)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_chart_coordinates_are_numbers_in_every_language(
    progress_plan, coordinator, login, language
):
    page = _progress_page(login(coordinator), progress_plan, language)
    assert svg_problems(page) == []
    svg = _indicator_svg(page)
    # Four measurements, four dots, one line through them, the target line.
    assert svg.count("<circle") == 4
    assert "<polyline" in svg
    assert 'class="vern-chart-target"' in svg


@pytest.mark.parametrize(
    ("language", "ticks"), [("nb", ["40", "60", "80"]), ("en", ["40", "60", "80"])]
)
def test_the_indicator_chart_has_axes_with_values(
    progress_plan, coordinator, login, language, ticks
):
    svg = _indicator_svg(_progress_page(login(coordinator), progress_plan, language))
    axis_texts = re.findall(r'<text[^>]*class="vern-chart-axis"[^>]*>([^<]*)</text>', svg)
    for tick in ticks:
        assert tick in axis_texts
    assert 'class="vern-chart-axis-line"' in svg
    # The x axis names the time of the first and the last measurement.
    months = {"nb": ("jun 2025", "apr 2026"), "en": ("Jun 2025", "Apr 2026")}[language]
    for label in months:
        assert any(label.lower() in text.lower() for text in axis_texts), (label, axis_texts)


def test_the_indicator_chart_text_is_readable_on_a_phone(progress_plan, coordinator, login):
    svg = _indicator_svg(_progress_page(login(coordinator), progress_plan, "nb"))
    width = float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg).group(1))
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    texts = svg.count("<text")
    assert texts and len(sizes) == texts, "every text has its own font size"
    # The chart is scaled to fit the phone: a font size in the viewBox becomes
    # size * PHONE_CHART_WIDTH / width pixels on the screen.
    assert min(sizes) * PHONE_CHART_WIDTH / width >= SMALLEST_READABLE_PX


def _status_svg(page: str) -> str:
    match = re.search(r'<svg class="vern-chart vern-chart-status".*?</svg>', page, re.S)
    assert match, "no status chart on the page"
    return match.group(0)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_status_chart_text_is_readable_on_a_phone(progress_plan, coordinator, login, language):
    svg = _status_svg(_progress_page(login(coordinator), progress_plan, language))
    assert svg_problems(svg) == []
    width = float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg).group(1))
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    texts = svg.count("<text")
    assert texts and len(sizes) == texts, "every text has its own font size"
    assert min(sizes) * PHONE_STATUS_CHART_WIDTH / width >= SMALLEST_READABLE_PX
    # Each area's total is written beside its bar.
    assert re.search(r'class="vern-chart-label">1</text>', svg)


def test_month_labels_do_not_overlap_in_nynorsk(progress_plan, coordinator, login):
    """Nynorsk writes "april 2026" where bokmål writes "apr 2026": each label's
    own width decides which are shown."""
    from vern.plans.charts import _text_width

    svg = _indicator_svg(_progress_page(login(coordinator), progress_plan, "nn"))
    months = re.findall(
        r'<text x="([\d.]+)"[^>]*text-anchor="(start|middle|end)"[^>]*class="vern-chart-axis">'
        r"([^<]*20\d\d)</text>",
        svg,
    )
    edges = []
    for x, anchor, text in months:
        width = _text_width(text)
        left = {"start": float(x), "middle": float(x) - width / 2, "end": float(x) - width}[anchor]
        edges.append((left, left + width))
    assert len(edges) >= 2
    for (_left, right), (left, _right) in pairwise(edges):
        assert left > right, months
