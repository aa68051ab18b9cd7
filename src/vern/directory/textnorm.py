"""Text normalisers shared by the guide's index and whatever reads queries.

Arabic is written with optional short vowels (harakat), a stretching
character (tatweel), several forms of alef and two spellings of final ya and
ta marbuta; people type whichever their keyboard gives. ``normalise_arabic``
maps all of those to one form, and ``arabic_light_stem`` also drops the
article and the common attached prepositions ("العنف", "والعنف", "بالعنف" →
"عنف"), as light stemmers for Arabic search do. Other scripts are left as they
are, so Norwegian "å" and "ø" keep their letters.

``index_variants`` gives, for a text, the extra words an index should hold so
that a query matches whether or not it was normalised: the normalised and
light-stemmed forms of its Arabic words. Ukrainian and Polish need no extra
words in the guide's index: its prefix matching (``search.prefixes``) finds
"насильства" for "насильство" and "przemocy" for "przemoc".
"""

from __future__ import annotations

import re

# Harakat, tanween, shadda, sukun, superscript alef and Quranic marks.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": "",  # tatweel
    }
)
_ARABIC = re.compile("[\u0600-\u06ff]")
_ARABIC_WORD = re.compile("[\u0600-\u06ff]+")
# The article with the prepositions and conjunctions written together with it,
# longest first.
_ARABIC_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال")
# A conjunction alone, written together with the word ("وعنف" → "عنف").
_ARABIC_SHORT_PREFIXES = ("و",)


def has_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text or ""))


def normalise_arabic(text: str) -> str:
    """``text`` with its Arabic letters in one form: no diacritics or tatweel,
    bare alef for every alef form, ي for ى and ئ, ه for ة, و for ؤ."""
    if not has_arabic(text):
        return text
    return _ARABIC_MARKS.sub("", text.translate(_ARABIC_LETTERS))


def arabic_light_stem(word: str, *, normalise: bool = True) -> str:
    """An Arabic word without the article or an attached preposition or
    conjunction, keeping at least three letters; normalised unless told not to
    (then "الأطفال" gives "أطفال", as a query typed with hamza reads)."""
    if normalise:
        word = normalise_arabic(word)
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    for prefix in _ARABIC_SHORT_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            return word[len(prefix) :]
    return word


def index_variants(text: str) -> list[str]:
    """The forms of ``text``'s words that differ from how they are written and
    that a query may use instead (see the module's description), in order:
    "للأطفال" also gives "للاطفال", "اطفال", "أطفال", "الاطفال" and "الأطفال"."""
    found: dict[str, None] = {}
    for word in _ARABIC_WORD.findall(text or ""):
        stems = [arabic_light_stem(word), arabic_light_stem(word, normalise=False)]
        forms = [normalise_arabic(word), *stems]
        if stems[1] != word:  # a preposition or article came off: the article form too
            forms += ["ال" + stem for stem in stems]
        for form in forms:
            if form and form != word:
                found.setdefault(form)
    return list(found)


# Words of each language too common to find anything by ("or", "the", "і", "في"):
# left out of the search text of a service's language versions, as the
# search's own list leaves Norwegian ones out, so that a query of common words
# in another language does not match every translated entry. Bokmål's list is
# ``search.STOP_WORDS``.
STOP_WORDS = {
    "nn": frozenset(
        [
            "og",
            "i",
            "på",
            "for",
            "til",
            "som",
            "er",
            "det",
            "ein",
            "eit",
            "du",
            "deg",
            "di",
            "ditt",
            "dine",
            "eller",
            "med",
            "om",
            "av",
            "ikkje",
            "eg",
            "meg",
            "kan",
            "vil",
            "skal",
            "har",
            "han",
            "ho",
            "dei",
            "dykk",
            "oss",
            "vi",
            "kva",
            "kven",
            "når",
            "der",
            "her",
        ]
    ),
    "en": frozenset(
        [
            "a",
            "an",
            "and",
            "or",
            "the",
            "to",
            "of",
            "in",
            "on",
            "at",
            "by",
            "for",
            "from",
            "with",
            "as",
            "is",
            "are",
            "be",
            "been",
            "was",
            "were",
            "it",
            "its",
            "you",
            "your",
            "yours",
            "i",
            "me",
            "my",
            "we",
            "our",
            "they",
            "them",
            "their",
            "he",
            "she",
            "his",
            "her",
            "this",
            "that",
            "these",
            "those",
            "if",
            "when",
            "who",
            "what",
            "which",
            "can",
            "will",
            "not",
            "no",
            "also",
            "there",
            "here",
            "do",
            "does",
        ]
    ),
    "se": frozenset(
        [
            "ja",
            "dahje",
            "go",
            "ahte",
            "lea",
            "leat",
            "mii",
            "dat",
            "don",
            "mun",
            "son",
            "sii",
            "dan",
            "das",
        ]
    ),
    "pl": frozenset(
        [
            "i",
            "w",
            "we",
            "z",
            "ze",
            "na",
            "do",
            "się",
            "że",
            "nie",
            "o",
            "to",
            "jest",
            "są",
            "a",
            "lub",
            "albo",
            "oraz",
            "od",
            "po",
            "dla",
            "przez",
            "jak",
            "czy",
            "gdy",
            "ty",
            "cię",
            "ci",
            "ja",
            "mnie",
            "mi",
            "on",
            "ona",
            "oni",
            "ich",
            "jego",
            "jej",
            "też",
            "tak",
        ]
    ),
    "uk": frozenset(
        [
            "і",
            "й",
            "в",
            "у",
            "з",
            "із",
            "на",
            "до",
            "що",
            "як",
            "це",
            "або",
            "та",
            "не",
            "за",
            "від",
            "для",
            "по",
            "ви",
            "вас",
            "вам",
            "ваш",
            "якщо",
            "коли",
            "я",
            "мене",
            "мені",
            "він",
            "вона",
            "вони",
            "їх",
            "його",
            "її",
            "також",
            "так",
            "чи",
        ]
    ),
    "ar": frozenset(
        [
            "في",
            "من",
            "على",
            "إلى",
            "الى",
            "عن",
            "أو",
            "او",
            "و",
            "ما",
            "لا",
            "إذا",
            "اذا",
            "أن",
            "ان",
            "هو",
            "هي",
            "هم",
            "أنت",
            "انت",
        ]
    ),
    "so": frozenset(
        [
            "iyo",
            "ama",
            "ee",
            "oo",
            "ka",
            "ku",
            "u",
            "la",
            "waa",
            "ayaa",
            "in",
            "aad",
            "uu",
            "ay",
            "haddii",
        ]
    ),
}


def without_stop_words(text: str, language: str) -> str:
    """``text`` without the common words of ``language`` (see ``STOP_WORDS``);
    the other words kept, in order, separated by spaces."""
    stop = STOP_WORDS.get(language)
    if not stop or not text:
        return text or ""
    return " ".join(w for w in re.findall(r"\w+", text) if w.casefold() not in stop)
