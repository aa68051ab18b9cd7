"""Reading a query: stop words, typo correction against the words that occur,
synonyms (``plan_query``). The query plan itself and the prefixes are the
directory's (``vern.directory.search``); ranking is the index's (``index.py``).
"""

from __future__ import annotations

import difflib
import re

from vern.directory.search import MAX_QUERY_CHARS, MAX_WORDS, STOP_WORDS, QueryPlan, words
from vern.guide.index import guide_index
from vern.guide.snapshot import snapshot
from vern.guide.understanding import lexicon


class Vocabulary:
    """The words that occur in the directory, for typo correction.

    Words are bucketed by first letter so a lookup compares against few words.
    """

    def __init__(self, found: set[str], index_words: frozenset = frozenset()):
        self._words = frozenset(found)
        self._buckets: dict[str, list[str]] = {}
        for word in found:
            if len(word) >= 4:
                self._buckets.setdefault(word[0], []).append(word)
        self.index_words = index_words  # the index's words it was made with

    def updated(self, changed) -> Vocabulary:
        """Brought in line with the index after a change to some services: the
        words they added, added. Built again if the index dropped a word (it
        was built again when an entry stopped being public)."""
        words_now = guide_index().words
        if words_now is self.index_words:
            return self
        if not self.index_words <= words_now:
            return Vocabulary.build()
        added = words_now - self.index_words
        fresh = Vocabulary.__new__(Vocabulary)
        fresh._words = self._words | added
        fresh._buckets = dict(self._buckets)
        for word in added - self._words:
            if len(word) >= 4:
                fresh._buckets[word[0]] = [*fresh._buckets.get(word[0], ()), word]
        fresh.index_words = words_now
        return fresh

    @classmethod
    def build(cls) -> Vocabulary:
        """The words of every public entry (gathered by the guide's index in the
        same pass over the directory), of the synonym list and of the lexicon's
        bokmål, nynorsk and English phrases. Never a word found only in an
        entry the public cannot see: a suggestion would show it."""
        from vern.directory.models import Synonym

        index_words = guide_index().words
        found = set(index_words)
        for term, expands in Synonym.objects.values_list("term", "expands_to"):
            found.update(words(term))
            found.update(words(_without_concepts(expands)))
        found.update(lexicon().correctable)
        return cls(found, index_words)

    def __contains__(self, word: str) -> bool:
        return word in self._words

    def closest(self, word: str) -> str | None:
        candidates = [w for w in self._buckets.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        matches = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
        return matches[0] if matches else None


def vocabulary() -> Vocabulary:
    """The words that occur; an edit adds its words (``Vocabulary.updated``), a
    synonym or an import builds them again."""
    return snapshot.get("vocabulary", Vocabulary.build, update=Vocabulary.updated)


def _build_synonyms() -> dict[str, list[str]]:
    from vern.directory.models import Synonym

    mapping: dict[str, list[str]] = {}
    for term, expands in Synonym.objects.values_list("term", "expands_to"):
        mapping.setdefault(term.casefold().strip(), []).extend(words(_without_concepts(expands)))
    return mapping


def _without_concepts(expands: str) -> str:
    """A synonym's words without the situations it names ("#sexual_violence"),
    which the lexicon reads (``understanding.py``)."""
    return re.sub(r"#\w+", " ", expands or "")


def synonym_map() -> dict[str, list[str]]:
    return snapshot.get("synonyms", _build_synonyms, services=False)


def plan_query(text: str, *, keep: frozenset[str] = frozenset()) -> QueryPlan:
    """The words to search for.

    Words in ``keep`` (the ones the lexicon recognised) are never read as
    misspellings of something else."""
    plan = QueryPlan()
    text = (text or "")[:MAX_QUERY_CHARS]
    raw = [w for w in words(text) if w not in STOP_WORDS][:MAX_WORDS]
    if not raw:
        return plan
    known, synonyms = vocabulary(), synonym_map()
    for word in raw:
        group = [word]
        if word not in known and word not in synonyms and word not in keep and len(word) >= 4:
            better = known.closest(word)
            if better:
                plan.corrected[word] = better
                group = [better]
        for key in (group[0], word):
            for extra in synonyms.get(key, []):
                if extra not in group:
                    group.append(extra)
        plan.groups.append(group)
    return plan


def with_words(plan: QueryPlan, extra) -> QueryPlan:
    """``plan`` with more words to look for (what the lexicon read the query as)."""
    present = set(plan.all_words())
    added = [w for w in extra if w not in present]
    if added:
        plan.groups.append(added)
    return plan


# --- running it -------------------------------------------------------------
