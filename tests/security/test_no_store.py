"""Shared test: no staff page, PDF or redirect may be kept in a browser's or proxy's cache."""

from django.test import Client

from tests.security.checks import cache_problems


def test_every_staff_url_says_no_store(home, all_roles, login):
    assert cache_problems(owner=home, owner_client=login(all_roles)) == []


def test_staff_urls_say_no_store_to_a_visitor_who_is_not_logged_in(home):
    assert cache_problems(owner=home, owner_client=Client()) == []
