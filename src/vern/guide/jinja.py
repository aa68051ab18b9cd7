"""Jinja2 for the guide's busiest page content (the results page).

Django's template engine walks a node tree in Python for every tag; the results
page's content (headings, the form, the tiers, the paging) cost about as much as
the search itself on our 2-core machine (bench/README.md). Jinja2 compiles the
same markup to Python once. The page's layout (header, quick exit, language
menu, footer) stays a Django template, which places the content rendered here.

Strings are Django's msgids, translated with Django's gettext in the active
language: ``_("...")`` for a sentence as it is, ``_("... %(name)s")|tr(name=...)``
for one with placeholders. Written so, ``makemessages`` finds them as it does in
Django templates (tests/guide/test_jinja.py checks).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from markupsafe import Markup, escape

from vern.core import jinja as core_jinja

TEMPLATES = Path(__file__).resolve().parent / "templates" / "guide" / "jinja"


def tr(message: str, **values) -> Markup:
    """A translated sentence with its placeholders filled: the sentence and the
    values are escaped, except values that are markup already (a Django
    ``SafeString`` or Jinja ``Markup``), as Django's ``blocktranslate`` does."""
    return escape(message) % values  # escape() gives Markup, whose % escapes the values


@cache
def _environment() -> jinja2.Environment:
    environment = core_jinja.environment(TEMPLATES)
    environment.globals["_"] = gettext
    environment.filters["tr"] = tr
    return environment


def render(name: str, context: dict) -> SafeString:
    """The Jinja2 template ``name`` rendered with ``context``, as safe markup for a
    Django template (Jinja2 escaped what needed escaping)."""
    return mark_safe(_environment().get_template(name).render(context))
