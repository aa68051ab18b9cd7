"""Reading the pages that explain (``models.GuidePage``): which version a
visitor sees, the text as HTML, the sources, and which pages a search finds.

A visitor sees, for each topic, the first of: their municipality's version in
the page's language, the national one in that language, the municipality's
bokmål version, the national bokmål one. Understanding the text comes before
local detail, and bokmål is the language every page has.

A search finds pages by their words in any of the guide's languages (a
Ukrainian query on the bokmål page still finds the Ukrainian text): each
query word matches a page word it is the beginning of, the last two letters of
a long word left off, so that "насильство" finds "насильства" and
"kontaktforbud" finds "kontaktforbudet". Title and search words count three
times as much as the text. The pages and their words are kept in memory and
read again when a page is saved (one small query per search checks that).
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from vern.directory import search, textnorm
from vern.directory.models import GuidePage

FALLBACK = "nb"
MAX_HITS = 3
MAX_ANSWERS = 4096  # searches whose pages are kept per process
WORD = re.compile(r"\w+", re.UNICODE)
URL = re.compile(r"https?://\S+$")
# Words too common to find a page by, in the guide's languages (Norwegian ones
# come from the search's own list).
COMMON_WORDS = search.STOP_WORDS | frozenset(
    [
        "eg",
        "ikkje",
        "kva",
        "kvar",
        "korleis",
        "dei",
        "ho",
        "the",
        "and",
        "you",
        "are",
        "was",
        "what",
        "how",
        "who",
        "can",
        "with",
        "that",
        "this",
        "have",
        "not",
        "my",
        "me",
        "his",
        "nie",
        "jak",
        "się",
        "czy",
        "jest",
        "mnie",
        "mój",
        "moja",
        "mam",
        "ten",
        "мене",
        "мені",
        "мій",
        "моя",
        "що",
        "як",
        "він",
        "вона",
        "або",
        "мого",
        "це",
        "في",
        "من",
        "على",
        "انا",
        "هو",
        "هي",
        "ما",
        "لا",
        "عن",
        "الى",
        "الي",
        "iyo",
        "waa",
        "aan",
        "iga",
        "ayaa",
        "maxaan",
        "ka",
        "ku",
        "u",
        "lea",
        "mun",
        "dat",
        "go",
        "ja",
        "son",
    ]
)


def expire() -> None:
    """A page was saved or deleted here: the next search reads the pages again."""
    _index.expire()


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def page_for(slug: str, language: str, municipality=None) -> GuidePage | None:
    """The version of topic ``slug`` a visitor in ``language`` sees (see the module)."""
    found = {
        (page.owner_id, page.language): page
        for page in GuidePage.objects.filter(
            _owners(municipality), slug=slug, language__in={language, FALLBACK}
        )
    }
    return _first(found, language, municipality)


def pages_for(language: str, municipality=None) -> list[GuidePage]:
    """One version of every topic, in the order of ``GuidePage.Topic``."""
    found: dict[str, dict] = {}
    for page in GuidePage.objects.filter(_owners(municipality), language__in={language, FALLBACK}):
        found.setdefault(page.slug, {})[(page.owner_id, page.language)] = page
    pages = []
    for slug in GuidePage.Topic.values:
        page = _first(found.get(slug, {}), language, municipality)
        if page is not None:
            pages.append(page)
    return pages


def _owners(municipality) -> Q:
    """The national versions and the municipality's own."""
    national = Q(owner__isnull=True)
    return national | Q(owner=municipality) if municipality is not None else national


def _first(found: dict, language: str, municipality) -> GuidePage | None:
    own = municipality.pk if municipality is not None else object()
    for key in ((own, language), (None, language), (own, FALLBACK), (None, FALLBACK)):
        if key in found:
            return found[key]
    return None


# --- text ----------------------------------------------------------------------


def render_body(text: str) -> SafeString:
    """The plain text of a page as HTML: paragraphs, "## " headings, "- " lists.
    Everything is escaped; nothing in the text can add markup."""
    parts: list[SafeString] = []
    items: list[str] = []
    paragraph: list[str] = []

    def close() -> None:
        if items:
            parts.append(
                format_html(
                    '<ul class="ds-list">{}</ul>',
                    format_html_join("", "<li>{}</li>", ((item,) for item in items)),
                )
            )
            items.clear()
        if paragraph:
            parts.append(format_html('<p class="ds-paragraph">{}</p>', " ".join(paragraph)))
            paragraph.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("## "):
            close()
            parts.append(
                format_html('<h2 class="ds-heading" data-size="sm">{}</h2>', line[3:].strip())
            )
        elif line.startswith("- "):
            if paragraph:
                close()
            items.append(line[2:].strip())
        else:
            if items:
                close()
            paragraph.append(line)
    close()
    return mark_safe("".join(parts))  # every part built with format_html


@dataclass(frozen=True)
class Source:
    label: str
    url: str


def sources(text: str) -> list[Source]:
    """One source a line: "label – https://…" (a line without an address is a
    label only)."""
    found = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        match = URL.search(line)
        if match:
            label = line[: match.start()].strip().rstrip("–-:").strip()
            found.append(Source(label or match.group(0), match.group(0)))
        else:
            found.append(Source(line, ""))
    return found


# --- search --------------------------------------------------------------------


def _normalise(text: str) -> str:
    return textnorm.normalise_arabic((text or "").casefold())


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(_normalise(text)) if len(w) >= 3 and not w.isdigit()]


@dataclass
class _Entry:
    page: GuidePage
    strong: list[str] = field(default_factory=list)  # title and search words, sorted
    text: list[str] = field(default_factory=list)  # the rest, sorted


def _sorted_words(text: str) -> list[str]:
    words = set(_words(text))
    words.update(textnorm.arabic_light_stem(w) for w in list(words) if textnorm.has_arabic(w))
    return sorted(words)


def _has_prefix(words: list[str], prefix: str) -> bool:
    at = bisect.bisect_left(words, prefix)
    return at < len(words) and words[at].startswith(prefix)


class _Index:
    """Every page and its words, per process; read again when a page changed.
    The pages' count and newest save are compared at most every
    ``VERN_SNAPSHOT_SECONDS`` (as the guide's own snapshot is), and at once after
    a save in this process (``expire``)."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.entries: list[_Entry] = []
        # slug -> {(owner id, language): page}, to choose the version a visitor sees
        self.versions: dict[str, dict[tuple, GuidePage]] = {}
        self.owners: frozenset = frozenset()  # municipalities with pages of their own
        # (query, language, municipality id) -> the pages found, for these entries
        self.answers: dict[tuple, tuple[GuidePage, ...]] = {}
        self.checked_at = float("-inf")
        self.lock = threading.Lock()

    def expire(self) -> None:
        self.checked_at = float("-inf")

    def current(self) -> list[_Entry]:
        now = time.monotonic()
        if now - self.checked_at < settings.VERN_SNAPSHOT_SECONDS:
            return self.entries
        with connection.cursor() as cursor:
            table = GuidePage._meta.db_table
            cursor.execute(f"SELECT COUNT(*), MAX(updated_at) FROM {table}")  # noqa: S608
            key = tuple(cursor.fetchone())
        if key != self.key:
            with self.lock:
                pages = list(GuidePage.objects.all())
                entries = [
                    _Entry(
                        page,
                        _sorted_words(f"{page.title} {page.keywords}"),
                        _sorted_words(f"{page.summary}\n{page.body}"),
                    )
                    for page in pages
                ]
                versions: dict[str, dict[tuple, GuidePage]] = {}
                for page in pages:
                    versions.setdefault(page.slug, {})[(page.owner_id, page.language)] = page
                self.owners = frozenset(p.owner_id for p in pages if p.owner_id is not None)
                self.entries, self.versions, self.key = entries, versions, key
                self.answers = {}
        self.checked_at = now
        return self.entries

    def version(self, slug: str, language: str, municipality) -> GuidePage | None:
        """``page_for`` from memory (call ``current`` first)."""
        found = self.versions.get(slug, {})
        if municipality is None:
            found = {key: page for key, page in found.items() if key[0] is None}
        return _first(found, language, municipality)


_index = _Index()


def _prefixes(query: str) -> list[list[str]]:
    """For each query word, the prefixes that count as that word."""
    from vern.directory.search import STOP_WORDS

    found = []
    for word in dict.fromkeys(_words(query)):
        if word in STOP_WORDS or word in COMMON_WORDS:
            continue
        forms = {word[: max(4, len(word) - 2)] if len(word) > 5 else word}
        if textnorm.has_arabic(word):
            forms.add(textnorm.arabic_light_stem(word))
        found.append(sorted(forms))
    return found


def matching(query: str, language: str, municipality=None) -> list[GuidePage]:
    """The pages a search for ``query`` finds (at most ``MAX_HITS``), each in
    the version a visitor sees: the page's language when its text there
    matched, else the language the query matched in. Answers are kept with the
    pages (the same few searches come again and again) and go with them."""
    entries = _index.current()
    if municipality is not None and municipality.pk not in _index.owners:
        # No page of its own: it finds what everyone finds, kept once for all.
        municipality = None
    key = (query, language, municipality.pk if municipality is not None else None)
    found = _index.answers.get(key)
    if found is None:
        found = _matching(entries, query, language, municipality)
        answers = _index.answers
        if len(answers) >= MAX_ANSWERS:
            answers.clear()
        if _index.entries is entries:  # not read again meanwhile by another thread
            answers[key] = found
    return list(found)


def _matching(entries, query: str, language: str, municipality) -> tuple[GuidePage, ...]:
    words = _prefixes(query)
    if not words:
        return ()
    own = municipality.pk if municipality is not None else None
    scores: dict[tuple[str, str], tuple[int, GuidePage]] = {}
    for entry in entries:
        page = entry.page
        if page.owner_id not in (None, own):
            continue
        score = 0
        for forms in words:
            if any(_has_prefix(entry.strong, form) for form in forms):
                score += 3
            elif any(_has_prefix(entry.text, form) for form in forms):
                score += 1
        if score:
            key = (page.slug, page.language)
            # The municipality's own version wins over the national one.
            if key not in scores or page.owner_id is not None:
                scores[key] = (score, page)
    best: dict[str, tuple[int, int, GuidePage]] = {}
    for (slug, page_language), (score, _page) in scores.items():
        rank = (score, 1 if page_language == language else 0)
        if slug not in best or rank > best[slug][:2]:
            chosen = _index.version(slug, page_language, municipality)
            if chosen is not None:
                best[slug] = (*rank, chosen)
    order = list(GuidePage.Topic.values)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], order.index(item[0])))
    return tuple(chosen for _slug, (_score, _here, chosen) in ranked[:MAX_HITS])
