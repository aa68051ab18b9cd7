"""Django's own texts (form errors, validators, pagination, passwords) speak bokmål and nynorsk.

Django ships ``nb`` and ``nn`` catalogues, but each lacks some texts; Vern's
own catalogues (``LOCALE_PATHS``, read first) fill the gaps. The test reads
every text of the parts of Django a person meets on Vern's pages from Django's
English source catalogue, so a Django upgrade that adds one fails here until it
is translated.
"""

from __future__ import annotations

import re
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.utils import translation

DJANGO = Path(django.__file__).resolve().parent

# Where a text is used (the "#:" lines of Django's catalogue): the parts a person
# can meet on a page of Vern. The admin, the debug page and the language names
# (Vern names its languages itself) are not among them.
SEEN = (
    "forms/",
    "core/validators.py",
    "core/paginator.py",
    "db/models/base.py",
    "db/models/constraints.py",
    "db/models/fields/",
    "views/defaults.py",
    "shortcuts.py",
    "contrib/auth/forms.py",
    "contrib/auth/password_validation.py",
    "contrib/auth/validators.py",
    "utils/dates.py",
    "utils/timesince.py",
)

# Texts that are the same in Norwegian: punctuation, protocol names, month abbreviations.
SAME_IN_NORWEGIAN = {"…", ":?.!", ":", ", ", "IPv4", "IPv6"} | {
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "nov",
}

ENTRY = re.compile(
    r"((?:^#.*\n)+)(?:msgctxt \"(.*)\"\n)?msgid \"(.*)\"\n((?:\".*\"\n)*)(msgid_plural \"(.*)\"\n)?",
    re.MULTILINE,
)


def _django_texts() -> list[tuple[str | None, str, bool]]:
    texts = []
    for catalogue in ("conf/locale", "contrib/auth/locale"):
        source = (DJANGO / catalogue / "en" / "LC_MESSAGES" / "django.po").read_text()
        for found in ENTRY.finditer(source):
            places = " ".join(line for line in found.group(1).splitlines() if line.startswith("#:"))
            text = found.group(3) + "".join(line[1:-1] for line in found.group(4).splitlines())
            if text and any(f" {place}" in places for place in SEEN):
                text = text.encode().decode("unicode_escape").encode("latin-1").decode()
                texts.append((found.group(2), text, bool(found.group(5))))
    return texts


def test_staff_languages_are_the_ones_django_ships():
    assert settings.LANGUAGE_CODE == "nb"
    assert {"nb", "nn", "en"} <= {code for code, _name in settings.LANGUAGES}
    for code in ("nb", "nn"):
        assert (DJANGO / "conf" / "locale" / code / "LC_MESSAGES" / "django.mo").exists()
    with translation.override("nb"):
        assert translation.gettext("Enter a valid date.") != "Enter a valid date."
    with translation.override("nn"):
        assert translation.gettext("Enter a valid date.") != "Enter a valid date."


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_django_text_a_person_can_meet_is_translated(language):
    texts = _django_texts()
    assert len(texts) > 150  # the catalogue was read
    untranslated = []
    with translation.override(language):
        for context, text, plural in texts:
            if text in SAME_IN_NORWEGIAN:
                continue
            if plural:
                shown = translation.ngettext(text, text + " (plural)", 2)
                shown_one = translation.ngettext(text, text + " (plural)", 1)
                if shown_one == text or shown == text + " (plural)":
                    untranslated.append(text)
            else:
                shown = (
                    translation.pgettext(context, text) if context else translation.gettext(text)
                )
                if shown == text:
                    untranslated.append(text)
    assert untranslated == []


def test_a_form_error_from_django_reads_in_nynorsk(db):
    from django import forms

    class Form(forms.Form):
        domain = forms.CharField(
            validators=[django.core.validators.DomainNameValidator()], required=True
        )

    with translation.override("nn"):
        errors = [str(error) for error in Form(data={"domain": "not a domain"}).errors["domain"]]
    assert errors == ["Skriv inn eit gyldig domenenamn."]
