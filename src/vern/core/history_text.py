"""Texts a record keeps as a code and parameters, and shows in the reader's language.

A history row ("Changed", "Approved change from Kari", "Adopted 6 December
2026 (2026/12)") is written once and read for years, by people who read
bokmål, nynorsk or English. So the row keeps a code and its parameters, not
the sentence; the sentence is made when the row is read, in the reader's
language, with dates in the reader's format. Apps declare their codes once::

    history_text.register({
        "directory.revision.changed": gettext_lazy("Changed"),
        "directory.revision.approved": gettext_lazy("Approved change from %(name)s"),
    })

A row written before codes existed has no code: its stored text is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.functional import Promise

from vern.core.dates import long_date

_TEXTS: dict[str, Promise | str] = {}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def register(texts: Mapping[str, Promise | str]) -> None:
    """Declare codes and their (lazy) texts; a code is declared once."""
    for code, text in texts.items():
        if code in _TEXTS and _TEXTS[code] is not text:
            raise ValueError(f"history text {code!r} is declared twice")
        _TEXTS[code] = text


def is_registered(code: str) -> bool:
    return code in _TEXTS


def _param(value) -> str:
    if isinstance(value, str) and _ISO_DATE.match(value):
        return long_date(value)
    return "" if value is None else str(value)


def render(code: str, params: Mapping | None = None, *, fallback: str = "") -> str:
    """The text for ``code`` in the active language; ``fallback`` for a row without one."""
    text = _TEXTS.get(code) if code else None
    if text is None:
        return fallback or code
    values = {key: _param(value) for key, value in (params or {}).items()}
    return str(text) % values if values else str(text)
