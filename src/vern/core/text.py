"""Text helpers for Norwegian."""

from __future__ import annotations

import re
from functools import lru_cache

# After "z", in Norwegian alphabetical order: æ, ø, å.
_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|", "á": "a", "é": "e"})
_DOUBLE_A = re.compile(r"\baa")


@lru_cache(maxsize=65536)  # names repeat on every search and listing
def norwegian_sort_key(text: str) -> str:
    """Sort key that puts æ, ø, å last, and an initial "Aa" with "Å", as Norwegian does."""
    return _DOUBLE_A.sub("å", text.casefold()).translate(_ORDER)
