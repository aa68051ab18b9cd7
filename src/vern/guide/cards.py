"""The cards of a results page: stored bokmål cards completed from the index,
the rest rendered (``vern.directory.cards``)."""

from __future__ import annotations

from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from vern.directory import cards, selectors
from vern.guide.index import guide_index


def result_cards(ids: list, *, level: int, back_query: str, now, index=None) -> dict:
    """Service id -> card HTML for the given public services, in the page's language.

    Stored cards (bokmål pages) are completed here from ``index`` (the guide
    index the ids came from; this process's current one if not given); the
    rest are loaded and rendered. Ids of services that are no longer public
    are left out.
    """
    if not ids:
        return {}
    found: dict = {}
    # Stored links begin at "/": a site served under a sub-path renders its cards.
    if cards.page_language() == cards.STORED_LANGUAGE and get_script_prefix() == "/":
        entries = (index or guide_index()).entries
        back = escape(f"?{back_query}") if back_query else ""
        local = timezone.localtime(now)
        weekday, clock = local.isoweekday(), local.time()
        states: dict[bool, str] = {}
        for pk, (html, updated_at) in cards._stored(ids).items():
            entry = entries.get(pk)
            if entry is None or entry.updated_at != updated_at:
                continue  # the index is older than the card: its hours may be too
            is_open = entry.is_open(weekday, clock)
            if is_open not in states:
                with cards._speaking(cards.STORED_LANGUAGE):
                    states[is_open] = str(cards._macros().open_state(is_open))
            found[pk] = mark_safe(
                html.replace(cards.LEVEL_SLOT, str(level))
                .replace(cards.BACK_SLOT, back)
                .replace(cards.OPEN_SLOT, states[is_open])
            )
    missing = [pk for pk in ids if pk not in found]
    if missing:
        # Only public ones: the ids come from an index that may be a moment older.
        loaded = selectors.cards(missing, public_only=True)
        for service in cards.decorate(loaded.values(), now=now, back_query=back_query):
            found[service.pk] = cards.render_card(service, level=level)
    return found
