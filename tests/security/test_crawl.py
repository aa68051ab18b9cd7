"""Walk the demo as every demo role and as a resident, in bokmål, nynorsk and English.

The unit tests elsewhere use small factory data; this walks the demo's real
data through every link a person can follow, so a page that only breaks on
real content (a service with languages, a chart with decimals) is found.
See tests/security/crawl.py for what is checked and how the walk is bounded.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client

from tests.conftest import verified_client
from tests.security.crawl import PREFIXES, Crawl, language_of
from vern.core.demo import DEMO_NUMBER, load_demo
from vern.core.models import User

STAFF_AREAS = ("/ansatt/", "/konto/")


def _path(path: str) -> str:
    language = language_of(path) or "nb"
    prefix = PREFIXES[language]
    return path[len(prefix) :] if prefix and path.startswith(prefix + "/") else path


def _staff_page(path: str) -> bool:
    return _path(path).startswith(STAFF_AREAS)


def _public_page(path: str) -> bool:
    return not _path(path).startswith("/ansatt/")


@pytest.fixture
def demo(db):
    return load_demo(password="crawl-demo-passord")


def test_every_demo_role_reaches_only_working_translated_staff_pages(demo):
    problems = []
    reached: set[str] = set()
    files = Counter()  # each PDF pattern once per language, for all roles together
    starts = [f"{prefix}/ansatt/" for prefix in PREFIXES.values()]
    for login in demo:
        user = User.objects.get(email=login.email)
        client = verified_client(user)
        crawl = Crawl(client, who=login.email, allow=_staff_page, files=files).run(starts)
        problems += crawl.problems
        reached |= {name for _language, name in crawl.patterns}
    assert not problems, "\n".join(problems)
    # The walk really went through the staff side, not just the front page.
    for name in (
        "directory:service_detail",
        "plans:progress",
        "plans:plan_pdf",
        # The demo's review, its two versions and the outside editor's proposal.
        "plans:review_detail",
        "plans:review_edit",
        "plans:plan_compare",
        "directory:pending_detail",
    ):
        assert name in reached


def test_the_public_pages_work_and_are_translated(demo):
    pages = ("/", f"/kommune/{DEMO_NUMBER}/")
    starts = [f"{prefix}{page}" for prefix in PREFIXES.values() for page in pages]
    crawl = Crawl(Client(), who="anonymous", allow=_public_page).run(starts)
    assert not crawl.problems, "\n".join(crawl.problems)
