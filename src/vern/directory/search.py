"""Full-text search, the directory's side: each service's stored search text
(``index_service``, ``reindex_all``), the query plan's shape (``QueryPlan``,
``prefixes``) and a search of the whole directory in the database
(``matching``).

The guide (``vern.guide.query.plan_query``) reads a query into a plan: words
lower-cased, stop words dropped, synonyms added ("juling" also finds "vold"),
and words that appear nowhere in the directory replaced by their closest
spellings ("krisesenetr" finds "krisesenter"). Each word becomes a
Snowball-stemmed prefix. The guide ranks one municipality's candidates in
memory with BM25 (``vern.guide.index``), the same way on both databases, and
so does the HSDS API's service search (the guide's postings of the whole
directory). The API's services at locations still search through the
databases' own indexes: PostgreSQL matches the prefixes against a stored
``norwegian`` tsvector (``search_vector``, GIN-indexed; migration 0006),
SQLite keeps an FTS5 table of stemmed words with a fixed rowid per service
(``fts_rowid``).

Search terms are never logged or stored.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from vern.directory import signals, textnorm

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 200
CARD_BATCH = 500  # cards rendered and stored together by reindex_all and the reindex command
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


def match_sql(plan: QueryPlan) -> tuple[str, str, list] | None:
    """PostgreSQL: (condition, relevance, params) to match and rank in SQL.
    None on SQLite or for an empty plan."""
    if plan.empty or connection.vendor != "postgresql":
        return None
    query = "to_tsquery('simple'::regconfig, %s)"
    raw = " | ".join(f"{t}:*" for t in prefixes(plan))
    return f"search_vector @@ {query}", f"ts_rank(search_vector, {query})", [raw]


def fts_rowid(pk: uuid.UUID) -> int:
    """A service's fixed rowid in SQLite's FTS table: the UUID's top 63 bits."""
    return pk.int >> 65


def _match_query(plan: QueryPlan) -> str:
    """SQLite's FTS5 query for a plan (prefixes are word characters only)."""
    return " OR ".join(f'"{t}"*' for t in prefixes(plan))


def matching(services, plan: QueryPlan):
    """``services`` narrowed to those matching any word of the plan, through the
    database's full-text index (the HSDS API's services at locations; the guide
    and the API's service search rank in memory, see ``vern.guide.index``). The
    matches stay in the database: no list of ids comes back.

    PostgreSQL gets the condition itself, so the planner may test it on the
    few rows other filters leave (a municipality's services) instead of
    gathering every match in the country first.
    """
    found = match_sql(plan)
    if found:
        condition, _relevance, params = found
        return services.filter(RawSQL(condition, params, output_field=BooleanField()))  # noqa: S611
    return services.filter(
        pk__in=RawSQL(
            "SELECT service_id FROM directory_service_fts WHERE directory_service_fts MATCH %s",
            [_match_query(plan)],
        )
    )


def index_service(service, *, card: bool = True) -> None:
    """Refresh what is derived from one service: its stored search text, SQLite's
    FTS row and (unless ``card`` is false) its stored result card.

    The document holds names, descriptions and taxonomy words, never an
    address, so a confidential location cannot leak through search.
    """
    from vern.directory import cards
    from vern.directory.models import Service

    document = build_document(service)
    Service.objects.filter(pk=service.pk).update(search_document=document)
    service.search_document = document
    if connection.vendor == "sqlite":
        rowid = fts_rowid(service.pk)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM directory_service_fts WHERE rowid = %s", [rowid])
            cursor.execute(
                "INSERT INTO directory_service_fts (rowid, service_id, body) VALUES (%s, %s, %s)",
                [rowid, service.pk.hex, stemmed_body(document)],
            )
    if card:
        cards.store([service.pk])
    signals.announce(services=[service.pk])  # the guide reads it again after the commit


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
        # Every language version's text, so that a query in that language finds it.
        parts.extend(
            textnorm.without_stop_words(getattr(translation, name), translation.language)
            for name in TRANSLATED_TEXT
        )
    text = "\n".join(p for p in parts if p)
    # The other written forms a query may use (Arabic with or without its
    # diacritics, article and alef forms): see ``textnorm``.
    variants = textnorm.index_variants(text)
    return text + ("\n" + " ".join(variants) if variants else "")


# The language versions' fields that are searched (all the texts they carry).
TRANSLATED_TEXT = (
    "name",
    "description",
    "eligibility_description",
    "how_it_works",
    "how_to_contact",
    "application_process",
)


def reindex_all(services: Iterable | None = None) -> int:
    from vern.directory import cards
    from vern.directory.models import Service

    count = 0
    queryset = services if services is not None else Service.objects.all()
    batch: list = []
    for service in queryset.select_related("organization").prefetch_related(
        "terms", "translations"
    ):
        index_service(service, card=False)
        batch.append(service.pk)
        if len(batch) == CARD_BATCH:
            cards.store(batch)
            batch = []
        count += 1
    cards.store(batch)
    return count
