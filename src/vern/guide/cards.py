"""The cards of a results page: bokmål cards stored with the entries, cards in the
other languages kept in the shared cache once made, both completed from the
index; the rest rendered (``vern.directory.cards``)."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import caches
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from vern.directory import cards, selectors
from vern.guide.index import guide_index

# How long a card made for a page in another language than bokmål is kept in the
# shared cache. Its key holds the entry's ``updated_at`` and the release's card
# version, so it is never used out of date; the time only bounds what is kept.
KEPT_CARD_SECONDS = 24 * 3600


def kept_card_key(language: str, pk, updated_at) -> str:
    micros = (updated_at - cards.EPOCH) // timedelta(microseconds=1)
    return f"vern:card:{language}:{cards.card_version(language)}:{pk}:{micros}"


class CardsLater:
    """Service id -> card HTML for the given public services, in the page's
    language, from ``result()``; made before the page is rendered, so that on
    PostgreSQL its one query runs meanwhile (``core.early_reads``).

    Bokmål pages use the cards stored with the entries (``cards.StoredLater``);
    pages in another language use cards made the first time they were shown and
    kept in the shared cache, after asking which of the services are public and
    since when (``cards.PublicLater``). Either is completed from ``index`` (the
    guide index the ids came from; this process's current one if not given)
    and used only while it was made for the entry as the index knows it; the
    rest are loaded and rendered. Ids of services that are no longer public are
    left out. ``close()`` (in a ``finally``) frees the connection if
    ``result()`` was never called.
    """

    def __init__(self, ids: list, *, level: int, back_query: str, now, index=None) -> None:
        self._ids, self._level, self._back_query, self._now = ids, level, back_query, now
        self._index = index
        self._language = cards.page_language()
        self._stored = self._public = None
        # Stored links begin at "/": a site served under a sub-path renders its cards.
        if ids and get_script_prefix() == "/":
            if self._language == cards.STORED_LANGUAGE:
                self._stored = cards.StoredLater(ids)
            else:
                self._public = cards.PublicLater(ids)

    def close(self) -> None:
        for later in (self._stored, self._public):
            if later is not None:
                later.close()

    def result(self) -> dict:
        ids, now = self._ids, self._now
        slotted: dict = {}  # id -> card with its stand-ins, made for the entry as indexed
        public = None
        if self._stored is not None:
            entries = (self._index or guide_index()).entries
            for pk, (html, updated_at) in self._stored.result().items():
                entry = entries.get(pk)
                # Else the index is older than the card: its hours may be too.
                if entry is not None and entry.updated_at == updated_at:
                    slotted[pk] = html
        elif self._public is not None:
            public = self._public.result()
            slotted = self._kept(public, (self._index or guide_index()).entries)
        found = self._completed(slotted) if slotted else {}
        # Only public ones: the ids come from an index that may be a moment older.
        missing = [pk for pk in ids if pk not in found and (public is None or pk in public)]
        if missing:
            loaded = selectors.cards(missing, public_only=True)
            for service in cards.decorate(loaded.values(), now=now, back_query=self._back_query):
                found[service.pk] = cards.render_card(service, level=self._level)
        return found

    def _kept(self, public: dict, entries) -> dict:
        """The kept cards of the page's language for the public ids whose entry
        the index knows as it is; those not kept yet are made and kept."""
        keys = {}
        for pk, updated_at in public.items():
            entry = entries.get(pk)
            if entry is not None and cards.as_utc(entry.updated_at) == updated_at:
                keys[pk] = kept_card_key(self._language, pk, updated_at)
        if not keys:
            return {}
        # A cache that cannot be reached answers as an empty one (core/redis_cache.py).
        kept = caches["cards"].get_many(list(keys.values()))
        slotted = {pk: kept[key] for pk, key in keys.items() if key in kept}
        new = [pk for pk in keys if pk not in slotted]
        if new:
            made = cards.slotted(selectors.cards(new, public_only=True).values())
            fresh = {
                pk: html
                for pk, (html, updated_at) in made.items()
                if cards.as_utc(updated_at) == public[pk]
            }
            caches["cards"].set_many(
                {keys[pk]: html for pk, html in fresh.items()}, timeout=KEPT_CARD_SECONDS
            )
            slotted.update(fresh)
        return slotted

    def _completed(self, slotted: dict) -> dict:
        """The cards with their stand-ins filled in: heading level, the way back,
        open now (from the index)."""
        entries = (self._index or guide_index()).entries
        back = escape(f"?{self._back_query}") if self._back_query else ""
        level = str(self._level)
        local = timezone.localtime(self._now)
        weekday, clock = local.isoweekday(), local.time()
        states: dict[bool, str] = {}
        found = {}
        for pk, html in slotted.items():
            is_open = entries[pk].is_open(weekday, clock)
            if is_open not in states:
                with cards._speaking(self._language):
                    states[is_open] = str(cards._macros().open_state(is_open))
            found[pk] = mark_safe(
                html.replace(cards.LEVEL_SLOT, level)
                .replace(cards.BACK_SLOT, back)
                .replace(cards.OPEN_SLOT, states[is_open])
            )
        return found


def result_cards(ids: list, *, level: int, back_query: str, now, index=None) -> dict:
    """``CardsLater(...).result()``: the cards at once."""
    later = CardsLater(ids, level=level, back_query=back_query, now=now, index=index)
    try:
        return later.result()
    finally:
        later.close()
