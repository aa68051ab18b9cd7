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
    environment.install_gettext_callables(gettext, ngettext, newstyle=False)
    environment.filters.update(
        capfirst=capfirst,
        truncatewords=lambda text, count: Truncator(text).words(count, truncate=" …"),
        date_format=lambda value: date_format(value, "DATE_FORMAT"),
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
    html = _macros().card(service, level, page_language(), terms_language())
    return mark_safe(str(html))  # autoescaped by Jinja2


def render_part(name: str, service) -> SafeString:
    if name not in PARTS:
        raise ValueError(f"no card part called {name!r}")
    return mark_safe(str(getattr(_macros(), name)(service)))  # autoescaped by Jinja2
