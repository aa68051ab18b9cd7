"""The duty guide (pliktveileder): questions that lead to the duties that apply.

The content is data, not code: a JSON document (the shipped default is
``data/duty_guide.json``; a municipality's own edits are ``DutyGuideVersion`` rows)
with the questions, their options, and rules. A rule applies to an answer when, for
every question it names in ``when``, the answer is one of the listed options; a rule
naming no question applies to every answer. The questions are asked in order, each on
its own page, and the chosen options make up the URL path, so every step has an
address and nothing is kept between requests.

``problems(content)`` is the one check of a document: the shipped file, every saved
edit and the tests go through it. It refuses, among other things, a document in which
some path of answers ends with no rule, or a rule without a legal source.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.utils.html import format_html
from django.utils.translation import get_language

SHIPPED = Path(__file__).parent / "data" / "duty_guide.json"
# The language every text must have; the others fall back to it.
BASE_LANGUAGE = "nb"
# Languages the shipped content is written in (the public side's eight). A text
# missing in one of them shows bokmål, marked as such.
CONTENT_LANGUAGES = ("nb", "nn", "en", "se", "pl", "uk", "ar", "so")
# Languages a municipality edits on the staff side; its edit of the bokmål text marks
# the others as outdated for that rule (see services.guide_rule_save).
EDIT_LANGUAGES = ("nb", "nn", "en")
RTL_LANGUAGES = frozenset({"ar"})
MACHINE_ASSISTED = "machine-assisted"
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
RULE_KEY = re.compile(r"^[a-z0-9_]{1,40}$")


@cache
def shipped() -> dict:
    """The default guide shipped with Vern (read once per process)."""
    with SHIPPED.open(encoding="utf-8") as handle:
        content = json.load(handle)
    found = problems(content)
    if found:  # pragma: no cover - the tests check the shipped file
        raise ValueError(f"{SHIPPED}: {'; '.join(found)}")
    return content


def text(value: dict, language: str | None = None) -> tuple[str, bool]:
    """A translated text and whether it is in the language asked for (else bokmål)."""
    language = _page_language(language)
    if value.get(language):
        return value[language], True
    return value.get(BASE_LANGUAGE, ""), language == BASE_LANGUAGE


def with_shipped_translations(content: dict) -> dict:
    """A municipality's document with the shipped translations of every text whose
    bokmål it has not changed (versions saved before a language was added lack it).

    A text whose bokmål differs is left alone: its translations would not match.
    """
    base = shipped()
    content = copy.deepcopy(content)

    def fill(value: dict | None, default: dict | None) -> None:
        if value and default and value.get(BASE_LANGUAGE) == default.get(BASE_LANGUAGE):
            for lang, translated in default.items():
                value.setdefault(lang, translated)

    for field in ("intro", "disclaimer"):
        fill(content.get(field), base[field])
    base_questions = {q["key"]: q for q in base["questions"]}
    for q in content.get("questions", []):
        default = base_questions.get(q.get("key"))
        if default is None:
            continue
        fill(q.get("text"), default["text"])
        fill(q.get("hint"), default.get("hint"))
        base_options = {o["key"]: o for o in default["options"]}
        for option in q.get("options", []):
            fill(option.get("label"), base_options.get(option.get("key"), {}).get("label"))
    base_rules = {r["key"]: r for r in base["rules"]}
    for rule in content.get("rules", []):
        default = base_rules.get(rule.get("key"))
        if default is None or rule.get("outdated"):
            continue
        same = all(
            (rule.get(field) or {}).get(BASE_LANGUAGE) == default[field][BASE_LANGUAGE]
            for field in ("title", "text")
        )
        if same:
            fill(rule.get("title"), default["title"])
            fill(rule.get("text"), default["text"])
    content.setdefault("review", base.get("review", {}))
    return content


def _page_language(language: str | None) -> str:
    return (language or get_language() or BASE_LANGUAGE).split("-")[0]


@dataclass(frozen=True)
class Shown:
    """A text as shown on a page in ``page``'s language; ``lang`` is the text's own."""

    text: str
    lang: str
    page: str

    def __str__(self) -> str:
        return self.text

    @property
    def attrs(self) -> str:
        """` lang=".." dir=".."` when the text is not in the page's language (else empty)."""
        if self.lang == self.page:
            return ""
        direction = "rtl" if self.lang in RTL_LANGUAGES else "ltr"
        if (self.page in RTL_LANGUAGES) == (self.lang in RTL_LANGUAGES):
            return format_html(' lang="{}"', self.lang)
        return format_html(' lang="{}" dir="{}"', self.lang, direction)


def shown(value: dict, language: str | None = None, *, outdated: bool = False) -> Shown:
    """A text in the page's language, else bokmål; bokmål too when the translation is
    outdated (the bokmål text was changed after it was written)."""
    page = _page_language(language)
    if not outdated and value.get(page):
        return Shown(value[page], page, page)
    return Shown(value.get(BASE_LANGUAGE, ""), BASE_LANGUAGE, page)


def is_outdated(rule: dict, language: str | None = None) -> bool:
    return _page_language(language) in rule.get("outdated", ())


def review_status(content: dict, language: str | None = None) -> str | None:
    """How a language's text was checked ("reviewed", "machine-assisted"), if recorded."""
    return content.get("review", {}).get("languages", {}).get(_page_language(language))


def all_paths(content: dict) -> list[tuple[str, ...]]:
    """Every combination of answers, in question order."""
    return list(
        itertools.product(*[[o["key"] for o in q["options"]] for q in content["questions"]])
    )


def applies(rule: dict, answers: dict[str, str]) -> bool:
    return all(answers.get(question) in options for question, options in rule["when"].items())


def rules_for(content: dict, path: tuple[str, ...]) -> list[dict]:
    """The rules that apply to a full path of answers: urgent ones first, then file order."""
    answers = {q["key"]: choice for q, choice in zip(content["questions"], path, strict=True)}
    matching = [rule for rule in content["rules"] if applies(rule, answers)]
    return sorted(matching, key=lambda rule: not rule.get("urgent", False))


@dataclass(frozen=True)
class Step:
    """Where a path of answers leads: the next question, or the answer (``question`` None)."""

    answered: tuple[tuple[dict, dict], ...]  # (question, chosen option) so far
    question: dict | None


def resolve(content: dict, segments: list[str]) -> Step | None:
    """The step a URL path names, or None when a segment is not an option of its question."""
    questions = content["questions"]
    if len(segments) > len(questions):
        return None
    answered = []
    for question, segment in zip(questions, segments, strict=False):
        option = next((o for o in question["options"] if o["key"] == segment), None)
        if option is None:
            return None
        answered.append((question, option))
    nxt = questions[len(segments)] if len(segments) < len(questions) else None
    return Step(answered=tuple(answered), question=nxt)


def problems(content: object) -> list[str]:
    """Everything wrong with a guide document (empty when it can be shown)."""
    if not isinstance(content, dict):
        return ["the guide must be a JSON object"]
    found: list[str] = []
    for field in ("version", "reviewed_on", "questions", "rules", "disclaimer", "intro"):
        if field not in content:
            found.append(f"missing field {field!r}")
    if found:
        return found
    try:
        date.fromisoformat(content["reviewed_on"])
    except (TypeError, ValueError):
        found.append("reviewed_on is not a date (YYYY-MM-DD)")
    review = content.get("review", {})
    if not isinstance(review, dict) or not isinstance(review.get("languages", {}), dict):
        found.append("review must be an object with a 'languages' object")
    for field in ("disclaimer", "intro"):
        if not _has_base(content[field]):
            found.append(f"{field} has no bokmål text")
    questions = content["questions"]
    if not isinstance(questions, list) or not questions:
        return [*found, "the guide has no questions"]
    keys: dict[str, set[str]] = {}
    for q in questions:
        key = q.get("key", "")
        if not KEY.match(str(key)) or key in keys:
            found.append(f"question key {key!r} is missing, malformed or repeated")
            continue
        if not _has_base(q.get("text")):
            found.append(f"question {key!r} has no bokmål text")
        options = q.get("options") or []
        option_keys = [str(o.get("key", "")) for o in options]
        if len(options) < 2:
            found.append(f"question {key!r} needs at least two options")
        if len(set(option_keys)) != len(option_keys) or not all(map(KEY.match, option_keys)):
            found.append(f"question {key!r} has malformed or repeated option keys")
        for option in options:
            if not _has_base(option.get("label")):
                found.append(f"option {key}/{option.get('key')} has no bokmål label")
        keys[key] = set(option_keys)
    rules = content["rules"]
    if not isinstance(rules, list) or not rules:
        return [*found, "the guide has no rules"]
    rule_keys: set[str] = set()
    for rule in rules:
        key = str(rule.get("key", ""))
        if not RULE_KEY.match(key) or key in rule_keys:
            found.append(f"rule key {key!r} is missing, malformed or repeated")
        rule_keys.add(key)
        for field in ("title", "text"):
            if not _has_base(rule.get(field)):
                found.append(f"rule {key!r} has no bokmål {field}")
        outdated = rule.get("outdated", [])
        if not isinstance(outdated, list) or not set(outdated) <= set(CONTENT_LANGUAGES):
            found.append(f"rule {key!r}: 'outdated' must list content languages")
        sources = rule.get("sources") or []
        if not sources or not all(str(s.get("title", "")).strip() for s in sources):
            found.append(f"rule {key!r} has no legal source")
        for source in sources:
            url = str(source.get("url", ""))
            if url and not url.startswith("https://"):
                found.append(f"rule {key!r}: a source link must start with https://")
        when = rule.get("when")
        if not isinstance(when, dict):
            found.append(f"rule {key!r}: 'when' must be an object")
            continue
        for question, options in when.items():
            if question not in keys:
                found.append(f"rule {key!r} names an unknown question {question!r}")
            elif not options or not set(options) <= keys[question]:
                found.append(f"rule {key!r} names unknown options of {question!r}")
    if found:
        return found
    for path in all_paths(content):
        if not rules_for(content, path):
            found.append(f"the answers {'/'.join(path)} lead to no rule")
    return found


def _has_base(value: object) -> bool:
    return isinstance(value, dict) and bool(str(value.get(BASE_LANGUAGE, "")).strip())
