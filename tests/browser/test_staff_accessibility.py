"""axe-core finds no violations on one page of every staff URL pattern, at 1280 and 360 px,
and no page is wider than a 360 px window.

The demo is loaded and walked with Django's test client by the crawler of
tests/security/crawl.py, as every demo role (the coordinator, the administrator
and the editor first) and as an organisation editor from outside the
municipality, in bokmål only, keeping the first address found for each URL
pattern and who found it (the organisation editor's pages are kept apart:
their edit page is a proposal form). Each of those pages is then opened once in
Chromium, logged in as that person by handing the browser the test client's
session cookie, and axe runs at 1280 px wide and again after narrowing the
window to 360 px, in the same page load.

Files (the PDFs) are not pages and are left out; their tagging is tested in
tests/plans/test_pdf_accessibility.py.
"""

from __future__ import annotations

import importlib
from collections import Counter

import pytest
from django.apps import apps
from django.conf import settings

from tests.browser.test_accessibility import WIDTHS, axe_violations
from tests.conftest import verified_client
from tests.security.crawl import Crawl, _status_only
from vern.core.demo import load_demo
from vern.core.models import User
from vern.directory.demo import DEMO_ORG_EDITOR
from vern.directory.models import TaxonomyTerm

STAFF_AREAS = ("/ansatt/", "/konto/")
# Whose walk comes first decides whose session opens a page that several reach.
FIRST_ROLES = ("koordinator@", "admin@", "redaktor@")


def _order(email: str) -> int:
    for index, start in enumerate(FIRST_ROLES):
        if email.startswith(start):
            return index
    return len(FIRST_ROLES)


def _staff_page(path: str) -> bool:
    return path.startswith(STAFF_AREAS)


def staff_pages(emails: list[str], *, own: tuple[str, ...] = ()) -> dict[str, tuple[str, object]]:
    """One address per staff URL pattern: {pattern: (address, test client)}.

    The people in ``own`` see other versions of the same pages (an organisation
    editor's edit page is a proposal form), so their pages are kept apart,
    under "pattern (e-mail)".
    """
    pages: dict[str, tuple[str, object]] = {}
    problems: list[str] = []
    files = Counter()
    for email in sorted(emails, key=_order):
        client = verified_client(User.objects.get(email=email))
        crawl = Crawl(
            client,
            who=email,
            allow=_staff_page,
            per_pattern={"nb": 1, "nn": 0, "en": 0},
            files=files,
        ).run(["/ansatt/"])
        problems += crawl.problems
        found: dict[str, str] = {}
        for url in crawl.visited:
            key = crawl._key(url)
            if key and not _status_only(url.split("?")[0]):
                found.setdefault(key[1], url)
        for pattern, url in found.items():
            pages.setdefault(f"{pattern} ({email})" if email in own else pattern, (url, client))
    assert not problems, "\n".join(problems)
    return pages


# The demo's editor from outside the municipality, who proposes changes instead of saving them.
ORGANISATION_EDITOR = DEMO_ORG_EDITOR


@pytest.fixture
def demo(reference_data):
    """The demo's people.

    Earlier browser tests flush the directory's reference data, so it is loaded again."""
    if not TaxonomyTerm.objects.exists():
        for migration in ("0003_taxonomies", "0004_national_services", "0005_synonyms"):
            importlib.import_module(f"vern.directory.migrations.{migration}").load(apps, None)
    logins = load_demo(password="axe-demo-passord")
    return [login.email for login in logins]


# What axe and the width check look at (markup, styles, layout) does not depend on the
# database, and this walk is the suite's longest test (about a quarter of CI's time on one
# core). It runs on SQLite; on PostgreSQL, tests/security/test_crawl.py still opens every
# staff page of the same demo as every role and checks it answers and is translated.
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="layout and accessibility do not depend on the database: checked on SQLite",
)
@pytest.mark.browser
def test_no_axe_violations_on_any_staff_page_at_1280_and_360_px(new_context, live_server, demo):
    pages = staff_pages(demo, own=(ORGANISATION_EDITOR,))
    # The walk reached the staff side's pages, not just the front page.
    for pattern in (
        "core:dashboard",
        "plans:progress",
        "directory:service_detail",
        f"directory:service_edit ({ORGANISATION_EDITOR})",
        # The demo's review, its two versions and the outside editor's proposal.
        "plans:review_detail",
        "plans:plan_compare",
        "directory:pending_detail",
    ):
        assert pattern in pages, sorted(pages)

    contexts = {}
    failures = []
    for pattern, (url, client) in sorted(pages.items()):
        if id(client) not in contexts:
            # bypass_csp: axe is added as an inline script, which the site's CSP forbids.
            context = new_context(bypass_csp=True, viewport={"width": WIDTHS[0], "height": 900})
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
            contexts[id(client)] = context.new_page()
        page = contexts[id(client)]
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{pattern} {url}"
        assert "/konto/logg-inn/" not in page.url, f"{pattern} {url}: not logged in"
        failures += [f"{pattern} {url} {failure}" for failure in axe_violations(page)]
        # axe leaves the window at the narrowest width: the page must fit it (WCAG 1.4.10),
        # wide tables scrolling inside their own box.
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > WIDTHS[-1]:
            # Name the elements that reach past the window, so the fix can start there.
            culprits = page.evaluate(
                """(width) => [...document.querySelectorAll("body *")]
                    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
                    .slice(-3)
                    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))""",
                WIDTHS[-1],
            )
            failures.append(
                f"{pattern} {url} is {page_width} px wide at {WIDTHS[-1]} px: {culprits}"
            )
    assert not failures, "\n\n".join(failures)
