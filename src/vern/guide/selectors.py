"""The guide's reads: its search, the filters' choices, municipalities by number.

Everything here reads this process's snapshot (``snapshot.py``) through
``snapshot.get``, which checks for changes first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.utils import timezone

from vern.core.models import Municipality
from vern.directory import search
from vern.directory.models import Service, TaxonomyTerm
from vern.directory.selectors import PAGE_SIZE, Tier, cards
from vern.directory.understanding import OPPOSED, Understanding
from vern.guide.index import GuideIndex, guide_index
from vern.guide.query import plan_query, with_words
from vern.guide.snapshot import snapshot
from vern.guide.understanding import understand

__all__ = ["Tier"]


def municipalities_by_number() -> dict[str, Municipality]:
    """Every municipality by number, kept in the snapshot (the guide reads one
    on every page; they change with a release, if ever)."""
    return snapshot.get(
        "municipalities", lambda: {m.number: m for m in Municipality.objects.all()}, services=False
    )


@dataclass
class Filters:
    target_group: str = ""
    violence: str = ""
    language: str = ""
    free: bool = False
    no_referral: bool = False
    open_now: bool = False
    acute: bool = False
    wheelchair: bool = False
    pets: bool = False

    FLAGS = ("free", "no_referral", "open_now", "acute", "wheelchair", "pets")

    @classmethod
    def from_query(cls, params) -> Filters:
        return cls(
            target_group=(params.get("gruppe") or "")[:40],
            violence=(params.get("vold") or "")[:40],
            language=(params.get("sprak") or "")[:10],
            **{flag: params.get(flag) == "1" for flag in cls.FLAGS},
        )

    @property
    def active(self) -> bool:
        return any(
            getattr(self, name) for name in ("target_group", "violence", "language", *self.FLAGS)
        )


@dataclass
class SearchResult:
    rows: list[tuple]  # (service id, tier) of the services on this page, in order
    total: int
    page: int
    pages: int
    corrected: dict[str, str] = field(default_factory=dict)
    query_used: bool = False
    index: GuideIndex | None = field(default=None, repr=False, compare=False)  # rows came from it
    meaning: Understanding = field(default_factory=Understanding)  # what the query was read as
    # A query was typed but nothing in it could be searched for or understood.
    not_understood: bool = False

    @cached_property
    def services(self) -> list[Service]:
        """This page's services with what a card shows, each with its ``tier``
        (the public page shows stored cards instead, ``cards.result_cards``)."""
        by_id = cards(list(self.ids))
        found = []
        for pk, tier in self.rows:
            if pk in by_id:  # else deleted since the index was built
                by_id[pk].tier = tier
                found.append(by_id[pk])
        return found

    @property
    def ids(self) -> list:
        return [pk for pk, _tier in self.rows]


def guide_search(
    *,
    municipality: Municipality | None,
    query: str,
    filters: Filters,
    page: int = 1,
    now: datetime | None = None,
    use_asker: bool = True,
) -> SearchResult:
    """The guide's search: local first, then shared, then national; best match first.

    The query is read for its meaning (``understanding.py``) as well as its
    words. ``use_asker`` false ranks without who the query says is asking
    (the page's "show all" link).
    """
    now = now or timezone.now()
    meaning = understand(query) if query else Understanding()
    plan = plan_query(query, keep=meaning.known)
    if plan.corrected:  # read the query again as corrected ("voldtek" is "voldtekt")
        meaning = understand(
            " ".join(
                plan.corrected.get(w, w) for w in search.words(query[: search.MAX_QUERY_CHARS])
            )
        )
    if not use_asker:
        meaning = meaning.without_asker()
    with_words(plan, meaning.words)
    index = guide_index()
    found = index.candidates(municipality.pk if municipality else None, filters, now=now)
    not_understood = False
    if plan.empty and not meaning.understood:
        not_understood = bool(query.strip())
        found.sort(key=lambda pair: (pair[1], pair[0].sort_key))
        rows = [] if not_understood else [(entry.pk, tier) for entry, tier in found]
    else:
        rows = _ranked(index, found, plan, meaning)
    total = len(rows)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return SearchResult(
        rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=total,
        page=page,
        pages=pages,
        corrected=plan.corrected,
        query_used=not plan.empty or meaning.understood,
        index=index,
        meaning=meaning,
        not_understood=not_understood,
    )


def key_services(municipality: Municipality, *, now: datetime | None = None) -> list:
    """Ids of the services a municipality's guide page lists: its own, then those
    it shares with others, acute help and round-the-clock services first, then
    by name. The same list as ``directory.poster.key_services`` (the poster),
    read from the index instead of the database."""
    index = guide_index()

    def make() -> tuple:
        # Without filters the candidates do not depend on the time.
        found = index.candidates(municipality.pk, Filters(), now=now or timezone.now())
        found = [pair for pair in found if pair[1] != Tier.NATIONAL]
        found.sort(
            key=lambda pair: (pair[1], not pair[0].acute, not pair[0].open_24_7, pair[0].sort_key)
        )
        return tuple(entry.pk for entry, _tier in found)

    return list(index.kept(("key_services", municipality.pk), make))


# How much each kind of fit weighs in the guide's ranking (see ``_ranked``).
TEXT_WEIGHT, VIOLENCE_WEIGHT, GROUP_WEIGHT, ACUTE_WEIGHT, OTHER_SIDE_PENALTY = (
    2.0,
    1.0,
    1.5,
    1.0,
    2.0,
)


def _ranked(index: GuideIndex, found: list, plan, meaning: Understanding) -> list[tuple]:
    """(service id, tier) of the services that fit, in the order shown.

    Each candidate is scored by its text (BM25 over the query's words and the
    words of the situations understood, scaled to the best one), by how many
    of the understood forms of violence it covers, by whether it serves the
    asker (or, when no asker was recognised, the situations' target groups)
    and, for an acute query, by whether it answers at once. A service for the
    other side (only for people who use violence when the asker is exposed or
    a child, or only for victims when the asker uses violence) is left out
    while the asker is inferred; the page links to the results without it.

    The order stays "own municipality first, then shared, then national",
    except that the best scoring service of all comes first ("Best match",
    ``Tier.BEST``) when it is a shared or national one and the query was
    understood as a situation.
    """
    relevance = index.entry_scores(search.prefixes(plan), [entry for entry, _tier in found])
    top = max(relevance, default=0.0) or 1.0
    asker_group = meaning.asker_group
    opposed = OPPOSED.get(meaning.asker, frozenset())
    wanted = frozenset({asker_group}) if asker_group else meaning.groups
    violence = meaning.violence
    codes = _term_codes()
    candidates = zip(found, relevance, strict=True)
    if not violence and not meaning.acute:
        # Only the text can make a service fit: the others are left out below anyway.
        candidates = [(pair, match) for pair, match in candidates if match]
    scored = []
    for (entry, tier), match in candidates:
        groups, forms = codes(entry.terms)
        if opposed and asker_group not in groups and not opposed.isdisjoint(groups):
            continue
        text = match / top
        violence_fit = len(forms & violence) / len(violence) if violence else 0.0
        # A service for the asker's group fits; one for few groups fits better.
        group_fit = 1.0 + 0.5 / len(groups) if wanted and not wanted.isdisjoint(groups) else 0.0
        acute = meaning.acute and entry.acute
        if not text and not (violence_fit and group_fit) and not acute:
            continue
        score = (
            TEXT_WEIGHT * text
            + VIOLENCE_WEIGHT * violence_fit
            + GROUP_WEIGHT * group_fit
            + (ACUTE_WEIGHT if acute else 0.0)
        )
        if "perpetrators" in groups and "perpetrators" not in wanted:
            # Help for people who use violence comes after the help for those it hurts
            # (a service for both sides less so) - also when nothing about the asker was
            # understood: most people who search for violence are the ones it hurts, and
            # someone who uses it and says so ("jeg slår", "sinne") is recognised.
            score -= OTHER_SIDE_PENALTY if "exposed" not in groups else OTHER_SIDE_PENALTY / 2
        scored.append((score, tier, entry))
    if not scored:
        return []
    ranked = sorted(scored, key=lambda s: (s[1], -s[0], s[2].sort_key))
    rows = [(entry.pk, tier) for _score, tier, entry in ranked]
    # "Best match" is never a service for people who use violence unless the asker is one
    # (a service for both sides, as ATV is, included): above everything else on the page, it
    # must not send someone who is hurt to the help meant for the person hurting them.
    eligible = [
        s for s in scored if "perpetrators" in wanted or "perpetrators" not in codes(s[2].terms)[0]
    ]
    if eligible and (meaning.concepts or meaning.asker):
        best_score, best_tier, best = max(eligible, key=lambda s: (s[0], -s[1]))
        local = max((s[0] for s in scored if s[1] == Tier.LOCAL), default=None)
        if best_tier != Tier.LOCAL and (local is None or best_score > local):
            rows.remove((best.pk, best_tier))
            rows.insert(0, (best.pk, Tier.BEST))
    return rows


def _term_codes():
    """A function giving the (target group codes, violence codes) of a set of term
    ids; the sets are shared between entries, so each is worked out once."""

    def build():
        table = term_table()
        known: dict = {}

        def codes(terms: frozenset) -> tuple[frozenset, frozenset]:
            found = known.get(terms)
            if found is None:
                chosen = [table[t] for t in terms if t in table]
                found = known[terms] = (
                    frozenset(t.code for t in chosen if t.taxonomy.code == "target_group"),
                    frozenset(t.code for t in chosen if t.taxonomy.code == "violence"),
                )
            return found

        return codes

    return snapshot.get("term_codes", build, services=False)


def term_table() -> dict:
    """Every taxonomy term by id, with its taxonomy (kept in the snapshot: an import
    that renames a term touches the services naming it)."""
    return snapshot.get(
        "terms",
        lambda: {t.pk: t for t in TaxonomyTerm.objects.select_related("taxonomy")},
        services=False,
    )


def terms_of_taxonomy(code: str) -> list[TaxonomyTerm]:
    return [t for t in term_table().values() if t.taxonomy.code == code]


def offered_languages() -> list[str]:
    """Codes of the languages public services are offered in (for the filter;
    read from the index again after a change, about a millisecond)."""

    def build() -> list[str]:
        found: set[str] = set()
        for codes in {entry.languages for entry in guide_index().entries.values()}:
            found |= codes
        return sorted(found)

    return snapshot.get("languages", build)
