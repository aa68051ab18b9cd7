"""The cards of a results page: stored bokmål cards completed from the index,
the rest rendered (``vern.directory.cards``)."""

from __future__ import annotations

from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from vern.directory import cards, selectors
from vern.guide.index import guide_index


class CardsLater:
    """Service id -> card HTML for the given public services, in the page's
    language, from ``result()``; made before the page is rendered, so that on
    PostgreSQL the stored cards' query runs meanwhile (``cards.StoredLater``).

    Stored cards (bokmål pages) are completed from ``index`` (the guide index
    the ids came from; this process's current one if not given); the rest are
    loaded and rendered. Ids of services that are no longer public are left
    out. ``close()`` (in a ``finally``) frees the connection if ``result()``
    was never called.
    """

    def __init__(self, ids: list, *, level: int, back_query: str, now, index=None) -> None:
        self._ids, self._level, self._back_query, self._now = ids, level, back_query, now
        self._index = index
        # Stored links begin at "/": a site served under a sub-path renders its cards.
        self._stored = (
            cards.StoredLater(ids)
            if ids and cards.page_language() == cards.STORED_LANGUAGE and get_script_prefix() == "/"
            else None
        )

    def close(self) -> None:
        if self._stored is not None:
            self._stored.close()

    def result(self) -> dict:
        ids, now = self._ids, self._now
        found: dict = {}
        if self._stored is not None:
            entries = (self._index or guide_index()).entries
            back = escape(f"?{self._back_query}") if self._back_query else ""
            level = str(self._level)
            local = timezone.localtime(now)
            weekday, clock = local.isoweekday(), local.time()
            states: dict[bool, str] = {}
            for pk, (html, updated_at) in self._stored.result().items():
                entry = entries.get(pk)
                if entry is None or entry.updated_at != updated_at:
                    continue  # the index is older than the card: its hours may be too
                is_open = entry.is_open(weekday, clock)
                if is_open not in states:
                    with cards._speaking(cards.STORED_LANGUAGE):
                        states[is_open] = str(cards._macros().open_state(is_open))
                found[pk] = mark_safe(
                    html.replace(cards.LEVEL_SLOT, level)
                    .replace(cards.BACK_SLOT, back)
                    .replace(cards.OPEN_SLOT, states[is_open])
                )
        missing = [pk for pk in ids if pk not in found]
        if missing:
            # Only public ones: the ids come from an index that may be a moment older.
            loaded = selectors.cards(missing, public_only=True)
            for service in cards.decorate(loaded.values(), now=now, back_query=self._back_query):
                found[service.pk] = cards.render_card(service, level=self._level)
        return found


def result_cards(ids: list, *, level: int, back_query: str, now, index=None) -> dict:
    """``CardsLater(...).result()``: the cards at once."""
    later = CardsLater(ids, level=level, back_query=back_query, now=now, index=index)
    try:
        return later.result()
    finally:
        later.close()
