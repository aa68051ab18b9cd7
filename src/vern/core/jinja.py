"""Jinja2 environments as Vern uses them (the guide's cards and results page, where
Django's template engine cost most of a page; see docs/dependencies.md)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from django.conf import settings


def environment(templates: Path, **options) -> jinja2.Environment:
    """An environment for the templates in ``templates``: escaping everything not
    marked safe, refusing undefined names, and reading changed templates again
    only with ``DEBUG`` on."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=settings.DEBUG,
        **options,
    )
