"""Tests of the shared tests: each must fail when a later view forgets the rules.

``broken_urls`` reuses the URL names core:unit_edit and core:unit_delete so
the real unit builder applies, but points them at faulty views.
"""

import pytest

from tests.security.checks import (
    audit_problems,
    shut_out_problems,
    tenancy_problems,
    undeclared_views,
)


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
