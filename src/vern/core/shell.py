"""The staff shell: what each app puts in the staff menu and on the front page.

``core`` draws the staff navigation and the front page without naming any
feature app. Each app registers, from its ``AppConfig.ready()``:

- ``NavEntry``: a link in the staff menu, for the roles that may open it,
  optionally with a count beside it (unread notifications);
- ``Card``: a card on the front page, optionally with a count ("3 due for
  verification");
- a "what needs me" provider: ``provider(user, municipality, roles, today)``
  returning ``NeedsItem``s for the signed-in person (overdue measures, reviews
  due, proposals waiting for a decision ...).

Who sees an entry or a card is decided by ``roles``: it is shown when the person
holds at least one of them in the active municipality (``request.roles``, which
includes the national role). Two narrowings, the same as the views': with
``whole_municipality=True`` only roles held for the whole municipality count;
roles in ``unit_only`` count only when held for units (an administrator of a
school is its principal; the municipality's administrators are not). Providers decide for themselves, per item, and
must keep their queries scoped to ``municipality`` and bounded in number.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse

OVERDUE = "overdue"
DUE_SOON = "due_soon"
WAITING = "waiting"
# The order in which "what needs me" lists its items.
STATE_ORDER = {OVERDUE: 0, DUE_SOON: 1, WAITING: 2}


@dataclass(frozen=True)
class Viewer:
    """The parts of a request that scoping reads: who, where, with which roles.

    Providers and counts receive these values rather than the request, so they
    can also be called outside a request; selectors written against
    ``request.user``, ``request.municipality`` and ``request.roles`` accept a
    ``Viewer`` in its place.
    """

    user: Any
    municipality: Any
    roles: frozenset[str]
    # The roles held for the whole municipality, not only for a unit (None: all of
    # ``roles``). Entries registered with ``whole_municipality=True`` need one.
    whole_roles: frozenset[str] | None = None

    @classmethod
    def of(cls, request) -> Viewer:
        held = getattr(request, "role_units", None) or {}
        return cls(
            request.user,
            getattr(request, "municipality", None),
            frozenset(getattr(request, "roles", frozenset())),
            frozenset(role for role, units in held.items() if units is None),
        )

    def sees(
        self,
        allowed: frozenset[str],
        *,
        whole_municipality: bool,
        unit_only: frozenset[str] = frozenset(),
    ) -> bool:
        roles = self.roles
        if whole_municipality and self.whole_roles is not None:
            roles = self.whole_roles
        if unit_only and self.whole_roles is not None:
            roles = roles - (unit_only & self.whole_roles)
        return bool(roles & allowed)


@dataclass(frozen=True)
class CardCount:
    """The line under a card, or the mark beside a menu entry: a number and the
    sentence that says it."""

    number: int
    text: str


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    # The entry is marked as the current page when the path starts with this
    # URL's path; without it, only on the entry's own URL.
    active_prefix: str | None = None
    # count(user, municipality, roles) -> CardCount | None: a number beside the
    # label (shown when above zero), with the sentence a screen reader says.
    count: Callable[..., CardCount | None] | None = None
    # Shown only to those holding one of ``roles`` for the whole municipality
    # (administration: users, the audit log), not for one unit.
    whole_municipality: bool = False
    # Roles that count only when held for units, not for the whole municipality.
    unit_only: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Card:
    title: str
    description: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    # count(user, municipality, roles, today) -> CardCount | None
    count: Callable[..., CardCount | None] | None = None
    whole_municipality: bool = False
    unit_only: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NeedsItem:
    label: str
    url: str
    state: str  # OVERDUE, DUE_SOON or WAITING
    app: str
    due_on: date | None = None
    count: int = 1


Provider = Callable[[Any, Any, frozenset[str], date], Iterable[NeedsItem]]


@dataclass
class Registry:
    nav: list[NavEntry] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)

    def clear(self) -> None:
        self.nav.clear()
        self.cards.clear()
        self.providers.clear()


registry = Registry()


def register_nav(
    *,
    label: str,
    url_name: str,
    roles: Collection[str],
    order: int = 100,
    active_prefix: str | None = None,
    count: Callable[..., CardCount | None] | None = None,
    whole_municipality: bool = False,
    unit_only: Collection[str] = (),
) -> None:
    """Add a link to the staff menu (once: a second registration of the same
    URL name replaces the first, so a repeated ``ready()`` adds nothing).

    ``count(user, municipality, roles)`` is called on every staff page that
    shows the entry, so it must be one cheap query."""
    entry = NavEntry(
        label,
        url_name,
        frozenset(roles),
        order,
        active_prefix,
        count,
        whole_municipality,
        frozenset(unit_only),
    )
    registry.nav[:] = [e for e in registry.nav if e.url_name != url_name] + [entry]
    registry.nav.sort(key=lambda e: e.order)


def register_card(
    *,
    title: str,
    description: str,
    url_name: str,
    roles: Collection[str],
    order: int = 100,
    count: Callable[..., CardCount | None] | None = None,
    whole_municipality: bool = False,
    unit_only: Collection[str] = (),
) -> None:
    """Add a card to the front page (once per URL name, like ``register_nav``)."""
    card = Card(
        title,
        description,
        url_name,
        frozenset(roles),
        order,
        count,
        whole_municipality,
        frozenset(unit_only),
    )
    registry.cards[:] = [c for c in registry.cards if c.url_name != url_name] + [card]
    registry.cards.sort(key=lambda c: c.order)


def register_needs(provider: Provider) -> None:
    """Add a "what needs me" provider (once)."""
    if provider not in registry.providers:
        registry.providers.append(provider)


# --- reading the registry for one person -----------------------------------------


@dataclass(frozen=True)
class ShownEntry:
    label: str
    url: str
    active: bool
    count: CardCount | None = None


@dataclass(frozen=True)
class ShownCard:
    title: str
    description: str
    url: str
    count: CardCount | None


def _sees(roles: Collection[str], allowed: frozenset[str]) -> bool:
    return bool(frozenset(roles) & allowed)


def nav_for(roles: Collection[str], path: str, *, viewer: Viewer | None = None) -> list[ShownEntry]:
    """The menu for these roles; with ``viewer``, the entries' counts too."""
    shown = []
    for entry in registry.nav:
        if not _sees(roles, entry.roles):
            continue
        if viewer is not None and not viewer.sees(
            entry.roles,
            whole_municipality=entry.whole_municipality,
            unit_only=entry.unit_only,
        ):
            continue
        url = reverse(entry.url_name)
        if entry.active_prefix:
            active = path.startswith(reverse(entry.active_prefix))
        else:
            active = path == url
        count = None
        if entry.count and viewer is not None:
            count = entry.count(viewer.user, viewer.municipality, viewer.roles)
        shown.append(ShownEntry(str(entry.label), url, active, count))
    return shown


def cards_for(viewer: Viewer, *, today: date) -> list[ShownCard]:
    shown = []
    for card in registry.cards:
        if not viewer.sees(
            card.roles, whole_municipality=card.whole_municipality, unit_only=card.unit_only
        ):
            continue
        count = (
            card.count(viewer.user, viewer.municipality, viewer.roles, today)
            if card.count
            else None
        )
        shown.append(
            ShownCard(str(card.title), str(card.description), reverse(card.url_name), count)
        )
    return shown


def needs_for(viewer: Viewer, *, today: date) -> list[NeedsItem]:
    """Every provider's items for this person: overdue first, then by due date."""
    items = [
        item
        for provider in registry.providers
        for item in provider(viewer.user, viewer.municipality, viewer.roles, today)
    ]
    return sorted(
        items,
        key=lambda i: (STATE_ORDER.get(i.state, 9), i.due_on or date.max, i.app, i.label),
    )
