"""The guide's search index, kept in each process's memory.

A resident's search touches a few hundred entries: the municipality's own,
those serving it, and the national ones. Asking the database for them, then
for the ones passing the filters, then for their texts, cost more than ranking
them (four to six queries, most of their time spent building SQL). The index
holds, for every public service, what choosing and ranking it needs: who
offers it and where, the filter facts, opening hours and its text stemmed.
One pass over the directory builds it, together with the words that occur in
the directory (for typo correction): at 20,000 services about 1 s and 15 MB
(``bench/guide_search.py`` prints both). It lives in the snapshot
(``snapshot.py``): within about a second of a change every process reads
again only the services the change log names (``updated``), or, for a change
the log does not explain, those whose ``updated_at`` moved (``refreshed``,
about 50 ms at 20,000 services). Both databases rank the same way here (BM25).

The HSDS API searches the whole country (``search_page``). Scanning every
entry's text costs about 80 ms for a word most services contain, so the first
API search in a process builds postings (``Postings``: stem -> the entries
containing it, about 0.7 s and 5 MB at 20,000 services); a query prefix is
expanded to its stems through the sorted vocabulary, and only entries holding
one are scored (about 7 ms for "vold", in 19,667 of 20,000 services). An
update or refresh patches the postings for the services it read again, as it
does the rest of the index; a build (a public entry hidden, an import) leaves
them to be built again on the next API search.
"""

from __future__ import annotations

import heapq
import math
import re
import sys
import threading
import uuid
from array import array
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time
from itertools import groupby
from operator import itemgetter

from django.db import connection
from django.utils import timezone

from vern.core.text import norwegian_sort_key
from vern.directory import search
from vern.directory.selectors import Tier
from vern.guide.snapshot import snapshot

MAX_KEPT = 1024  # values worked out from an index and kept with it (``GuideIndex.kept``)
# FTS5's own bm25() defaults, so that ranking reads as it did on SQLite.
BM25_K1, BM25_B = 1.2, 0.75


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
    body: str  # its search document, stemmed: one character per word (``stem_codes``)
    length: int
    updated_at: object  # as the database gives it; stored cards are checked against it
    areas: tuple[int, ...]  # the municipalities it lists among those it serves

    def is_open(self, weekday: int, clock: time) -> bool:
        return self.open_24_7 or any(
            day == weekday and opens <= clock < closes for day, opens, closes in self.hours
        )


class GuideIndex:
    def __init__(
        self,
        entries: list[Entry],
        words: set[str] | frozenset,
        stamps: dict,
        postings: Postings | None = None,
    ):
        self.entries = {entry.pk: entry for entry in entries}
        self.national = [entry for entry in entries if entry.national]
        self.owned: dict[int, list[Entry]] = {}
        self.served: dict[int, list[Entry]] = {}
        for entry in entries:
            if entry.owner_id is not None:
                self.owned.setdefault(entry.owner_id, []).append(entry)
            if not entry.national:
                for municipality_id in entry.areas:
                    if municipality_id != entry.owner_id:
                        self.served.setdefault(municipality_id, []).append(entry)
        self.words = frozenset(words)
        # Every service's updated_at (public or not) by its id as the database
        # gives it, so that ``refreshed`` can tell what changed.
        self.stamps = stamps
        # The inverted index of the whole directory, made on the first search
        # that needs it (``postings``), then patched by ``updated``/``refreshed``.
        self._postings = postings
        # What was worked out from this index alone (``kept``), gone with it at the
        # next change (``updated`` keeps what the change cannot have touched): the
        # API's pages of results, the municipalities' key services.
        self._kept: dict[tuple, object] = {}

    _postings_lock = threading.Lock()

    @property
    def postings(self) -> Postings:
        """stem -> the entries containing it (built on first use, about half a
        second at 20,000 services; afterwards patched with each change)."""
        found = self._postings
        if found is None:
            with GuideIndex._postings_lock:
                found = self._postings
                if found is None:
                    found = self._postings = Postings.of(self.entries.values())
        return found

    def _patched(self, changes: dict) -> Postings | None:
        """This index's postings with the entries ``changes`` names (id -> new
        entry, or None when gone) replaced; None if they were never built."""
        if self._postings is None:
            return None
        return self._postings.patched(changes)

    builds = 0  # how many times a process built one from nothing (tests, the bench)

    @classmethod
    def build(cls) -> GuideIndex:
        """Read the whole directory (five plain queries)."""
        GuideIndex.builds += 1
        reader = _Reader()
        return cls(reader.entries(), reader.public_words(), reader.stamps)

    def updated(self, ids: frozenset | None) -> GuideIndex:
        """This index with the services ``ids`` (named by the change log) read
        again: a few queries for those rows only. ``None``: see ``refreshed``.
        As there, an entry that stopped being public makes a build."""
        from vern.directory.models import Service

        if ids is None:
            return self.refreshed()
        if not ids:
            return self
        if len(ids) > REFRESH_LIMIT:
            return self.build()
        reader = _Reader()
        prepare = Service._meta.pk.get_db_prep_value
        keys = [prepare(pk, connection) for pk in ids]
        fresh = {entry.pk: entry for entry in reader.entries(keys)}
        if any(pk in self.entries and pk not in fresh for pk in map(reader.as_uuid, reader.stamps)):
            return self.build()  # a public entry was hidden: forget its words
        stamps = dict(self.stamps)
        for key in keys:
            stamps.pop(key, None)  # deleted, if the read found it no more
        stamps.update(reader.stamps)
        entries = dict(self.entries)
        for pk in ids:
            entries.pop(pk, None)
        entries.update(fresh)
        postings = self._patched({pk: fresh.get(pk) for pk in ids})
        index = GuideIndex(
            list(entries.values()), self.words | reader.public_words(), stamps, postings
        )
        index._kept = self._untouched(ids, fresh)
        return index

    def _untouched(self, ids, fresh: dict) -> dict:
        """The kept values an update of ``ids`` leaves as they are: a municipality's
        key services when none of the changed entries, as it was or as it is, is
        its own or lists it among the areas it serves (those lists hold no national
        services). An editor's save a second otherwise made every municipality's
        page work its list out again in every process."""
        reached: set[int] = set()
        for pk in ids:
            for entry in (self.entries.get(pk), fresh.get(pk)):
                if entry is not None:
                    if entry.owner_id is not None:
                        reached.add(entry.owner_id)
                    reached.update(entry.areas)
        return {
            key: value
            for key, value in self._kept.items()
            if key[0] == "key_services" and key[1] not in reached
        }

    def refreshed(self) -> GuideIndex:
        """This index brought up to date: only the services whose ``updated_at``
        differs from the one seen, and those gone, are read again, so a change
        costs milliseconds where a build costs about a second at 20,000
        services. Words an edit removed from a public entry stay in the typo
        vocabulary until the next build, as do a deleted entry's; when an entry
        stops being public the index is built again, so that typo correction
        never suggests a word only a hidden entry has."""
        from vern.directory.models import Service

        reader = _Reader()
        stamps = dict(reader.rows(Service, "id, updated_at"))
        changed = [key for key, stamp in stamps.items() if self.stamps.get(key) != stamp]
        gone = [key for key in self.stamps if key not in stamps]
        if not changed and not gone:
            return self
        if len(changed) > REFRESH_LIMIT:
            return self.build()
        entries = dict(self.entries)
        touched = [reader.as_uuid(key) for key in (*changed, *gone)]
        for pk in touched:
            entries.pop(pk, None)
        fresh = {entry.pk: entry for entry in reader.entries(changed)}
        if any(
            reader.as_uuid(key) in self.entries and reader.as_uuid(key) not in fresh
            for key in changed
        ):
            return self.build()  # a public entry was hidden: forget its words
        entries.update(fresh)
        postings = self._patched({pk: fresh.get(pk) for pk in touched})
        return GuideIndex(
            list(entries.values()), self.words | reader.public_words(), stamps, postings
        )

    # --- choosing ---------------------------------------------------------------

    def candidates(self, municipality_id: int | None, filters, *, now: datetime) -> list:
        """(entry, tier) for every public service a resident of the municipality
        can use that passes ``filters`` (``selectors.Filters``); without a
        municipality, the national ones."""
        found = self._reachable(municipality_id)
        test = self._test(filters, now)
        if test is None:
            return list(found.values())
        return [pair for pair in found.values() if test(pair[0])]

    def _reachable(self, municipality_id: int | None) -> dict[int, tuple[Entry, int]]:
        """(entry, tier) of the services a resident of the municipality can use
        (``selectors.services_for``'s tiers), without one the national ones;
        keyed by the entry object's identity (one object per service in an
        index): hashing a UUID runs Python code, hashing an int does not."""
        found: dict[int, tuple[Entry, int]] = {}
        if municipality_id is not None:
            for entry in self.owned.get(municipality_id, ()):
                found[id(entry)] = (entry, Tier.LOCAL)
        for entry in self.national:
            found.setdefault(id(entry), (entry, Tier.NATIONAL))
        if municipality_id is not None:
            for entry in self.served.get(municipality_id, ()):
                found.setdefault(id(entry), (entry, Tier.SHARED))
        return found

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
        return {
            entry.pk: score
            for entry, score in zip(
                entries, GuideIndex.entry_scores(prefixes, entries), strict=True
            )
            if score
        }

    @staticmethod
    def entry_scores(prefixes: list[str], entries: list[Entry]) -> list[float]:
        """``scores`` as a list in the order of ``entries`` (0.0 for no match): the
        results page ranks a few hundred entries per request, and a dict keyed by
        UUID would hash each one in Python code."""
        if not prefixes or not entries:
            return [0.0] * len(entries)
        # Each stem the prefixes cover is one character of a body: a class of those
        # characters finds them all in one pass (in C), whatever their number.
        prefix_of = stem_codes.prefix_of(prefixes)
        if not prefix_of:
            return [0.0] * len(entries)
        findall = re.compile("[" + "".join(map(re.escape, prefix_of)) + "]").findall
        counted: list[tuple[int, dict[str, int]]] = []
        frequency: dict[str, int] = {}
        only = set(prefix_of.values())
        only = only.pop() if len(only) == 1 else None  # one prefix: no need to tell them apart
        for position, entry in enumerate(entries):
            found = findall(entry.body)
            if not found:
                continue
            if only is not None:
                counted.append((position, {only: len(found)}))
                continue
            # Counted here: setting up a Counter costs more than the few matches of a body.
            counts: dict[str, int] = {}
            for code in found:
                prefix = prefix_of[code]
                counts[prefix] = counts.get(prefix, 0) + 1
            counted.append((position, counts))
            for prefix in counts:
                frequency[prefix] = frequency.get(prefix, 0) + 1
        if only is not None and counted:
            frequency[only] = len(counted)
        result = [0.0] * len(entries)
        if not counted:
            return result
        total = len(entries)
        weight = {
            prefix: math.log(1 + (total - n + 0.5) / (n + 0.5)) * (BM25_K1 + 1)
            for prefix, n in frequency.items()
        }
        # BM25's length normalisation, K1 * (1 - B + B * length / average).
        scale = BM25_K1 * BM25_B * total / sum(entry.length for entry in entries)
        base = BM25_K1 * (1 - BM25_B)
        for position, counts in counted:
            norm = base + scale * entries[position].length
            score = 0.0
            for prefix, n in counts.items():
                score += weight[prefix] * n / (n + norm)
            result[position] = score
        return result

    # --- the HSDS API's search ------------------------------------------------------

    def search_page(
        self,
        prefixes: list[str],
        *,
        municipality_id: int | None,
        test=None,
        start: int,
        end: int,
    ) -> tuple[int, list[uuid.UUID]]:
        """(number of matches, ids of matches ``start``..``end``) of a search for
        ``prefixes`` among the public services passing ``test`` (a function of an
        entry, or None): with a municipality the ones its residents can use
        (``_reachable``), else the whole directory. Ordered by tier (with a
        municipality), then BM25 (document frequencies counted among the
        services searched), then ``norwegian_sort_key`` of the name, then id.

        The whole directory is searched through the postings, so only entries
        containing a prefix are scored; a municipality's few hundred
        candidates are scored directly (``scores``, the guide's own ranking,
        which gives the same figures). Either way only the page is sorted.
        """
        if not prefixes:
            return 0, []
        if test is not None:
            return self._search_page(prefixes, municipality_id, test, start, end)
        # The same searches come again and again, and ranking the country for a
        # common word costs milliseconds.
        total, ids = self.kept(
            ("search_page", tuple(prefixes), municipality_id, start, end),
            lambda: self._search_page(prefixes, municipality_id, None, start, end),
        )
        return total, list(ids)

    def kept(self, key: tuple, make):
        """``make()``, kept with this index: for what depends on nothing else."""
        found = self._kept.get(key)
        if found is None:
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            found = self._kept[key] = make()
        return found

    def _search_page(self, prefixes, municipality_id, test, start, end):
        if municipality_id is None:
            return self._search_everywhere(prefixes, test, start, end)
        pairs = [
            pair
            for pair in self._reachable(municipality_id).values()
            if test is None or test(pair[0])
        ]
        if len(pairs) <= SCAN_LIMIT:
            scored = self.scores(prefixes, [entry for entry, _tier in pairs])
        else:
            postings = self.postings
            slot_of = postings.slot_of
            by_slot = postings.scores(prefixes, {slot_of[entry.pk] for entry, _tier in pairs})
            slots = postings.slots
            scored = {slots[slot].pk: score for slot, score in by_slot.items()}
        matches = [
            (tier, -round(scored[entry.pk], 9), entry.sort_key, entry.pk)
            for entry, tier in pairs
            if entry.pk in scored
        ]
        if start >= len(matches):
            return len(matches), []
        return len(matches), [row[3] for row in heapq.nsmallest(end, matches)[start:]]

    def _search_everywhere(self, prefixes, test, start, end) -> tuple[int, list[uuid.UUID]]:
        postings = self.postings
        slots = postings.slots
        within = None
        if test is not None:
            within = {slot for slot, entry in enumerate(slots) if entry is not None and test(entry)}
        scored = postings.scores(prefixes, within)
        total = len(scored)
        if start >= total:
            return total, []
        # Only scores as high as the page's lowest can be on it: sort just those
        # (rounded, so that sums taken in another order tie as they should).
        lowest = heapq.nlargest(end, scored.values())[-1] - 1e-6
        page = heapq.nsmallest(
            end,
            (
                (-round(score, 9), slots[slot].sort_key, slots[slot].pk)
                for slot, score in scored.items()
                if score >= lowest
            ),
        )
        return total, [row[2] for row in page[start:]]


class Postings:
    """The inverted index of the whole directory: stem -> the entries containing it.

    Entries have a slot (an int); each stem's postings are an ``array`` of
    ``slot << 8 | occurrences`` (occurrences capped at 255), so that the index
    adds a few bytes per distinct word of an entry instead of a Python int or
    reference each. A sorted vocabulary turns a query prefix into the stems it
    covers (``bisect``). Never changed once made: ``patched`` copies what a
    change touches (the slot table and the stems of the changed entries), so a
    request still reading the previous one is never disturbed.
    """

    __slots__ = ("free", "length_total", "lists", "slot_of", "slots", "vocabulary")

    def __init__(self, slots, slot_of, free, lists, vocabulary, length_total):
        self.slots: list[Entry | None] = slots
        self.slot_of: dict[uuid.UUID, int] = slot_of
        self.free: list[int] = free  # slots of deleted or hidden entries, to reuse
        self.lists: dict[str, array] = lists
        self.vocabulary: list[str] = vocabulary
        self.length_total: int = length_total

    builds = 0  # how many were made from nothing (tests, the bench)

    @classmethod
    def of(cls, entries) -> Postings:
        Postings.builds += 1
        slots = list(entries)
        # Straight into arrays: lists of ints would leave some 700,000 int objects
        # behind at 20,000 services, freed but scattered over the heap (about
        # 5 MB more resident in every worker).
        lists: dict[str, array] = {}
        length_total = 0
        for slot, entry in enumerate(slots):
            length_total += entry.length
            for stem, n in _counts(entry).items():
                try:
                    lists[stem].append(slot << 8 | n)
                except KeyError:
                    lists[stem] = array("i", (slot << 8 | n,))
        slot_of = {entry.pk: slot for slot, entry in enumerate(slots)}
        return cls(slots, slot_of, [], lists, sorted(lists), length_total)

    def patched(self, changes: dict) -> Postings:
        """These postings with ``changes`` (id -> its new entry, or None when it is
        no longer public) applied: only the stems whose counts changed are
        copied and rewritten."""
        slots, slot_of, free = list(self.slots), dict(self.slot_of), list(self.free)
        length_total = self.length_total
        drop: dict[str, list[int]] = {}  # the values to take out, as stored
        add: dict[str, list[int]] = {}
        freed = []
        for pk, entry in changes.items():
            slot = slot_of.get(pk)
            old = None if slot is None else slots[slot]
            if old is None and entry is None:
                continue
            before, after = _counts(old), _counts(entry)
            if slot is None:
                slot = free.pop() if free else len(slots)
                if slot == len(slots):
                    slots.append(None)
            for stem, n in before.items():
                if after.get(stem) != n:
                    drop.setdefault(stem, []).append(slot << 8 | n)
            for stem, n in after.items():
                if before.get(stem) != n:
                    add.setdefault(stem, []).append(slot << 8 | n)
            if old is not None:
                length_total -= old.length
            if entry is None:
                slots[slot] = None
                del slot_of[pk]
                freed.append(slot)  # reused by the next patch, not this one
            else:
                slots[slot] = entry
                slot_of[pk] = slot
                length_total += entry.length
        free += freed
        lists = dict(self.lists)
        new_stems, gone_stems = [], []
        for stem in drop.keys() | add.keys():
            old_values = lists.get(stem, ())
            values = array("i", old_values)  # a copy: the old one may be in use
            for value in drop.get(stem, ()):
                del values[values.index(value)]  # each slot is once in a list
            values.extend(add.get(stem, ()))
            if values:
                if not old_values:
                    new_stems.append(stem)
                lists[stem] = values
            elif old_values:
                del lists[stem]
                gone_stems.append(stem)
        vocabulary = self.vocabulary
        if new_stems or gone_stems:
            vocabulary = list(vocabulary)
            for stem in gone_stems:
                del vocabulary[bisect_left(vocabulary, stem)]
            for stem in new_stems:
                insort(vocabulary, stem)
        return Postings(slots, slot_of, free, lists, vocabulary, length_total)

    def stems(self, prefixes: list[str]) -> dict[str, list[str]]:
        """prefix -> the stems it covers; a stem counts for the longest prefix it
        starts with, as in ``GuideIndex.scores``."""
        found: dict[str, list[str]] = {}
        for stem, prefix in _covered(self.vocabulary, prefixes).items():
            found.setdefault(prefix, []).append(stem)
        return found

    def scores(self, prefixes: list[str], within: set[int] | None = None) -> dict[int, float]:
        """slot -> BM25 of the entries (among the slots ``within``, else all)
        containing a word starting with one of ``prefixes``: the same figures as
        ``GuideIndex.scores`` over those entries, but reading only the postings
        of the stems the prefixes cover."""
        slots, lists = self.slots, self.lists
        if within is None:
            total = len(self.slot_of)
            length_total = self.length_total
        else:
            total = len(within)
            length_total = sum(slots[slot].length for slot in within)
        if not total:
            return {}
        # BM25's length normalisation, K1 * (1 - B + B * length / average), by slot.
        scale, base = BM25_K1 * BM25_B * total / length_total, BM25_K1 * (1 - BM25_B)
        result: dict[int, float] = {}
        for stems in self.stems(prefixes).values():
            # The longest list through a comprehension, the rest added to it.
            stems = sorted(stems, key=lambda stem: len(lists[stem]), reverse=True)
            if within is None:
                counts = {value >> 8: value & 255 for value in lists[stems[0]]}
            else:
                counts = {v >> 8: v & 255 for v in lists[stems[0]] if v >> 8 in within}
            get = counts.get
            for stem in stems[1:]:
                for value in lists[stem]:
                    slot = value >> 8
                    if within is None or slot in within:
                        counts[slot] = get(slot, 0) + (value & 255)
            if not counts:
                continue
            n = len(counts)
            weight = math.log(1 + (total - n + 0.5) / (n + 0.5)) * (BM25_K1 + 1)
            if not result:
                result = {
                    slot: weight * tf / (tf + base + scale * slots[slot].length)
                    for slot, tf in counts.items()
                }
                continue
            get = result.get
            for slot, tf in counts.items():
                result[slot] = get(slot, 0.0) + weight * tf / (
                    tf + base + scale * slots[slot].length
                )
        return result


def _counts(entry: Entry | None) -> dict[str, int]:
    """Stem -> occurrences (at most 255) in an entry's body."""
    if entry is None or not entry.body:
        return {}
    stem_of = stem_codes.stem_of
    return {stem_of(code): min(n, 255) for code, n in Counter(entry.body).items()}


class StemCodes:
    """Every stem this process has indexed, as one character each.

    An entry's body is the string of its stems' characters, not the stems
    themselves: 2 bytes a word instead of about 8, which at 20,000 services
    keeps some 5 MB out of every worker. Codes are handed out once and never
    change (``U+0100`` onwards, so a body is stored 2 bytes a character), so
    entries read at different times agree; the few stems no entry holds any
    more cost a dictionary slot each.
    """

    FIRST = 0x100

    def __init__(self) -> None:
        self._code: dict[str, str] = {}
        self._stems: list[str] = []
        self._sorted: list[str] = []  # replaced, never changed, so readers need no lock
        self._lock = threading.Lock()

    def body(self, stems) -> str:
        """The body of these stems (in their order)."""
        code, stems = self._code, list(stems)
        try:
            return "".join([code[stem] for stem in stems])
        except KeyError:
            with self._lock:
                new = [stem for stem in dict.fromkeys(stems) if stem not in code]
                for stem in new:
                    code[stem] = chr(self.FIRST + len(self._stems))
                    self._stems.append(stem)
                if new:
                    merged = self._sorted + new
                    merged.sort()
                    self._sorted = merged
            return "".join([code[stem] for stem in stems])

    def stem_of(self, code: str) -> str:
        return self._stems[ord(code) - self.FIRST]

    def prefix_of(self, prefixes: list[str]) -> dict[str, str]:
        """Code -> the prefix its stem counts for (``_covered``)."""
        code = self._code
        return {code[stem]: prefix for stem, prefix in _covered(self._sorted, prefixes).items()}


def _covered(vocabulary: list[str], prefixes: list[str]) -> dict[str, str]:
    """Stem -> the prefix it counts for, for the stems of the sorted ``vocabulary``
    that start with one of ``prefixes``: the longest one, so that a word counts
    for the most specific prefix (the postings and the direct scoring alike)."""
    found: dict[str, str] = {}
    for prefix in sorted(set(prefixes), key=len, reverse=True):
        i = bisect_left(vocabulary, prefix)
        while i < len(vocabulary) and vocabulary[i].startswith(prefix):
            found.setdefault(vocabulary[i], prefix)
            i += 1
    return found


stem_codes = StemCodes()


# A municipality's candidates up to this many are scored directly (``scores``);
# more, through the postings.
SCAN_LIMIT = 1000
# Above this many changed services a build is cheaper than a refresh.
REFRESH_LIMIT = 2000
# Ids per query when reading some services again (SQLite allows 999 parameters).
CHUNK = 500


# A service id as text, the same on both databases' sides of a comparison: the
# related rows are matched to their service by it (``_Follow``), and comparing
# strings costs far less than comparing (and making) UUID objects. The text
# form sorts as the ids do (hexadecimal digits, dashes in fixed places).
_TEXT_ID = "CAST({0} AS TEXT) AS {0}_text"


class _Reader:
    """Reads services and their related rows into entries.

    Rows are read without the ORM: converting some 100,000 foreign keys to
    UUID objects took longer than everything else. Related rows are matched to
    their service by its id as text (``_TEXT_ID``), and the few distinct term ids,
    opening times, sets and tuples are shared between entries.
    """

    COLUMNS = (
        "id, name, owner_id, is_national, is_free, referral, acute, wheelchair_access, "
        "pets_allowed, open_24_7, status, search_document, updated_at, "
        f"{_TEXT_ID.format('id')}"
    )

    def __init__(self) -> None:
        self.stems = _Stems()
        self.words_seen: set[str] = set()  # the words of the public entries read
        self.stamps: dict = {}
        self.as_uuid = _shared(lambda v: v if isinstance(v, uuid.UUID) else uuid.UUID(v))
        self.as_time = _shared(lambda v: v if isinstance(v, time) else time.fromisoformat(v))
        self.same = _shared(lambda value: value)

    @staticmethod
    def rows(model, columns: str, *, where: str = "", params=()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(_select(model, columns, where), params)
            return cursor.fetchall()

    def _ordered(self, model, columns: str, keys: list | None, by: str = "service_id"):
        """The rows (of every service, or of those ``keys`` names) ordered by ``by``.

        Asked now, taken a batch at a time: every table is read in the same order
        of service ids, so that one service's rows are together (``_Follow``) and
        the whole directory is never held as rows at once. Reading it so keeps
        about 10 MB of freed rows out of every process's memory at 20,000
        services (they were left scattered between the entries kept)."""
        order = f" ORDER BY {by}"
        if keys is None:
            cursor = connection.cursor()
            cursor.execute(_select(model, columns, order))
            return _batches(cursor)
        rows: list[tuple] = []
        keys = sorted(keys)
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            where = f" WHERE {by} IN ({', '.join(['%s'] * len(chunk))}){order}"
            rows += self.rows(model, columns, where=where, params=chunk)
        return iter(rows)

    def entries(self, keys: list | None = None) -> list[Entry]:
        """Entries for the public services among ``keys`` (database ids), or for
        every public service; records every service's ``updated_at`` read."""
        from vern.directory.models import Schedule, Service, ServiceLanguage
        from vern.directory.selectors import PUBLIC_STATUSES

        # Services first: a change committed while the related rows are read
        # then shows as an entry older than its stored card (cards.result_cards).
        service_rows = self._ordered(Service, self.COLUMNS, keys, by="id")
        service_id = _TEXT_ID.format("service_id")
        terms = _Follow(
            self._ordered(
                Service.terms.through,
                f"{service_id}, {_TEXT_ID.format('taxonomyterm_id')}",
                keys,
            )
        )
        languages = _Follow(self._ordered(ServiceLanguage, f"{service_id}, code", keys))
        hours = _Follow(
            self._ordered(Schedule, f"{service_id}, weekday, opens_at, closes_at", keys)
        )
        areas = _Follow(
            self._ordered(Service.areas.through, f"{service_id}, municipality_id", keys)
        )

        same, as_uuid, as_time = self.same, self.as_uuid, self.as_time
        public_statuses = set(PUBLIC_STATUSES)
        no_referral = Service.Referral.NONE
        stems = self.stems
        entries = []
        for row in service_rows:
            key, name, owner_id, national, free, referral, acute, wheelchair, pets = row[:9]
            open_24_7, status, document, updated_at, text_id = row[9:]
            self.stamps[key] = updated_at
            # Taken whether or not the entry is public, to move past its rows.
            its_terms, its_languages = terms.take(text_id), languages.take(text_id)
            its_hours, its_areas = hours.take(text_id), areas.take(text_id)
            if status not in public_statuses:
                continue  # neither found nor suggested by typo correction
            raw = search.WORD.findall(document.casefold())
            self.words_seen.update(raw)
            body = stem_codes.body(filter(None, map(stems.__getitem__, raw)))
            entries.append(
                Entry(
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
                    terms=same(frozenset(as_uuid(term) for _, term in its_terms)),
                    languages=same(frozenset(sys.intern(code) for _, code in its_languages)),
                    hours=same(
                        tuple(
                            sorted(
                                same((weekday, as_time(opens), as_time(closes)))
                                for _, weekday, opens, closes in its_hours
                            )
                        )
                    ),
                    body=body,
                    length=max(len(body), 1),  # an empty body counts as one word
                    updated_at=updated_at,
                    areas=same(tuple(sorted(municipality for _, municipality in its_areas))),
                )
            )
        return entries

    def public_words(self) -> set[str]:
        """The words of the public entries read, as ``search.words`` finds them."""
        return {word for word in self.words_seen if not word.isdigit() or len(word) > 2}


FETCH = 1000  # rows taken from a cursor at a time when reading the whole directory


def _select(model, columns: str, where: str = "") -> str:
    return f"SELECT {columns} FROM {model._meta.db_table}{where}"  # noqa: S608 (fixed names)


def _batches(cursor):
    """The cursor's rows, ``FETCH`` at a time; closes it when they are all taken."""
    try:
        while batch := cursor.fetchmany(FETCH):
            yield from batch
    finally:
        cursor.close()


class _Follow:
    """Rows ordered by their first column (a service id as text), taken a service
    at a time alongside the services read in the same order."""

    def __init__(self, rows) -> None:
        self._groups = groupby(rows, key=itemgetter(0))
        self._next = next(self._groups, None)

    def take(self, key) -> list[tuple]:
        """The rows of ``key``, passing those of any smaller key (a service added
        after the services were read)."""
        found: list[tuple] = []
        while self._next is not None and self._next[0] <= key:
            if self._next[0] == key:
                found = list(self._next[1])
            self._next = next(self._groups, None)
        return found


def _shared(convert):
    """``convert``, remembering each result, so that equal values are one object."""
    cache: dict = {}

    def get(value):
        try:
            return cache[value]
        except KeyError:
            cache[value] = converted = convert(value)
            return converted

    return get


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


def guide_index() -> GuideIndex:
    """This process's index.

    After a change to the directory the previous index is refreshed rather
    than built again."""
    return snapshot.get(
        "guide_index", GuideIndex.build, refresh=GuideIndex.refreshed, update=GuideIndex.updated
    )
