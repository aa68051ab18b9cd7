"""Full-text search of the guide, behind one function: ``search_services``.

PostgreSQL searches ``search_document`` with its own ``norwegian`` text
configuration (a GIN index on the expression); SQLite uses an FTS5 table of
Snowball-stemmed words kept in step by ``index_service``. Both get the same
query plan first: words lower-cased, stop words dropped, synonyms added
("juling" also finds "vold"), and words that appear nowhere in the directory
replaced by their closest spellings ("krisesenetr" finds "krisesenter").

Search terms are never logged or stored.
"""

from __future__ import annotations

import difflib
import re
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.db import connection
from django.db.models import Max

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 200
MAX_WORDS = 12

# Common Norwegian words that carry no meaning for finding a service.
STOP_WORDS = frozenset(
    [
        "og",
        "i",
        "jeg",
        "det",
        "at",
        "en",
        "et",
        "den",
        "til",
        "er",
        "som",
        "på",
        "de",
        "med",
        "han",
        "av",
        "ikke",
        "der",
        "så",
        "var",
        "meg",
        "seg",
        "men",
        "ett",
        "har",
        "om",
        "vi",
        "min",
        "mitt",
        "mine",
        "du",
        "deg",
        "din",
        "ditt",
        "dine",
        "hun",
        "hennes",
        "hans",
        "sin",
        "sitt",
        "sine",
        "for",
        "fra",
        "ble",
        "bli",
        "blir",
        "kan",
        "kunne",
        "skal",
        "skulle",
        "vil",
        "ville",
        "må",
        "mye",
        "noe",
        "noen",
        "hva",
        "hvor",
        "når",
        "hvem",
        "hvordan",
        "meg",
        "oss",
        "dere",
        "dem",
        "ham",
        "her",
        "eller",
        "også",
        "etter",
        "før",
        "over",
        "under",
        "mot",
        "ved",
        "nå",
        "bare",
        "min",
        "mye",
        "sånn",
        "få",
        "får",
        "fikk",
        "hjelp",
    ]
)


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("norwegian")


_stem_lock = threading.Lock()


def stem(word: str) -> str:
    with _stem_lock:  # the Snowball stemmer object is not thread-safe
        return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.casefold()) if not w.isdigit() or len(w) > 2]


def stemmed_body(text: str) -> str:
    """What the SQLite index stores: every word stemmed, stop words kept out."""
    return " ".join(stem(w) for w in words(text) if w not in STOP_WORDS)


# --- the query plan ---------------------------------------------------------


@dataclass
class QueryPlan:
    """Groups of alternative words; a service matches if it has any of them.

    ``corrected`` maps a misspelled word to what it was read as, so the page
    can say "showing results for ...".
    """

    groups: list[list[str]] = field(default_factory=list)
    corrected: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.groups

    def all_words(self) -> list[str]:
        return [w for group in self.groups for w in group]


class Vocabulary:
    """The words that occur in the directory, for typo correction.

    Rebuilt when the directory changes (checked with one cheap query); words
    are bucketed by first letter so a lookup compares against few words.
    """

    def __init__(self):
        self._key = None
        self._words: frozenset[str] = frozenset()
        self._buckets: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def _version(self):
        from vern.directory.models import Service, Synonym

        services = Service.objects.aggregate(n=Max("updated_at"))["n"]
        synonyms = Synonym.objects.aggregate(n=Max("updated_at"))["n"]
        return (services, synonyms, Service.objects.count())

    def refresh(self) -> None:
        from vern.directory.models import Service, Synonym

        key = self._version()
        if key == self._key:
            return
        with self._lock:
            found: set[str] = set()
            for document in Service.objects.values_list("search_document", flat=True).iterator():
                found.update(words(document))
            for term, expands in Synonym.objects.values_list("term", "expands_to"):
                found.update(words(term))
                found.update(words(expands))
            buckets: dict[str, list[str]] = {}
            for word in found:
                if len(word) >= 4:
                    buckets.setdefault(word[0], []).append(word)
            self._words, self._buckets, self._key = frozenset(found), buckets, key

    def __contains__(self, word: str) -> bool:
        return word in self._words

    def closest(self, word: str) -> str | None:
        candidates = [w for w in self._buckets.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        matches = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
        return matches[0] if matches else None


vocabulary = Vocabulary()


def synonym_map() -> dict[str, list[str]]:
    from vern.directory.models import Synonym

    mapping: dict[str, list[str]] = {}
    for term, expands in Synonym.objects.values_list("term", "expands_to"):
        mapping.setdefault(term.casefold().strip(), []).extend(words(expands))
    return mapping


def plan_query(text: str) -> QueryPlan:
    plan = QueryPlan()
    text = (text or "")[:MAX_QUERY_CHARS]
    raw = [w for w in words(text) if w not in STOP_WORDS][:MAX_WORDS]
    if not raw:
        return plan
    vocabulary.refresh()
    synonyms = synonym_map()
    for word in raw:
        group = [word]
        if word not in vocabulary and word not in synonyms and len(word) >= 4:
            better = vocabulary.closest(word)
            if better:
                plan.corrected[word] = better
                group = [better]
        for key in (group[0], word):
            for extra in synonyms.get(key, []):
                if extra not in group:
                    group.append(extra)
        plan.groups.append(group)
    return plan


# --- running it -------------------------------------------------------------


def prefixes(plan: QueryPlan) -> list[str]:
    """The index prefixes a plan searches for.

    Each word is Snowball-stemmed and, when long, cut by two letters, then
    matched as a prefix. The Norwegian stemmer leaves "krisesentre" and
    "krisesenteret" with different stems; their shared prefix finds both.
    """
    found = set()
    for word in plan.all_words():
        stemmed = stem(word)
        found.add(stemmed[: max(5, len(stemmed) - 2)] if len(stemmed) > 6 else stemmed)
    return sorted(found)


def scores(plan: QueryPlan) -> dict:
    """Service id -> relevance for every service matching any word of the plan.

    One query against the full-text index; the caller applies filters and
    ordering with the ORM on the ids. Prefixes are word characters only, so they are safe
    inside both query languages.
    """
    if plan.empty:
        return {}
    terms = prefixes(plan)
    if connection.vendor == "postgresql":
        # 'simple' keeps our own stems as they are; the document side is norwegian.
        raw = " | ".join(f"{t}:*" for t in terms)
        sql = (
            "SELECT id, ts_rank(to_tsvector('norwegian'::regconfig, search_document), q) "
            "FROM directory_service, to_tsquery('simple'::regconfig, %s) AS q "
            "WHERE to_tsvector('norwegian'::regconfig, search_document) @@ q"
        )
        params = [raw]
    else:
        sql = (
            "SELECT service_id, -bm25(directory_service_fts) FROM directory_service_fts "
            "WHERE directory_service_fts MATCH %s"
        )
        params = [" OR ".join(f'"{t}"*' for t in terms)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return {row[0]: float(row[1]) for row in rows}
    return {uuid.UUID(row[0]): float(row[1]) for row in rows}


def index_service(service) -> None:
    """Refresh the stored search text of one service (and SQLite's FTS row).

    The document holds names, descriptions and taxonomy words, never an
    address, so a confidential location cannot leak through search.
    """
    from vern.directory.models import Service

    document = build_document(service)
    Service.objects.filter(pk=service.pk).update(search_document=document)
    service.search_document = document
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM directory_service_fts WHERE service_id = %s", [service.pk.hex]
            )
            cursor.execute(
                "INSERT INTO directory_service_fts (service_id, body) VALUES (%s, %s)",
                [service.pk.hex, stemmed_body(document)],
            )


def build_document(service) -> str:
    parts: list[str] = [
        service.name,
        service.alternate_name,
        service.organization.name,
        service.description,
        service.eligibility_description,
        service.how_it_works,
        service.application_process,
        service.referral_from,
    ]
    for term in service.terms.all():
        parts.extend([term.name_nb, term.name_en])
    for translation in service.translations.all():
        parts.extend([translation.name, translation.description])
    return "\n".join(p for p in parts if p)


def reindex_all(services: Iterable | None = None) -> int:
    from vern.directory.models import Service

    count = 0
    queryset = services if services is not None else Service.objects.all()
    for service in queryset.select_related("organization").prefetch_related(
        "terms", "translations"
    ):
        index_service(service)
        count += 1
    return count
