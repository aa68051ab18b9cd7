"""A public service page's entry, kept per process between visits (issue 15).

Loading everything the page shows takes seven queries (the service with its
organisation and owner, then phones, hours, terms, languages, translations and
places). The loaded entries are kept in the guide's snapshot (``snapshot.py``),
so a visit to a kept entry asks nothing: a change the log names drops those
services' entries, anything else that changed (an organisation, a location, a
synonym, a write that skipped the hook) drops them all. Another process's save
shows within the snapshot's second; a save in this process at once.

The copy lives in this process's memory only, never in the shared cache, since
it holds the places' full rows (a confidential address among them), which the
page itself never shows.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict

from django.db.models import Prefetch

from vern.directory import selectors
from vern.directory.models import Service, ServiceAtLocation
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


def load(pk) -> Service | None:
    """The public service ``pk`` with everything its page shows, from the database."""
    services = selectors.with_card_details(selectors.public_services().filter(pk=pk))
    services = services.prefetch_related(
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by(
                "location__name"
            ),
        )
    )
    return services.first()


def public_service(pk) -> Service | None:
    """The public service ``pk`` with everything its page shows, or None.

    Returns a shallow copy: the page may set attributes on it (open now, the
    link back) without touching the kept entry other requests read.
    """
    kept = _kept()
    with kept.lock:
        service = kept.entries.get(pk)
        if service is not None:
            kept.entries.move_to_end(pk)
            return copy.copy(service)
    service = load(pk)
    if service is None:
        return None
    with kept.lock:
        kept.entries[pk] = service
        while len(kept.entries) > MAX_KEPT:
            kept.entries.popitem(last=False)
    return copy.copy(service)
