"""This process's lexicon: the shipped one (``vern.directory.understanding``)
with the municipality's synonyms that name a situation."""

from __future__ import annotations

from vern.directory.understanding import CONCEPT_MARK, Lexicon, Understanding
from vern.guide.snapshot import snapshot


def _build() -> Lexicon:
    """The shipped lexicon with the municipality's synonyms that name a situation."""
    from vern.directory.models import Synonym

    extra = []
    for term, expands in Synonym.objects.values_list("term", "expands_to"):
        for key in CONCEPT_MARK.findall(expands or ""):
            extra.append((term, key))
    return Lexicon.load(extra)


def lexicon() -> Lexicon:
    """This process's lexicon, kept in the snapshot (built again when a synonym changes)."""
    return snapshot.get("lexicon", _build, services=False)


def understand(text: str) -> Understanding:
    return lexicon().understand(text)
