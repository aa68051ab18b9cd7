"""Routine steps titled in each reader's language.

A step is stored with the title its routine gave it in the installation's
language (what reminder mails fall back to) and, for a routine that says how,
with the codes the title is made of (``Step.title_params``: numbers, codes,
never free text). An app registers how to make its titles from those codes
(``register_titles``); the pages then show ``Step.display_title``, made again in
the active language. Kept apart from ``core.routines`` so that the model can
use it without importing the routine engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# routine prefix ("pathways.") -> a function of (step code, params) giving the
# title in the active language, or "" where it cannot.
_TITLES: dict[str, Callable[[str, dict], str]] = {}


def register_titles(prefix: str, title: Callable[[str, dict], str]) -> None:
    """Let the steps of the routines whose code starts with ``prefix`` be
    titled in the reader's language: ``title(code, params)``, with the
    ``params`` their ``StepSpec`` had. A step stored without params, or one
    ``title`` returns "" for, shows the title it was stored with."""
    _TITLES[prefix] = title


def step_title(step: Any) -> str:
    """``step``'s title in the active language (see the module)."""
    if step.title_params:
        for prefix, title in _TITLES.items():
            if step.routine.startswith(prefix):
                return title(step.code, step.title_params) or step.title
    return step.title
