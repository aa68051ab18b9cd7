"""Tests of the shared tests: each must fail when a later view forgets the rules.

``broken_urls`` reuses the URL names core:unit_edit and core:unit_delete so
the real unit builder applies, but points them at faulty views.
"""

import pytest

from tests.security.checks import (
    audit_problems,
    post_tenancy_problems,
    shut_out_problems,
    tenancy_problems,
    undeclared_views,
    wrong_role_problems,
)
from vern.core.models import MUNICIPAL_ROLES, Role


@pytest.fixture(autouse=True)
def broken_urlconf(settings):
    settings.ROOT_URLCONF = "tests.security.broken_urls"


def test_undecorated_staff_view_is_reported():
    assert undeclared_views() == ["core:list (ansatt/list/)"]


def test_unscoped_view_is_reported(home, all_roles, outsider, login):
    problems = tenancy_problems(
        owner=home, owner_client=login(all_roles), outsider_client=login(outsider)
    )
    assert "core:unit_edit: another municipality got 200, not 404" in problems
    assert any("core:unregistered" in p and "no builder" in p for p in problems)


def test_view_without_audit_entry_is_reported(home, all_roles, login):
    problems = audit_problems(owner=home, owner_client=login(all_roles))
    assert problems == ["core:unit_delete: shows core.unit but wrote no audit read entry"]


def test_records_shown_to_an_organisation_editor_without_organisation_are_reported(
    home, orgless_editor, login, settings
):
    settings.ROOT_URLCONF = "tests.security.leaky_urls"
    problems = shut_out_problems(owner=home, client=login(orgless_editor))
    assert problems == ["leaky: shows the municipality's records"]


def test_a_unit_scoped_view_that_does_not_narrow_is_reported(home, login, settings):
    from tests.security.checks import unit_problems

    settings.ROOT_URLCONF = "tests.kernel_app.broken_urls"
    assert unit_problems(owner=home, login=login) == [
        "kernel:case_summary: another unit got 200, not 404"
    ]


def test_writes_from_another_municipality_are_reported(home, all_roles, outsider, login, settings):
    settings.ROOT_URLCONF = "tests.security.broken_write_urls"
    problems, posted = post_tenancy_problems(
        owner=home, owner_client=login(all_roles), outsider_client=login(outsider)
    )
    assert problems == [
        # A decorator that saves before staff_view has looked at anything.
        "core:unit_edit: another municipality's POST (empty body) got 302, not 404",
        "core:unit_edit: another municipality's POST changed core_unit",
        # 404 in the end, but the write came first: only the snapshot shows it.
        "core:unit_delete: another municipality's POST changed core_unit",
        # Only the page's own form, filled in, reaches the unscoped write.
        "core:member_remove: another municipality's POST (form 2, button confirm=yes) "
        "got 302, not 404",
        "core:member_remove: another municipality's POST changed core_membership",
    ]
    assert posted == [
        "core:unit_edit",
        "core:unit_delete",
        "core:member_detail",
        "core:member_remove",
    ]


def test_views_letting_in_roles_they_do_not_declare_are_reported(home, all_roles, login, settings):
    settings.ROOT_URLCONF = "tests.security.broken_write_urls"
    problems, tried = wrong_role_problems(owner=home, owner_client=login(all_roles), login=login)
    others = ", ".join(sorted(MUNICIPAL_ROLES - {Role.ADMIN}))
    assert problems == [
        f"core:unit_edit: POST (empty body) as {others} got 302, not 403 or 404",
        f"core:unit_edit: requests as {others} changed core_unit",
        # Declares administrators only, but runs the default role check.
        f"core:member_detail: GET as {others} got 200, not 403 or 404",
        f"core:member_detail: POST (empty body) as {others} got 200, not 403 or 404",
    ]
    assert tried == [
        "core:unit_edit",
        "core:unit_delete",
        "core:member_detail",
        "core:member_remove",
    ]
