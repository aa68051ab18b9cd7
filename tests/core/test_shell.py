"""The staff shell: each app's menu entry and front-page card, by role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import MembershipFactory, UserFactory
from vern.core import shell
from vern.core.models import Role

PLANS = reverse("plans:plan_list")
SERVICES = reverse("directory:service_list")
COMPETENCE = reverse("competence:overview")
PREVENTION = reverse("prevention:overview")
PATHWAYS = reverse("pathways:pathway_list")
UNITS = reverse("core:unit_list")
CONSULTATIONS = reverse("consultations:overview")
USERS = reverse("core:member_list")
AUDIT = reverse("audit:entry_list")
NOTIFICATIONS = reverse("core:notification_list")
SCHOOLS = reverse("schools:case_list")
SIGNAL = reverse("schools:signal_create")


def _nav(page: str) -> list[str]:
    """The hrefs of the staff menu, in order."""
    match = re.search(r'<nav class="vern-container vern-staff-nav".*?</nav>', page, re.S)
    return re.findall(r'href="([^"]+)"', match.group(0)) if match else []


def _cards(page: str) -> list[str]:
    return re.findall(r'<a class="ds-card" href="([^"]+)"', page)


def _dashboard(client) -> str:
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_coordinator_sees_plans_services_and_units(coordinator, login):
    page = _dashboard(login(coordinator))
    assert _nav(page) == [
        reverse("core:dashboard"),
        PLANS,
        SERVICES,
        COMPETENCE,
        PATHWAYS,
        PREVENTION,
        UNITS,
        SCHOOLS,
        CONSULTATIONS,
        NOTIFICATIONS,
    ]
    assert _cards(page) == [
        PLANS,
        SERVICES,
        COMPETENCE,
        PATHWAYS,
        PREVENTION,
        UNITS,
        SCHOOLS,
        SIGNAL,
        CONSULTATIONS,
    ]


def test_an_administrator_also_sees_users_and_the_audit_log(admin, login):
    """The municipality's administrator, holding no school's role, is not offered the
    school pages (``unit_only``): they would refuse."""
    client = login(admin)
    page = _dashboard(client)
    assert _nav(page) == [
        reverse("core:dashboard"),
        PLANS,
        SERVICES,
        COMPETENCE,
        PREVENTION,
        UNITS,
        CONSULTATIONS,
        USERS,
        AUDIT,
        NOTIFICATIONS,
    ]
    assert _cards(page) == [
        PLANS,
        SERVICES,
        COMPETENCE,
        PREVENTION,
        UNITS,
        CONSULTATIONS,
        USERS,
        AUDIT,
    ]
    assert client.get(SCHOOLS).status_code == 403
    assert client.get(SIGNAL).status_code == 403


def test_a_unit_only_role_counts_when_held_for_a_unit_only():
    from vern.core.shell import Viewer

    allowed = frozenset({Role.ADMIN, Role.SCHOOL_CONTACT})
    only = frozenset({Role.ADMIN})
    whole_admin = Viewer(None, None, frozenset({Role.ADMIN}), frozenset({Role.ADMIN}))
    principal = Viewer(None, None, frozenset({Role.ADMIN}), frozenset())
    both = Viewer(None, None, frozenset({Role.ADMIN, Role.SCHOOL_CONTACT}), frozenset({Role.ADMIN}))
    assert not whole_admin.sees(allowed, whole_municipality=False, unit_only=only)
    assert whole_admin.sees(allowed, whole_municipality=False)
    assert principal.sees(allowed, whole_municipality=False, unit_only=only)
    assert both.sees(allowed, whole_municipality=False, unit_only=only)


def test_an_outside_organisation_editor_sees_only_the_directory(home, login):
    outside = UserFactory(email="krisesenter@example.test")
    MembershipFactory(user=outside, municipality=home, role=Role.ORG_EDITOR)
    page = _dashboard(login(outside))
    assert _nav(page) == [reverse("core:dashboard"), SERVICES, NOTIFICATIONS]
    assert _cards(page) == [SERVICES]


def test_the_national_role_sees_the_directory_card_and_no_municipal_menu(db, login):
    national = UserFactory(email="nasjonal@example.test")
    MembershipFactory(user=national, municipality=None, role=Role.NATIONAL)
    with translation.override("en"):
        page = _dashboard(login(national))
        assert "Vern – national role" in page
        assert _nav(page) == []
        assert _cards(page) == [reverse("directory:service_list")]


def test_the_menu_marks_the_section_of_the_page_shown(coordinator, login):
    page = login(coordinator).get(PLANS).content.decode()
    assert f'href="{PLANS}" aria-current="page"' in page
    assert f'href="{SERVICES}" aria-current' not in page


@pytest.fixture
def clean_registry():
    """Put the registry back as the apps left it after a test that adds to it."""
    saved = (list(shell.registry.nav), list(shell.registry.cards), list(shell.registry.providers))
    yield
    shell.registry.nav[:], shell.registry.cards[:], shell.registry.providers[:] = saved


def test_an_app_adds_its_entry_card_and_items_by_registering(
    clean_registry, home, reader, case_worker, login
):
    """A new app needs no change in core: it registers, and the shell shows it."""

    def count(user, municipality, roles, today):
        return shell.CardCount(2, "2 mangler svar")

    def needs(user, municipality, roles, today):
        return [
            shell.NeedsItem(
                label="Skolestart: Ola har ikke møtt",
                url="/ansatt/skole/1/",
                state=shell.OVERDUE,
                app="Skole",
                due_on=today,
            )
        ]

    shell.register_nav(label="Skole", url_name="core:unit_create", roles={Role.READER}, order=90)
    shell.register_card(
        title="Skolerutiner",
        description="Elever som ikke møter.",
        url_name="core:unit_create",
        roles={Role.READER},
        order=90,
        count=count,
    )
    shell.register_needs(needs)
    shell.register_needs(needs)  # registering twice adds it once

    page = _dashboard(login(reader))
    assert "Skolerutiner" in page and "2 mangler svar" in page
    assert ">Skole</a>" in page
    assert page.count("Skolestart: Ola har ikke møtt") == 1

    # Another role: neither the entry nor the card, though the provider decides its own items.
    other_page = _dashboard(login(case_worker))
    assert "Skolerutiner" not in other_page and ">Skole</a>" not in other_page


def test_core_templates_name_no_feature_app():
    """The staff menu and the front page come from the registry, not from core naming apps."""
    root = Path(__file__).resolve().parents[2] / "src" / "vern"
    templates = [
        root / "templates" / "staff" / "base.html",
        *sorted((root / "core" / "templates" / "core").glob("*.html")),
    ]
    for template in templates:
        text = template.read_text()
        for app in ("plans", "directory", "audit"):
            assert f"'{app}:" not in text and f'"{app}:' not in text, (template.name, app)
        assert "directory_staff" not in text, template.name
