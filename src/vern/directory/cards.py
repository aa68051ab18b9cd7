"""Service cards and the parts the service page and the poster share with them,
rendered with Jinja2.

A results page draws twenty cards. With Django's template engine they were
most of the page's rendering time (about 0.4 ms a card on our 2-core machine);
Jinja2 compiles the same markup to Python. The markup lives in one file,
``templates/directory/jinja/card.html``; Django templates reach it through the
``service_card`` and ``service_part`` tags in ``templatetags/guide.py``.
Strings are translated with Django's gettext, in the active language.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from pathlib import Path

import jinja2
from django.conf import settings
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language, gettext, ngettext

TEMPLATES = Path(__file__).resolve().parent / "templates" / "directory" / "jinja"
PARTS = ("phones", "referral", "opening", "verified")

# The page language while cards render, so that each card need not ask Django
# (a lookup in thread-local state) for every string; set by render_card/part.
_language: ContextVar[str] = ContextVar("card_language", default="nb")
_translated: dict[tuple[str, str], str] = {}


def _gettext(message: str) -> str:
    """Django's gettext, remembered per language: a card asks for a dozen strings."""
    key = (_language.get(), message)
    try:
        return _translated[key]
    except KeyError:
        _translated[key] = text = gettext(message)
        return text


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT")


@cache
def _environment() -> jinja2.Environment:
    from vern.directory.templatetags.guide import service_text

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=settings.DEBUG,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_callables(_gettext, ngettext, newstyle=False)
    environment.filters.update(
        capfirst=capfirst,
        truncatewords=lambda text, count: Truncator(text).words(count, truncate=" …"),
        date_format=_date,
    )
    environment.globals["service_text"] = service_text
    return environment


def _macros():
    return _environment().get_template("card.html").module


def page_language() -> str:
    return (get_language() or "nb").split("-")[0]


def terms_language() -> str:
    """The language of taxonomy term names on this page when it differs from the
    page's: terms have bokmål and English names only."""
    language = page_language()
    return "" if language in ("nb", "en") else "nb"


def render_card(service, *, level: int = 3) -> SafeString:
    """One card; ``service`` carries ``guide_url``, ``hours``, ``is_open_now`` and
    ``target_groups`` (views.public.decorate)."""
    language = page_language()
    token = _language.set(language)
    try:
        html = _macros().card(service, level, language, terms_language())
    finally:
        _language.reset(token)
    return mark_safe(str(html))  # autoescaped by Jinja2


def render_part(name: str, service) -> SafeString:
    if name not in PARTS:
        raise ValueError(f"no card part called {name!r}")
    token = _language.set(page_language())
    try:
        html = getattr(_macros(), name)(service)
    finally:
        _language.reset(token)
    return mark_safe(str(html))  # autoescaped by Jinja2
