"""Shared tenancy test: every staff page with an object id answers 404 to another municipality."""

from tests.security.checks import (
    shut_out_problems,
    tenancy_problems,
    undeclared_views,
    unit_problems,
)
from tests.security.staff_urls import staff_urls


def test_staff_urls_are_found():
    names = {url.name for url in staff_urls()}
    assert {"core:unit_edit", "core:member_detail", "audit:entry_detail"} <= names


def test_every_staff_view_is_declared():
    assert undeclared_views() == []


def test_objects_of_another_municipality_answer_404(home, all_roles, outsider, login):
    problems = tenancy_problems(
        owner=home, owner_client=login(all_roles), outsider_client=login(outsider)
    )
    assert problems == []


def test_an_organisation_editor_without_organisation_sees_nothing(home, orgless_editor, login):
    """The "outsider with no organisation": the organisation editor role of the
    municipality, but no organisation (removed, or dropped by an import)."""
    assert shut_out_problems(owner=home, client=login(orgless_editor)) == []


def test_unit_scoped_views_answer_404_to_another_unit(home, login):
    """Every unit_scoped page with an id: its unit's people open it, another unit's get 404."""
    assert unit_problems(owner=home, login=login) == []
