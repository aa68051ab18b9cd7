"""Browser tests: Playwright (sync API) driving Debian's Chromium against ``live_server``.

One Chromium is started per test session; every test gets fresh browser
contexts (no shared cookies, cache or history). Without /usr/bin/chromium the
tests fail with a clear message, unless VERN_SKIP_BROWSER=1 is set, in which
case they are skipped. Never run ``playwright install``: install Chromium with
``apt-get install -y chromium``.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread, so Django's
# "async-unsafe" guard would refuse every ORM call made by tests (factories,
# reading the TOTP device) and by pytest-django's database teardown.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How many of a context's last requests a failure report lists.
REQUESTS_REPORTED = 25

# Generous: CI runs the SQLite and PostgreSQL suites side by side on two cores, each with
# its own Chromium and live server, and a page has been seen to take over 10 s there.
DEFAULT_TIMEOUT_MS = 20_000

EXIT_URL = "https://www.yr.no/"
EXIT_ROUTE = "https://www.yr.no/**"
EXIT_PAGE = "<!doctype html><html lang='nb'><head><title>yr</title></head><body>yr</body></html>"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here drives a browser; one that forgot the marker gets it anyway,
    so that ``-m "not browser"`` always leaves the browser out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout() -> None:
    """``expect`` waits as long as an action does: with both CI runs side by side on two
    cores, a page can take longer than expect's own 5 s to arrive."""
    from playwright.sync_api import expect

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        if os.environ.get("VERN_SKIP_BROWSER") == "1":
            pytest.skip(f"{CHROMIUM} is missing and VERN_SKIP_BROWSER=1")
        pytest.fail(
            f"{CHROMIUM} is missing, so the browser tests cannot run. Install it with "
            "`apt-get install -y chromium` (not `playwright install`), or set "
            "VERN_SKIP_BROWSER=1 to skip the browser tests.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser, live_server, transactional_db) -> Iterator[Callable]:
    """Make a browser context whose relative URLs go to the live server.

    Every context answers requests for the quick-exit site (yr.no) with a tiny
    local page, so no test ever reaches the internet.

    It asks for the database first, so that its contexts are closed before the
    database is emptied after the test: a context still open then could send one
    more request (the browser fetching /favicon.ico) while the tables were being
    emptied, and SQLite refused with "database table is locked" (CI, 2026-12-07).
    """
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "nb-NO")
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        _record_requests(context)
        context.route(
            EXIT_ROUTE,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=EXIT_PAGE
            ),
        )
        contexts.append(context)
        return context

    make.contexts = contexts  # type: ignore[attr-defined] (read when a test fails)
    yield make
    for context in contexts:
        context.close()


def _record_requests(context) -> None:
    """Keep the context's last requests (sent, answered or failed, with the time
    taken) for the failure report: whether a click that led nowhere sent its request,
    and whether the server answered, is then in the log."""
    log: deque[str] = deque(maxlen=REQUESTS_REPORTED)
    started: dict = {}
    statuses: dict = {}

    def ended(request, outcome: str) -> None:
        taken = (time.monotonic() - started.pop(request, time.monotonic())) * 1000
        log.append(f"{request.method} {request.url} {outcome} in {taken:.0f} ms")

    def sent(request) -> None:
        started[request] = time.monotonic()

    def responded(response) -> None:
        statuses[response.request] = response.status

    def answered(request) -> None:
        ended(request, f"-> {statuses.pop(request, '?')}")

    def failed(request) -> None:
        ended(request, f"failed ({request.failure})")

    context.on("request", sent)
    context.on("response", responded)
    context.on("requestfinished", answered)
    context.on("requestfailed", failed)
    context.vern_requests = log  # read by pytest_runtest_makereport
    context.vern_pending = started


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """When a browser test fails, say where each of its pages was and what it
    showed (address, alerts, the start of <main>): a failure seen once in CI, and
    not again, can then be understood from its log."""
    report = yield
    if report.when != "call" or not report.failed:
        return report
    make = getattr(item, "funcargs", {}).get("new_context")
    for context in getattr(make, "contexts", []):
        for number, open_page in enumerate(context.pages):
            try:
                alerts = open_page.locator(".ds-alert").all_inner_texts()
                main = open_page.locator("main").first.inner_text(timeout=2_000)
                shown = f"{open_page.url}\nalerts: {alerts}\nmain: {main[:1500]}"
            except Exception as exc:  # the page may be gone or stuck
                shown = f"{open_page.url}\n(could not read the page: {exc})"
            report.sections.append((f"browser page {number} at the failure", shown))
        requests = list(getattr(context, "vern_requests", []))
        now = time.monotonic()
        requests += [
            f"{request.method} {request.url} still waiting after {(now - at) * 1000:.0f} ms"
            for request, at in getattr(context, "vern_pending", {}).items()
        ]
        report.sections.append(("the context's last requests", "\n".join(requests) or "(none)"))
    if make is not None:
        report.sections.append(("database sessions at the failure", _database_sessions()))
    return report


def _database_sessions() -> str:
    """On PostgreSQL, what every other session of the test database was doing (a
    click that led nowhere for 20 s may be a request waiting for a lock)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "(SQLite: not recorded)"
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, wait_event_type, wait_event, now() - xact_start, "
                "left(query, 200) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            rows = cursor.fetchall()
    except Exception as exc:  # the connection may be in a failed transaction
        return f"(could not ask: {exc})"
    return "\n".join(" | ".join(str(value) for value in row) for row in rows) or "(none)"


@pytest.fixture
def page(new_context):
    return new_context().new_page()
