"""The guide's search index, kept in each process's memory.

A resident's search touches a few hundred entries: the municipality's own,
those serving it, and the national ones. Asking the database for them, then
for the ones passing the filters, then for their texts, cost more than ranking
them (four to six queries, most of their time spent building SQL). The index
holds, for every public service, what choosing and ranking it needs: who
offers it and where, the filter facts, opening hours and its text stemmed.
One pass over the directory builds it, together with the words that occur in
the directory (for typo correction): at 20,000 services about 0.9 s and 15 MB
(``bench/guide_search.py`` prints both). It lives in the directory snapshot
(``snapshot.py``), so a change to the directory rebuilds it within about a
second. Both databases rank the same way here (BM25); the HSDS API searches
the whole directory through the databases' own full-text indexes instead.
"""

from __future__ import annotations

import math
import re
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, time

from django.db import connection
from django.utils import timezone

from vern.core.text import norwegian_sort_key
from vern.directory import search

# FTS5's own bm25() defaults, so that ranking reads as it did on SQLite.
BM25_K1, BM25_B = 1.2, 0.75


class Tier:
    """The order results are shown in: the municipality's own, shared, national."""

    LOCAL, SHARED, NATIONAL = 0, 1, 2


@dataclass(slots=True)
class Entry:
    """One public service as the search sees it."""

    pk: uuid.UUID
    sort_key: str
    owner_id: int | None
    national: bool
    free: bool
    no_referral: bool
    acute: bool
    wheelchair: bool
    pets: bool
    open_24_7: bool
    terms: frozenset
    languages: frozenset
    hours: tuple[tuple[int, time, time], ...]
    body: str  # its search document, stemmed, words separated by one space
    length: int
    updated_at: object  # as the database gives it; stored cards are checked against it

    def is_open(self, weekday: int, clock: time) -> bool:
        return self.open_24_7 or any(
            day == weekday and opens <= clock < closes for day, opens, closes in self.hours
        )


class GuideIndex:
    def __init__(self, entries: list[Entry], areas: list[tuple], words: set[str]):
        self.entries = {entry.pk: entry for entry in entries}
        self.national = [entry for entry in entries if entry.national]
        self.owned: dict[int, list[Entry]] = {}
        for entry in entries:
            if entry.owner_id is not None:
                self.owned.setdefault(entry.owner_id, []).append(entry)
        self.served: dict[int, list[Entry]] = {}
        for service_id, municipality_id in areas:
            entry = self.entries.get(service_id)
            if entry is not None and entry.owner_id != municipality_id and not entry.national:
                self.served.setdefault(municipality_id, []).append(entry)
        self.words = frozenset(words)

    @classmethod
    def build(cls) -> GuideIndex:
        """Read the directory in five plain queries.

        Rows are read without the ORM: converting some 100,000 foreign keys to
        UUID objects took longer than everything else. Related rows are keyed
        by the database's own form of a service id, and the few distinct term
        ids and opening times are shared between entries.
        """
        from vern.directory.models import Schedule, Service, ServiceLanguage
        from vern.directory.selectors import PUBLIC_STATUSES

        def rows(model_or_table, columns: str) -> list[tuple]:
            table = getattr(model_or_table, "_meta", None)
            name = table.db_table if table else model_or_table
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {columns} FROM {name}")  # noqa: S608 (fixed names)
                return cursor.fetchall()

        def shared(cache: dict, convert):
            def get(value):
                try:
                    return cache[value]
                except KeyError:
                    cache[value] = converted = convert(value)
                    return converted

            return get

        as_uuid = shared(
            {}, lambda value: value if isinstance(value, uuid.UUID) else uuid.UUID(value)
        )
        as_time = shared(
            {}, lambda value: value if isinstance(value, time) else time.fromisoformat(value)
        )

        columns = (
            "id, name, owner_id, is_national, is_free, referral, acute, wheelchair_access, "
            "pets_allowed, open_24_7, status, search_document, updated_at"
        )
        # Services first: a change committed while the related rows are read
        # then shows as an entry older than its stored card (cards.result_cards).
        service_rows = rows(Service, columns)
        # Many entries share the same sets of terms and languages and the same hours.
        same = shared({}, lambda value: value)
        terms: dict = {}
        for key, term in rows(Service.terms.through, "service_id, taxonomyterm_id"):
            terms.setdefault(key, set()).add(as_uuid(term))
        languages: dict = {}
        for key, code in rows(ServiceLanguage, "service_id, code"):
            languages.setdefault(key, set()).add(sys.intern(code))
        hours: dict = {}
        for key, weekday, opens, closes in rows(
            Schedule, "service_id, weekday, opens_at, closes_at"
        ):
            hours.setdefault(key, []).append(same((weekday, as_time(opens), as_time(closes))))
        areas = rows(Service.areas.through, "service_id, municipality_id")

        stems = _Stems()
        public_statuses = set(PUBLIC_STATUSES)
        entries: dict = {}
        no_referral = Service.Referral.NONE
        for row in service_rows:
            key, name, owner_id, national, free, referral, acute, wheelchair, pets = row[:9]
            open_24_7, status, document, updated_at = row[9:]
            # Every entry's words count for typo correction; only public ones can be found.
            found = filter(None, map(stems.__getitem__, search.WORD.findall(document.casefold())))
            if status not in public_statuses:
                for _ in found:
                    pass
                continue
            body = " ".join(found)
            entries[key] = Entry(
                pk=as_uuid(key),
                sort_key=norwegian_sort_key(name),
                owner_id=owner_id,
                national=bool(national),
                free=bool(free),
                no_referral=referral == no_referral,
                acute=bool(acute),
                wheelchair=bool(wheelchair),
                pets=bool(pets),
                open_24_7=bool(open_24_7),
                terms=same(frozenset(terms.get(key, ()))),
                languages=same(frozenset(languages.get(key, ()))),
                hours=same(tuple(sorted(hours.get(key, ())))),
                body=body,
                length=body.count(" ") + 1,
                updated_at=updated_at,
            )
        served = [(entries[key].pk, m) for key, m in areas if key in entries]
        return cls(list(entries.values()), served, stems.words())

    # --- choosing ---------------------------------------------------------------

    def candidates(self, municipality_id: int | None, filters, *, now: datetime) -> list:
        """(entry, tier) for every public service a resident of the municipality
        can use that passes ``filters`` (``selectors.Filters``); without a
        municipality, the national ones."""
        found: dict[uuid.UUID, tuple[Entry, int]] = {}
        if municipality_id is not None:
            for entry in self.owned.get(municipality_id, ()):
                found[entry.pk] = (entry, Tier.LOCAL)
        for entry in self.national:
            found.setdefault(entry.pk, (entry, Tier.NATIONAL))
        if municipality_id is not None:
            for entry in self.served.get(municipality_id, ()):
                found.setdefault(entry.pk, (entry, Tier.SHARED))
        test = self._test(filters, now)
        if test is None:
            return list(found.values())
        return [pair for pair in found.values() if test(pair[0])]

    @staticmethod
    def _test(filters, now: datetime):
        """One function checking every active filter, or None when none is."""
        from vern.directory.selectors import term_table

        checks = []
        for flag in ("free", "no_referral", "acute", "wheelchair", "pets"):
            if getattr(filters, flag):
                checks.append(lambda entry, flag=flag: getattr(entry, flag))
        table = term_table()
        for taxonomy, code in (
            ("target_group", filters.target_group),
            ("violence", filters.violence),
        ):
            if code:
                wanted = frozenset(
                    t.pk for t in table.values() if t.taxonomy.code == taxonomy and t.code == code
                )
                checks.append(lambda entry, wanted=wanted: not wanted.isdisjoint(entry.terms))
        if filters.language:
            checks.append(lambda entry, code=filters.language: code in entry.languages)
        if filters.open_now:
            local = timezone.localtime(now)
            weekday, clock = local.isoweekday(), local.time()
            checks.append(lambda entry: entry.is_open(weekday, clock))
        if not checks:
            return None
        return lambda entry: all(check(entry) for check in checks)

    # --- ranking ------------------------------------------------------------------

    @staticmethod
    def scores(prefixes: list[str], entries: list[Entry]) -> dict[uuid.UUID, float]:
        """BM25 of the entries that contain a word starting with one of ``prefixes``.

        Document frequencies are counted among ``entries`` (one municipality's
        candidates), as the ranking only has to order those.
        """
        if not prefixes or not entries:
            return {}
        # Stems are separated by single spaces, so a match is a space and a prefix;
        # the longest prefix first, so that a word counts for the most specific one.
        alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
        pattern = re.compile(f" ({alternatives})")
        average = sum(entry.length for entry in entries) / len(entries)
        counted: list[tuple[Entry, dict[str, int]]] = []
        frequency: dict[str, int] = {}
        for entry in entries:
            found = pattern.findall(" " + entry.body)
            if not found:
                continue
            counts: dict[str, int] = {}
            for prefix in found:
                counts[prefix] = counts.get(prefix, 0) + 1
            counted.append((entry, counts))
            for prefix in counts:
                frequency[prefix] = frequency.get(prefix, 0) + 1
        total = len(entries)
        weight = {
            prefix: math.log(1 + (total - n + 0.5) / (n + 0.5)) for prefix, n in frequency.items()
        }
        result = {}
        for entry, counts in counted:
            norm = BM25_K1 * (1 - BM25_B + BM25_B * entry.length / average)
            result[entry.pk] = sum(
                weight[prefix] * n * (BM25_K1 + 1) / (n + norm) for prefix, n in counts.items()
            )
        return result


class _Stems(dict):
    """Word -> its stem, or "" for a word the index leaves out (a stop word, a
    short number); remembers each word, so that each is stemmed once."""

    def __missing__(self, word: str) -> str:
        if word in search.STOP_WORDS or (word.isdigit() and len(word) <= 2):
            stemmed = ""
        else:
            stemmed = sys.intern(search.stem(word))
        self[word] = stemmed
        return stemmed

    def words(self) -> set[str]:
        """The words seen, as ``search.words`` finds them (stop words included)."""
        return {word for word in self if not word.isdigit() or len(word) > 2}


def guide_index() -> GuideIndex:
    """This process's index; call ``snapshot.check()`` first in each request."""
    from vern.directory.snapshot import snapshot

    return snapshot.get("guide_index", GuideIndex.build)
