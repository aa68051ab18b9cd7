"""Shared role test, generated from each staff view's declared roles.

``staff_view`` records the roles a view admits on the wrapper (``vern_roles``).
For every staff view, a member of the same municipality who holds every other
municipal role, and none of the declared ones, must be refused on GET and POST
and change nothing.
"""

from tests.security.checks import wrong_role_problems


def test_members_without_a_declared_role_are_refused_and_change_nothing(home, all_roles, login):
    problems, tried = wrong_role_problems(owner=home, owner_client=login(all_roles), login=login)
    assert problems == []
    # Views for administrators only, for plan writers, and for everyone but
    # organisation editors were all tried.
    assert {"core:member_remove", "plans:plan_edit", "core:unit_list"} <= set(tried)
    assert {"audit:entry_detail", "directory:synonyms", "plans:review_create"} <= set(tried)
