"""Every staff form that fails shows one error summary at the top, with a link to each field
that reaches an element of the page (Designsystemet's error summary pattern)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.directory.factories import OrganizationFactory
from tests.directory.test_staff_services import service_data
from tests.directory.test_staff_synonyms import formset_data
from tests.plans.factories import PlanFactory, PlanMeasureFactory


def _summary(html: str) -> tuple[list[str], list[str]]:
    """The summary's link targets and its item texts; fails if there is not exactly one."""
    assert html.count('class="ds-error-summary') == 1, "one error summary on the page"
    block = html.split('class="ds-error-summary', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="#([^"]+)"', block), re.findall(r"<li>(.*?)</li>", block, re.S)


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


CASES = {
    "unit": lambda home: (reverse("core:unit_create"), {"name": ""}),
    "member invite": lambda home: (reverse("core:member_invite"), {"email": "ikke-en-adresse"}),
    "plan": lambda home: (reverse("plans:plan_create"), {"title": ""}),
    "plan status": lambda home: (
        reverse("plans:plan_status", args=[PlanFactory(municipality=home).pk]),
        {"status": "adopted", "adopted_on": "", "case_reference": ""},
    ),
    "milestone": lambda home: (
        reverse("plans:plan_measure_detail", args=[PlanMeasureFactory(plan__municipality=home).pk]),
        {"action": "milestone", "milestone-title": "", "milestone-due_on": "i morgen"},
    ),
    "coverage": lambda home: (
        reverse("plans:coverage", args=[PlanFactory(municipality=home).pk]),
        {"measure": "F3", "coverage": "partial", "reason": ""},
    ),
    "organisation": lambda home: (reverse("directory:organization_create"), {"name": ""}),
    "service": lambda home: (
        reverse("directory:service_create"),
        service_data(OrganizationFactory(owner=home), name="", **{"phones-0-number": "abc"}),
    ),
    "synonyms": lambda home: (
        reverse("directory:synonyms"),
        formset_data([], ("", "vold")),
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_failed_staff_form_links_each_error_to_its_field(case, home, admin, login):
    url, data = CASES[case](home)
    response = login(admin).post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    targets, items = _summary(html)
    assert targets, "at least one link to a field"
    missing = [target for target in targets if target not in _ids(html)]
    assert missing == [], "every link reaches an element of the page"
    assert len(items) >= len(targets)


def test_the_summary_names_the_field_and_says_what_is_wrong(home, admin, login):
    response = login(admin).post(reverse("plans:plan_create"), {"title": ""})
    targets, items = _summary(response.content.decode())
    assert "id_title" in targets
    assert any(item.startswith('<a class="ds-link" href="#id_title">Tittel:') for item in items)
