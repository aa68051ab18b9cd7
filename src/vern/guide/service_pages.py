"""A public service page's entry, kept per process between visits (issue 15).

Loading everything the page shows takes seven small queries in plain SQL
(``_read``: the service, its organisation, its owner, its places and their
locations, phones, languages; the terms and the opening hours come from the
guide's index, and translations only for a page in another language). The loaded entries are kept in the guide's snapshot (``snapshot.py``),
so a visit to a kept entry asks one small query (``saved_at``: is it public, and
saved when) instead of seven: a kept entry counts only while its ``updated_at``
is the database's; a change the log names drops those services' entries, and
anything else that changed (an organisation, a location, a synonym) drops them
all, within the snapshot's second.

The copy lives in this process's memory only, never in the shared cache, since
it holds the places' full rows (a confidential address among them), which the
page itself never shows.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections import OrderedDict

from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects

from vern.core.models import Municipality
from vern.directory import selectors
from vern.directory.models import (
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
)
from vern.guide.index import guide_index
from vern.guide.selectors import term_table
from vern.guide.snapshot import snapshot

MAX_KEPT = 2_000  # entries kept per process; the least recently shown go first


class _Kept:
    def __init__(self, entries: OrderedDict | None = None) -> None:
        self.entries: OrderedDict[object, Service] = entries or OrderedDict()
        self.lock = threading.Lock()

    def without(self, ids: frozenset | None) -> _Kept:
        """A copy without the services ``ids`` (None: without any)."""
        if ids is None:
            return _Kept()
        with self.lock:
            return _Kept(OrderedDict((pk, s) for pk, s in self.entries.items() if pk not in ids))


def _kept() -> _Kept:
    return snapshot.get("service_pages", _Kept, update=lambda old, ids: old.without(ids))


def _raw(model, tail: str, params: list) -> list:
    """Whole rows of ``model`` (every column, through the fields' converters) for
    ``SELECT * FROM <table> <tail>``."""
    return list(model.objects.raw(f"SELECT * FROM {model._meta.db_table} {tail}", params))  # noqa: S608


def _db(model, pk):
    """A primary key as the database takes it (SQLite keeps UUIDs as text)."""
    return model._meta.pk.get_db_prep_value(pk, connection)


def _read(pk) -> Service | None:
    """The public service ``pk`` with its organisation, owner, phones, languages
    and places, as the ORM would make them with ``select_related`` and
    ``prefetch_related``, in plain SQL: on a page's first visit, compiling those
    four ORM queries took about three times as long as asking them (about 4 ms
    against 1.5 ms on our 2-core machine; a service's page is first visited once
    a day per language and open-now state, and most of 20,000 are visited so)."""
    key = _db(Service, pk)
    statuses = [str(status) for status in selectors.PUBLIC_STATUSES]
    found = _raw(
        Service,
        f"WHERE id = %s AND status IN ({', '.join(['%s'] * len(statuses))})",
        [key, *statuses],
    )
    if not found:
        return None
    service = found[0]
    service.organization = _raw(
        Organization, "WHERE id = %s", [_db(Organization, service.organization_id)]
    )[0]
    if service.owner_id is not None:
        service.owner = _raw(Municipality, "WHERE id = %s", [service.owner_id])[0]
    places = list(
        ServiceAtLocation.objects.raw(
            f"SELECT sal.* FROM {ServiceAtLocation._meta.db_table} sal "  # noqa: S608 (table names)
            f"JOIN {Location._meta.db_table} l ON l.id = sal.location_id "
            "WHERE sal.service_id = %s ORDER BY l.name",
            [key],
        )
    )
    if places:
        ids = [_db(Location, place.location_id) for place in places]
        locations = {
            location.pk: location
            for location in _raw(Location, f"WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
        }
        for place in places:
            place.location = locations[place.location_id]
    # What prefetch_related would have kept: service.phones.all() and the rest ask nothing.
    service._prefetched_objects_cache = {
        "phones": _raw(Phone, "WHERE service_id = %s ORDER BY id", [key]),
        "languages": _raw(ServiceLanguage, "WHERE service_id = %s ORDER BY code", [key]),
        "service_at_locations": places,
    }
    return service


def load(pk, saved=None) -> Service | None:
    """The public service ``pk`` with everything its page shows, from the database.

    Its terms come from the guide's index when the index has the entry as saved
    at ``saved`` (its ``updated_at`` as the database gives it: every write moves
    it), else from the database. Translations are not read here: only a page in
    another language than bokmål needs them (``with_translations``).
    """
    service = _read(pk)
    if service is None:
        return None
    entry = guide_index().entries.get(service.pk)
    if saved is not None and entry is not None and entry.updated_at == saved:
        table = term_table()
        service.known_terms = sorted(
            (table[term] for term in entry.terms if term in table),
            key=lambda term: (term.taxonomy.code, term.sort_key, term.code),
        )
        service.known_hours = list(entry.hours)
    else:
        prefetch_related_objects(
            [service],
            Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
            "schedules",
        )
    return service


def with_translations(service: Service) -> Service:
    """``service`` with its translations read (once: a kept entry shares them)."""
    prefetch_related_objects([service], "translations")
    return service


def saved_at_all(ids: list) -> dict:
    """``saved_at`` for many entries at once (one query): id -> ``updated_at`` of
    those that are public."""
    if not ids:
        return {}
    prepare = Service._meta.pk.get_db_prep_value
    statuses = ", ".join(["%s"] * len(selectors.PUBLIC_STATUSES))
    keys = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT id, updated_at FROM {Service._meta.db_table} "  # noqa: S608 (table name)
        f"WHERE status IN ({statuses}) AND id IN ({keys})"
    )
    params = [
        *(str(status) for status in selectors.PUBLIC_STATUSES),
        *(prepare(pk, connection) for pk in ids),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(k if isinstance(k, uuid.UUID) else uuid.UUID(k)): stamp for k, stamp in rows}


def saved_at(pk):
    """The entry's ``updated_at`` as the database has it now, or None if it is not
    public: one small query by primary key on every visit, so that an entry
    withdrawn or deleted is never shown, however it was (an index a second old,
    a write that skipped the change log)."""
    return saved_at_all([pk]).get(pk)


ASK = object()


def public_service(pk, *, saved=ASK) -> Service | None:
    """The public service ``pk`` with everything its page shows, or None.

    ``saved``: what ``saved_at(pk)`` returned a moment ago in this request, if
    the caller asked already. Returns a shallow copy: the page may set attributes
    on it (open now, the link back) without touching the kept entry other
    requests read.
    """
    current = saved_at(pk) if saved is ASK else saved
    if current is None:
        return None
    kept = _kept()
    with kept.lock:
        service = kept.entries.get(pk)
        if service is not None and service.updated_at == current:
            kept.entries.move_to_end(pk)
            return copy.copy(service)
    service = load(pk, current)
    if service is None:
        return None
    with kept.lock:
        kept.entries[pk] = service
        while len(kept.entries) > MAX_KEPT:
            kept.entries.popitem(last=False)
    return copy.copy(service)
