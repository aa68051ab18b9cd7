"""Service cards and the parts the service page and the poster share with them,
rendered with Jinja2.

A results page draws twenty cards. With Django's template engine they were
most of the page's rendering time (about 0.4 ms a card on our 2-core machine);
Jinja2 compiles the same markup to Python. The markup lives in one file,
``templates/directory/jinja/card.html``; Django templates reach it through the
``service_part`` tag in ``templatetags/guide.py``, and result lists get their
cards ready from ``vern.guide.cards.result_cards``.
Strings are translated with Django's gettext, in the active language.
"""

from __future__ import annotations

import hashlib
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import django
import jinja2
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language, gettext, ngettext

from vern.core import early_reads, jinja
from vern.core.dates import long_date

TEMPLATES = Path(__file__).resolve().parent / "templates" / "directory" / "jinja"
PARTS = ("phones", "referral", "opening", "verified")

# The page language while cards render, so that each card need not ask Django
# (a lookup in thread-local state) for every string; set by render_card/part.
_language: ContextVar[str] = ContextVar("card_language", default="nb")
_translated: dict[tuple[str, str], str] = {}


def _gettext(message: str) -> str:
    """Django's gettext, remembered per language: a card asks for a dozen strings."""
    key = (_language.get(), message)
    try:
        return _translated[key]
    except KeyError:
        _translated[key] = text = gettext(message)
        return text


_dates: dict[tuple[str, object], str] = {}


def _date(value) -> str:
    """A date in the page language's format, remembered (cards repeat few dates)."""
    key = (_language.get(), value)
    try:
        return _dates[key]
    except KeyError:
        if len(_dates) > 10_000:
            _dates.clear()
        _dates[key] = text = long_date(value)
        return text


@cache
def _environment() -> jinja2.Environment:
    from vern.directory.templatetags.guide import service_text

    environment = jinja.environment(TEMPLATES, extensions=["jinja2.ext.i18n"])
    environment.install_gettext_callables(_gettext, ngettext, newstyle=False)
    environment.filters.update(
        capfirst=capfirst,
        truncatewords=lambda text, count: Truncator(text).words(count, truncate=" …"),
        long_date=_date,
    )
    environment.globals["service_text"] = service_text
    environment.globals["open_slot"] = OPEN_SLOT  # escaping leaves it as it is
    return environment


def _macros():
    return _environment().get_template("card.html").module


def page_language() -> str:
    return (get_language() or "nb").split("-")[0]


def terms_language() -> str:
    """The language of taxonomy term names on this page when it differs from the
    page's: "" when every term has a name in the page's language (the shipped
    terms have one in all the guide's languages), else "nb"."""
    language = page_language()
    if language in ("nb", "en"):
        return ""
    from vern.directory import selectors

    # Asked for every card: worked out once per language for as long as the term
    # table is the same object (the guide's snapshot makes a new one after a change).
    table = selectors.term_table()
    memo = _terms_language_memo
    if memo[0] is not table:
        memo[:] = [table, {}]
    found = memo[1].get(language)
    if found is None:
        terms = table.values()
        found = memo[1][language] = "" if all(t.name_language == language for t in terms) else "nb"
    return found


_terms_language_memo: list = [
    None,
    {},
]  # [the term table it was worked out for, language -> answer]


@contextmanager
def _speaking(language: str):
    """Cards' strings in ``language`` while the block renders."""
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def render_card(service, *, level: int = 3) -> SafeString:
    """One card; ``service`` carries ``guide_url``, ``hours``, ``is_open_now`` and
    ``target_groups`` (``decorate``)."""
    language = page_language()
    with _speaking(language):
        html = _macros().card(service, level, language, terms_language())
    return mark_safe(str(html))  # autoescaped by Jinja2


def render_part(name: str, service) -> SafeString:
    if name not in PARTS:
        raise ValueError(f"no card part called {name!r}")
    with _speaking(page_language()):
        html = getattr(_macros(), name)(service)
    return mark_safe(str(html))  # autoescaped by Jinja2


# --- what a card shows beyond the model -------------------------------------------


def opening_hours(hours, day_names: dict[int, str] | None = None) -> list[tuple[str, str]]:
    """Weekly hours ((weekday, opens, closes), as ``Service.weekly_hours`` gives
    them) with runs of days that share their hours folded: ("Monday–Friday",
    "08:00–15:30")."""
    names = day_names or _day_names()
    by_day: dict[int, list] = {}
    for weekday, opens, closes in hours:
        by_day.setdefault(weekday, []).append((opens, closes))
    runs: list[list] = []
    for day in sorted(by_day):
        times = tuple(sorted(by_day[day]))
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == times:
            runs[-1][1] = day
        else:
            runs.append([day, day, times])
    rows = []
    for first, last, times in runs:
        days = names[first]
        if last != first:
            days = f"{days}–{names[last]}"
        hours = ", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in times)
        rows.append((days, hours))
    return rows


def _day_names() -> dict[int, str]:
    from vern.directory.models import Schedule

    return {day.value: str(day.label) for day in Schedule.Day}


def _service_url() -> str:
    """The service page's address with a stand-in id, so that many cards need one reverse()."""
    return reverse("guide:service", args=[BLANK_ID])


BLANK_ID = str(uuid.UUID(int=0))


def decorate(services, *, now, back_query: str = "") -> list:
    """Attach what a card shows beyond the model: open now, folded hours, groups, link.

    ``now`` None leaves ``is_open_now`` None: a stored card gets the state when shown.
    """
    from vern.directory import selectors

    items = list(services)
    day_names = _day_names()
    url = _service_url()
    suffix = f"?{back_query}" if back_query else ""
    for service in items:
        service.is_open_now = None if now is None else selectors.is_open(service, now)
        service.hours = opening_hours(service.weekly_hours(), day_names)
        if not hasattr(service, "target_groups"):
            service.target_groups = service.terms_of("target_group")
        service.guide_url = url.replace(BLANK_ID, str(service.pk)) + suffix
    return items


# --- stored cards -------------------------------------------------------------------
#
# A results page shows twenty cards. Rendering them (and loading what they show)
# was half of the page's time, so each service's bokmål card is rendered when
# the entry is saved (``store``, called by ``search.index_service``) and kept in
# ``ServiceCard``. Three things differ between showings and are left as
# private-use characters to fill in: the heading level, the link's query string
# (the way back to the results) and whether the service is open now. A stored
# card is used only while the template and catalogue are the ones it was made
# with (``version``) and the service has not changed since (``updated_at``);
# otherwise the card is rendered afresh rather than shown out of date (every
# write path in Vern moves ``updated_at``). Other languages are rendered when shown.

STORED_LANGUAGE = "nb"
LEVEL_SLOT, BACK_SLOT, OPEN_SLOT = "\ue000", "\ue001", "\ue002"


@cache
def card_version(language: str = STORED_LANGUAGE) -> str:
    """A digest of what a card's markup in ``language`` depends on besides the
    entry: the card's template and code, the language's catalogue and the
    taxonomy terms' names. Worked out once per process and language (all change
    only with a release)."""
    digest = hashlib.sha256(django.get_version().encode())
    digest.update(language.encode())
    here = Path(__file__).resolve().parent
    for source in (TEMPLATES / "card.html", here / "cards.py", here / "templatetags" / "guide.py"):
        digest.update(source.read_bytes())
    for directory in settings.LOCALE_PATHS:
        catalogue = Path(directory) / language / "LC_MESSAGES" / "django.mo"
        if catalogue.exists():
            digest.update(catalogue.read_bytes())
    # Cards name their target groups. Terms change with migrations (a new process)
    # and imports, which refresh the cards of the services naming a renamed term.
    from vern.directory.models import TaxonomyTerm

    for row in TaxonomyTerm.objects.order_by("pk").values_list("pk", "name_nb", "sort_key"):
        digest.update(repr(row).encode())
    return digest.hexdigest()[:32]


def _expected_slots(service) -> dict[str, int]:
    shows_state = not service.open_24_7 and bool(service.hours)
    return {LEVEL_SLOT: 2, BACK_SLOT: 1, OPEN_SLOT: 1 if shows_state else 0}


def slotted(services) -> dict:
    """Service id -> (card with the three stand-ins, the entry's ``updated_at``)
    for loaded services (``selectors.cards``), in the active language; a card
    whose text happens to contain a stand-in character is left out."""
    made = {}
    for service in decorate(services, now=None, back_query=""):
        service.guide_url += BACK_SLOT
        html = render_card(service, level=LEVEL_SLOT)
        expected = _expected_slots(service)
        if all(html.count(slot) == count for slot, count in expected.items()):
            made[service.pk] = (str(html), service.updated_at)
    return made


def store(ids) -> int:
    """Render and keep the bokmål cards of the given services; the number stored.

    A card whose text happens to contain one of the stand-in characters is
    not stored (it is rendered when shown instead).
    """
    from vern.directory import selectors
    from vern.directory.models import ServiceCard

    ids = list(ids)
    if not ids:
        return 0
    version = card_version()
    with translation.override(STORED_LANGUAGE):
        made = slotted(selectors.cards(ids).values())
    rows = [
        ServiceCard(service_id=pk, html=html, version=version, service_updated_at=updated_at)
        for pk, (html, updated_at) in made.items()
    ]
    stored = {row.service_id for row in rows}
    ServiceCard.objects.filter(service_id__in=[pk for pk in ids if pk not in stored]).delete()
    ServiceCard.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["service"],
        update_fields=["html", "version", "service_updated_at"],
    )
    return len(rows)


def store_missing(*, batch: int = 500) -> int:
    """Store the cards that are missing or were not made for the service as it is
    now, by this release; the number stored."""
    from django.db.models import F

    from vern.directory.models import Service, ServiceCard

    current = ServiceCard.objects.filter(
        version=card_version(), service_updated_at=F("service__updated_at")
    ).values("service_id")
    ids = list(Service.objects.exclude(pk__in=current).values_list("pk", flat=True))
    return sum(store(ids[start : start + batch]) for start in range(0, len(ids), batch))


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _array(values) -> str:
    """A PostgreSQL array literal of plain values (ids, status codes) for a text parameter."""
    return "{" + ",".join(f'"{value}"' for value in values) + "}"


def _micros(value: str) -> datetime:
    """A timestamp read as whole microseconds since 1970 (whatever the server's date style)."""
    return EPOCH + timedelta(microseconds=int(value))


class _Later:
    """An answer asked for when made and given by ``result()``: on PostgreSQL the
    query is sent at once and read then (``core.early_reads``), so that the
    caller can render its page meanwhile; elsewhere ``_at_once`` asks it.
    ``close()`` frees the connection if the answer is never read."""

    def __init__(self, ids: list) -> None:
        self._found: dict | None = None
        self._sent = None
        if early_reads.available():
            self._sent = early_reads.EarlyRead(*self._query(ids))
        else:
            self._found = self._at_once(ids)

    def _query(self, ids: list) -> tuple[str, list[str]]:  # SQL with $n, text parameters
        raise NotImplementedError

    def _parse(self, rows: list[tuple]) -> dict:
        raise NotImplementedError

    def _at_once(self, ids: list) -> dict:
        raise NotImplementedError

    def result(self) -> dict:
        if self._found is None:
            try:
                rows = self._sent.rows()
            finally:
                self._sent.close()
            self._found = self._parse(rows)
        return self._found

    def close(self) -> None:
        if self._sent is not None:
            self._sent.close()


class StoredLater(_Later):
    """``_stored(ids)`` (the current stored cards of public services), later."""

    def _query(self, ids: list) -> tuple[str, list[str]]:
        from vern.directory.models import Service, ServiceCard
        from vern.directory.selectors import PUBLIC_STATUSES

        cards, services = ServiceCard._meta.db_table, Service._meta.db_table
        # As in ``_stored``: the service in a subquery.
        sql = (
            "SELECT c.service_id, c.html, "  # noqa: S608 (table names)
            "(EXTRACT(EPOCH FROM c.service_updated_at) * 1000000)::bigint "
            f"FROM {cards} c WHERE c.version = $1 AND c.service_id = ANY($2::uuid[]) AND "
            f"c.service_updated_at = (SELECT s.updated_at FROM {services} s "
            "WHERE s.id = c.service_id AND s.status = ANY($3::text[]))"
        )
        return sql, [card_version(), _array(ids), _array(PUBLIC_STATUSES)]

    def _parse(self, rows: list[tuple]) -> dict:
        return {uuid.UUID(key): (html, _micros(micros)) for key, html, micros in rows}

    def _at_once(self, ids: list) -> dict:
        return _stored(ids)


def as_utc(moment: datetime) -> datetime:
    """An entry's ``updated_at`` as an aware time, however it was read (the guide's
    index reads SQLite's naive UTC times as they are)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class PublicLater(_Later):
    """Service id -> the entry's ``updated_at``, for the given ids that are public,
    later: what a kept card of another language is checked against."""

    def _query(self, ids: list) -> tuple[str, list[str]]:
        from vern.directory.models import Service
        from vern.directory.selectors import PUBLIC_STATUSES

        sql = (
            "SELECT s.id, (EXTRACT(EPOCH FROM s.updated_at) * 1000000)::bigint "  # noqa: S608 (table name)
            f"FROM {Service._meta.db_table} s "
            "WHERE s.id = ANY($1::uuid[]) AND s.status = ANY($2::text[])"
        )
        return sql, [_array(ids), _array(PUBLIC_STATUSES)]

    def _parse(self, rows: list[tuple]) -> dict:
        return {uuid.UUID(key): _micros(micros) for key, micros in rows}

    def _at_once(self, ids: list) -> dict:
        from vern.directory.models import Service
        from vern.directory.selectors import PUBLIC_STATUSES

        rows = Service.objects.filter(pk__in=ids, status__in=PUBLIC_STATUSES).values_list(
            "pk", "updated_at"
        )
        return {pk: as_utc(updated_at) for pk, updated_at in rows}


def _stored(ids: list) -> dict:
    """Service id -> (stored card, the entry's ``updated_at`` as the database gives
    it) for the ids whose card is current (one query)."""
    from vern.directory.models import Service, ServiceCard
    from vern.directory.selectors import PUBLIC_STATUSES

    cards, services = ServiceCard._meta.db_table, Service._meta.db_table
    pk = Service._meta.pk
    statuses = ", ".join(["%s"] * len(PUBLIC_STATUSES))
    params = [
        card_version(),
        *(pk.get_db_prep_value(i, connection) for i in ids),
        *(str(status) for status in PUBLIC_STATUSES),
    ]
    placeholders = ", ".join(["%s"] * len(ids))
    # The service is asked for in a subquery rather than joined: the same rows,
    # and PostgreSQL plans it in half the time (a join was most of the query's cost).
    sql = (
        f"SELECT c.service_id, c.html, c.service_updated_at FROM {cards} c "  # noqa: S608 (table names)
        f"WHERE c.version = %s AND c.service_id IN ({placeholders}) AND c.service_updated_at = "
        f"(SELECT s.updated_at FROM {services} s WHERE s.id = c.service_id AND s.status IN ({statuses}))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        (key if isinstance(key, uuid.UUID) else uuid.UUID(key)): (html, updated_at)
        for key, html, updated_at in rows
    }
