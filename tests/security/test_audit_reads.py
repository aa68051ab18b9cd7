"""Shared audit test: every staff page that shows personal data leaves a read entry."""

from tests.security.checks import audit_problems
from tests.security.staff_urls import staff_urls


def test_some_views_declare_personal_data():
    assert any(getattr(url.callback, "vern_personal_data", None) for url in staff_urls())


def test_every_personal_data_view_writes_a_read_entry(home, all_roles, login):
    assert audit_problems(owner=home, owner_client=login(all_roles)) == []
