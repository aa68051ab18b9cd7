"""What a query to the guide means: the situation, who is asking, whether it is acute.

The guide's text search finds services by their words; people in trouble type
"pappa slår meg" or "мене зґвалтували", not the words of a service's entry.
The lexicon (``data/guide_lexicon.toml``) maps everyday phrases in the eight
public languages to situations ("concepts": sexual violence, forced marriage,
a safe place to stay, ...), each tied to the directory's forms of violence,
target groups and bokmål search words, and recognises the asker's position
(exposed, a child, someone who uses violence, a worried relative, a
professional) and acute queries. The ranking (``selectors.guide_search``)
uses all three; the page says what was understood.

Matching is forgiving: text and phrases are normalised alike (accents, Arabic
diacritics, tatweel and alef forms, apostrophes, bidirectional marks), words
may carry "*" stems in the lexicon, and Polish, Arabic, English and Norwegian
words are also compared by their Snowball stems. Phrases are indexed by their
first word, so understanding a query costs a few dictionary look-ups; results
are kept per query text.

Municipalities extend the lexicon through the synonym list: a synonym whose
"also search for" holds ``#<concept key>`` adds its search word as a phrase
of that situation.

Nothing here logs or stores what was typed.
"""

from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from vern.directory.textnorm import normalise_arabic

LEXICON = Path(__file__).resolve().parent / "data" / "guide_lexicon.toml"
LANGUAGES = ("nb", "nn", "en", "se", "pl", "uk", "ar", "so")
ASKER_ORDER = ("perpetrator", "professional", "relative", "child", "exposed")
# The directory's target group for each position.
ASKER_GROUP = {
    "exposed": "exposed",
    "child": "children",
    "perpetrator": "perpetrators",
    "relative": "relatives",
    "professional": "professionals",
}
# A service for these groups and not for the asker's is for the other side.
OPPOSED = {
    "exposed": frozenset({"perpetrators"}),
    "child": frozenset({"perpetrators"}),
    "perpetrator": frozenset({"exposed", "children"}),
}
# Words between two words of a phrase.
GAP = 3
MAX_TOKENS = 40
CONCEPT_MARK = re.compile(r"#(\w+)")
# The languages of the directory's own texts: their words may be typo-corrected.
CORRECTABLE = ("nb", "nn", "en")
STEMMED = {"nb": "norwegian", "nn": "norwegian", "en": "english", "pl": "polish", "ar": "arabic"}

_BIDI = dict.fromkeys(
    [
        0x200B,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0xFEFF,
        0x061C,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
)
_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`´‘ʻ"), "")
# Arabic letter forms are made one by ``textnorm.normalise_arabic`` (shared with the index);
# Ukrainian ґ is typed as г as often as not.
_LETTERS = str.maketrans({"ґ": "г"})
_WORD = re.compile(r"\w+")
# Combining marks left by NFKD (accents, the breve of й).
_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489]")


def normalise(text: str) -> str:
    """Lower case, without accents, diacritics, tatweel, apostrophes or
    direction marks; Arabic alef forms as one."""
    text = text or ""
    if text.isascii():
        return text.lower().translate(_APOSTROPHES)
    text = unicodedata.normalize("NFKC", text).translate(_BIDI).translate(_APOSTROPHES)
    text = normalise_arabic(text.casefold().translate(_LETTERS))
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


def tokens(text: str) -> list[str]:
    return _WORD.findall(normalise(text))[:MAX_TOKENS]


_stem_lock = threading.Lock()


@lru_cache(maxsize=8)
def _stemmer(algorithm: str):
    return snowballstemmer.stemmer(algorithm)


@lru_cache(maxsize=8192)
def _stems(word: str) -> frozenset[tuple[str, str]]:
    """(algorithm, stem) of a normalised word, for each language with a stemmer."""
    found = set()
    with _stem_lock:  # Snowball stemmer objects are not thread-safe
        for algorithm in set(STEMMED.values()):
            stem = _stemmer(algorithm).stemWord(word)
            if len(stem) >= 3:
                found.add((algorithm, stem))
    return frozenset(found)


@dataclass(frozen=True)
class _Word:
    """One word of a phrase: exact, a stem with "*" after or before it, or an age."""

    text: str
    kind: str  # "exact", "prefix", "suffix", "age"
    stem: tuple[str, str] | None = None

    @classmethod
    def parse(cls, raw: str, language: str) -> _Word:
        if raw == "#age":
            return cls("", "age")
        if raw.endswith("*"):
            return cls(normalise(raw[:-1]), "prefix")
        if raw.startswith("*"):
            return cls(normalise(raw[1:]), "suffix")
        text = normalise(raw)
        algorithm = STEMMED.get(language)
        stem = None
        if algorithm and len(text) >= 4:
            with _stem_lock:
                stemmed = _stemmer(algorithm).stemWord(text)
            if len(stemmed) >= 4:
                stem = (algorithm, stemmed)
        return cls(text, "exact", stem)

    def matches(self, word: str, stems: frozenset = frozenset()) -> bool:
        if self.kind == "exact":
            return word == self.text or (self.stem is not None and self.stem in stems)
        if self.kind == "prefix":
            return word.startswith(self.text)
        if self.kind == "suffix":
            return word.endswith(self.text) and len(word) > len(self.text)
        return word.isdigit() and 6 <= int(word) <= 17


@dataclass(frozen=True, eq=False)
class _Phrase:
    words: tuple[_Word, ...]
    meaning: tuple[str, str]  # ("concept", key), ("asker", position) or ("acute", "")
    gap: int  # words allowed between two of its words

    def found_in(self, query: list[tuple[str, frozenset]], starts: Iterable[int]) -> list[int]:
        """Where its words are, in order and at most ``gap`` words apart, when its
        first word is at one of ``starts``; [] if not there."""
        rest = self.words[1:]
        if not rest:
            return [min(starts)]
        for start in sorted(starts):
            positions = [start]
            for part in rest:
                position = positions[-1]
                end = min(len(query), position + 2 + self.gap)
                hit = next((n for n in range(position + 1, end) if part.matches(*query[n])), None)
                if hit is None:
                    break
                positions.append(hit)
            if len(positions) == len(self.words):
                return positions
        return []


@dataclass(frozen=True)
class Concept:
    key: str
    label: str
    violence: frozenset[str]
    groups: frozenset[str]
    search: tuple[str, ...]
    implies: str = ""


@dataclass(frozen=True)
class Understanding:
    """What a query was read as. Empty when nothing in it was recognised."""

    concepts: tuple[str, ...] = ()
    asker: str = ""  # one of ASKER_ORDER, or ""
    acute: bool = False
    violence: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()  # the concepts' target groups
    search: tuple[str, ...] = ()  # bokmål words to search for as well
    # Query words the lexicon recognised in a language other than bokmål, nynorsk or English.
    known: frozenset[str] = field(default=frozenset())
    asker_search: tuple[str, ...] = ()  # bokmål words of the services for the asker

    @property
    def understood(self) -> bool:
        return bool(self.concepts or self.asker or self.acute)

    @property
    def asker_group(self) -> str:
        return ASKER_GROUP.get(self.asker, "")

    @property
    def words(self) -> tuple[str, ...]:
        """Every bokmål word to search for as well."""
        return self.search + tuple(w for w in self.asker_search if w not in self.search)

    def without_asker(self) -> Understanding:
        return Understanding(
            concepts=self.concepts,
            acute=self.acute,
            violence=self.violence,
            groups=self.groups,
            search=self.search,
            known=self.known,
        )


class Lexicon:
    CACHE = 4096

    def __init__(self, data: dict, extra: Iterable[tuple[str, str]] = ()):
        self.languages: dict[str, dict] = data.get("languages", {})
        self.concepts: dict[str, Concept] = {}
        phrases: list[_Phrase] = []
        languages: list[str] = []  # each phrase's

        def add(raw_phrases, language: str, meaning: tuple[str, str]) -> None:
            # Who is asking and how urgent it is hang on small words ("jeg slår" and
            # "jeg tror naboen slår"): those phrases allow one word between two.
            gap = GAP if meaning[0] == "concept" else 1
            for raw in raw_phrases:
                words = tuple(_Word.parse(part, language) for part in raw.split())
                words = tuple(w for w in words if w.kind == "age" or w.text)
                if words:
                    phrases.append(_Phrase(words, meaning, gap))
                    languages.append(language)

        for key, spec in data.get("concepts", {}).items():
            self.concepts[key] = Concept(
                key=key,
                label=spec.get("label", key),
                violence=frozenset(spec.get("violence", ())),
                groups=frozenset(spec.get("groups", ())),
                search=tuple(spec.get("search", ())),
                implies=spec.get("implies", ""),
            )
            for language in LANGUAGES:
                add(spec.get(language, ()), language, ("concept", key))
        self.asker_search: dict[str, tuple[str, ...]] = {}
        for position, spec in data.get("askers", {}).items():
            self.asker_search[position] = tuple(spec.get("search", ()))
            for language in LANGUAGES:
                add(spec.get(language, ()), language, ("asker", position))
        acute = data.get("acute", {})
        self.acute_groups = frozenset(acute.get("groups", ()))
        self.acute_search = tuple(acute.get("search", ()))
        for language in LANGUAGES:
            add(acute.get(language, ()), language, ("acute", ""))
        for term, key in extra:  # the municipality's own words (synonyms marked #concept)
            if key in self.concepts:
                add([term], "nb", ("concept", key))

        # Phrases by their first word: exact words and stems in dicts, "*" stems by prefix.
        self._exact: dict[str, list[_Phrase]] = {}
        self._stem: dict[tuple[str, str], list[_Phrase]] = {}
        self._prefix: dict[str, list[_Phrase]] = {}
        self._suffix: dict[str, list[_Phrase]] = {}
        self._age: list[_Phrase] = []
        for phrase in phrases:
            first = phrase.words[0]
            if first.kind == "exact":
                self._exact.setdefault(first.text, []).append(phrase)
                if first.stem:
                    self._stem.setdefault(first.stem, []).append(phrase)
            elif first.kind == "prefix":
                self._prefix.setdefault(first.text, []).append(phrase)
            elif first.kind == "suffix":
                self._suffix.setdefault(first.text, []).append(phrase)
            else:
                self._age.append(phrase)
        # Words typo correction may read a query as (the Latin-script languages the
        # directory's own texts are in).
        self.correctable = frozenset(
            w.text
            for phrase, language in zip(phrases, languages, strict=True)
            if language in CORRECTABLE
            for w in phrase.words
            if (
                (w.kind == "exact" and len(w.text) >= 4)
                or (w.kind == "prefix" and len(w.text) >= 5)
            )
            and w.text.isalpha()
        )
        self._language = dict(zip(phrases, languages, strict=True))
        self._cache: dict[str, Understanding] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, extra: Iterable[tuple[str, str]] = ()) -> Lexicon:
        return cls(_shipped(), extra)

    def _candidates(self, query: list[tuple[str, frozenset]]) -> dict[_Phrase, set[int]]:
        """The phrases whose first word is in the query, with where it is."""
        found: dict[_Phrase, set[int]] = {}

        def at(phrases, position: int) -> None:
            for phrase in phrases:
                found.setdefault(phrase, set()).add(position)

        exact, prefix, suffix, by_stem = self._exact, self._prefix, self._suffix, self._stem
        for position, (word, stems) in enumerate(query):
            at(exact.get(word, ()), position)
            for stem in stems:
                at(by_stem.get(stem, ()), position)
            for end in range(1, len(word) + 1):
                if word[:end] in prefix:
                    at(prefix[word[:end]], position)
                if word[-end:] in suffix and end < len(word):
                    at(suffix[word[-end:]], position)
            if word.isdigit():
                at(self._age, position)
        return found

    def understand(self, text: str) -> Understanding:
        words = tokens(text)
        key = " ".join(words)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        query = [(w, _stems(w) if len(w) >= 4 else frozenset()) for w in words]
        concepts: list[str] = []
        askers: set[str] = set()
        acute = False
        known: set[str] = set()
        for phrase, starts in self._candidates(query).items():
            positions = phrase.found_in(query, starts)
            if not positions:
                continue
            kind, value = phrase.meaning
            if kind == "concept" and value not in concepts:
                concepts.append(value)
            elif kind == "asker":
                askers.add(value)
            elif kind == "acute":
                acute = True
            if self._language[phrase] not in CORRECTABLE:
                # A word of another language is never "corrected" into a bokmål one.
                known.update(words[n] for n in positions)
        asker = next((a for a in ASKER_ORDER if a in askers), "")
        if not asker:
            asker = next(
                (self.concepts[c].implies for c in concepts if self.concepts[c].implies), ""
            )
        concepts.sort(key=list(self.concepts).index)
        chosen = [self.concepts[c] for c in concepts]
        search: list[str] = []
        for concept in chosen:
            search += [w for w in concept.search if w not in search]
        groups = frozenset().union(*(c.groups for c in chosen))
        if acute:
            search += [w for w in self.acute_search if w not in search]
            groups |= self.acute_groups
        result = Understanding(
            concepts=tuple(concepts),
            asker=asker,
            acute=acute,
            violence=frozenset().union(*(c.violence for c in chosen)),
            groups=groups,
            search=tuple(search),
            known=frozenset(known),
            asker_search=self.asker_search.get(asker, ()),
        )
        with self._lock:
            if len(self._cache) >= self.CACHE:
                self._cache.clear()
            self._cache[key] = result
        return result


@lru_cache(maxsize=1)
def _shipped() -> dict:
    with LEXICON.open("rb") as handle:
        return tomllib.load(handle)


def concept_keys() -> tuple[str, ...]:
    """The keys of the shipped situations, as a synonym names them ("#anger")."""
    return tuple(_shipped().get("concepts", {}))
