"""The languages a service can be offered in, picked by name on the staff form.

Codes are ISO 639-1 where the language has one, else ISO 639-3 (Southern and
Lule Sami, Kven, Romani, Dari, Sorani, Kurmanji, Norwegian Sign Language).
The names are msgids in English with the context "language name"; the
bokmål and nynorsk catalogues give the Norwegian names, written in lower case
as Norwegian writes language names. For the languages Django knows, the
English names are the ones in Django's ``LANG_INFO`` and the Norwegian ones
those of Django's own nb catalogue, lower-cased ("norsk bokmål" for its
"Norsk (bokmål)"); the others follow Språkrådet's advice on language names.

The list covers the languages spoken by the largest groups in Norway
(Statistics Norway's immigrant population by country of birth), the national
minority languages and the Sami languages. An entry keeps a code outside the
list (one that came by import, say): the form offers it too, under its
name from ``LANG_INFO`` or as the bare code.
"""

from __future__ import annotations

from django.conf.locale import LANG_INFO
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

from vern.core.text import norwegian_sort_key

KNOWN_LANGUAGES = {
    "nb": pgettext_lazy("language name", "Norwegian Bokmål"),
    "nn": pgettext_lazy("language name", "Norwegian Nynorsk"),
    "se": pgettext_lazy("language name", "Northern Sami"),
    "sma": pgettext_lazy("language name", "Southern Sami"),
    "smj": pgettext_lazy("language name", "Lule Sami"),
    "fkv": pgettext_lazy("language name", "Kven"),
    "rom": pgettext_lazy("language name", "Romani"),
    "nsl": pgettext_lazy("language name", "Norwegian Sign Language"),
    "en": pgettext_lazy("language name", "English"),
    "sv": pgettext_lazy("language name", "Swedish"),
    "da": pgettext_lazy("language name", "Danish"),
    "fi": pgettext_lazy("language name", "Finnish"),
    "is": pgettext_lazy("language name", "Icelandic"),
    "de": pgettext_lazy("language name", "German"),
    "fr": pgettext_lazy("language name", "French"),
    "es": pgettext_lazy("language name", "Spanish"),
    "pt": pgettext_lazy("language name", "Portuguese"),
    "it": pgettext_lazy("language name", "Italian"),
    "nl": pgettext_lazy("language name", "Dutch"),
    "pl": pgettext_lazy("language name", "Polish"),
    "lt": pgettext_lazy("language name", "Lithuanian"),
    "lv": pgettext_lazy("language name", "Latvian"),
    "et": pgettext_lazy("language name", "Estonian"),
    "ru": pgettext_lazy("language name", "Russian"),
    "uk": pgettext_lazy("language name", "Ukrainian"),
    "ro": pgettext_lazy("language name", "Romanian"),
    "bg": pgettext_lazy("language name", "Bulgarian"),
    "hu": pgettext_lazy("language name", "Hungarian"),
    "cs": pgettext_lazy("language name", "Czech"),
    "sk": pgettext_lazy("language name", "Slovak"),
    "sr": pgettext_lazy("language name", "Serbian"),
    "hr": pgettext_lazy("language name", "Croatian"),
    "bs": pgettext_lazy("language name", "Bosnian"),
    "sq": pgettext_lazy("language name", "Albanian"),
    "el": pgettext_lazy("language name", "Greek"),
    "tr": pgettext_lazy("language name", "Turkish"),
    "ku": pgettext_lazy("language name", "Kurdish"),
    "ckb": pgettext_lazy("language name", "Central Kurdish (Sorani)"),
    "kmr": pgettext_lazy("language name", "Northern Kurdish (Kurmanji)"),
    "ar": pgettext_lazy("language name", "Arabic"),
    "fa": pgettext_lazy("language name", "Persian"),
    "prs": pgettext_lazy("language name", "Dari"),
    "ps": pgettext_lazy("language name", "Pashto"),
    "ur": pgettext_lazy("language name", "Urdu"),
    "hi": pgettext_lazy("language name", "Hindi"),
    "pa": pgettext_lazy("language name", "Punjabi"),
    "bn": pgettext_lazy("language name", "Bengali"),
    "ta": pgettext_lazy("language name", "Tamil"),
    "si": pgettext_lazy("language name", "Sinhala"),
    "ne": pgettext_lazy("language name", "Nepali"),
    "so": pgettext_lazy("language name", "Somali"),
    "ti": pgettext_lazy("language name", "Tigrinya"),
    "am": pgettext_lazy("language name", "Amharic"),
    "om": pgettext_lazy("language name", "Oromo"),
    "sw": pgettext_lazy("language name", "Swahili"),
    "th": pgettext_lazy("language name", "Thai"),
    "vi": pgettext_lazy("language name", "Vietnamese"),
    "tl": pgettext_lazy("language name", "Tagalog"),
    "my": pgettext_lazy("language name", "Burmese"),
    "zh": pgettext_lazy("language name", "Chinese"),
    "he": pgettext_lazy("language name", "Hebrew"),
}


def language_label(code: str) -> str:
    """A language's name in the active language, starting with a capital letter."""
    name = KNOWN_LANGUAGES.get(code)
    if name is None:
        name = LANG_INFO.get(code, {}).get("name") or code
    return capfirst(str(name))


def language_choices(extra: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(code, name) for the form: Vern's list and ``extra`` codes, sorted by name
    in the active language as Norwegian sorts (æ, ø, å last)."""
    codes = list(dict.fromkeys([*KNOWN_LANGUAGES, *extra]))
    choices = [(code, language_label(code)) for code in codes]
    return sorted(choices, key=lambda choice: norwegian_sort_key(choice[1]))
