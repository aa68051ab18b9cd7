"""A small crawler for the test suite: follows links with Django's test client.

It reads each HTML page it is given, collects the same-site links and checks
the page for three kinds of fault:

- an answer of 500 or more, a link that leads to a 404, or a link shown to
  someone who may not open it (403);
- an inline ``<svg>`` whose numeric attributes do not parse as numbers (a
  coordinate written with a decimal comma, ``cx="160,0"``, is dropped by
  browsers);
- a text from ``UNTRANSLATED`` on a page in a language it does not belong to
  (Django's own defaults and known untranslated strings).

Only GET requests are made and forms are never submitted. To keep the run
short, at most ``per_pattern`` concrete addresses are visited for each URL
pattern (its resolved name) and language, per client.

The checker functions (``svg_problems``, ``untranslated_problems``,
``page_links``) are plain functions so the tests can test them on made-up
pages too.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

LANGUAGES = ("nb", "nn", "en")
PREFIXES = {"nb": "", "nn": "/nn", "en": "/en"}

# Addresses never requested: they end the session or are not pages of Vern.
SKIP_PATHS = ("/konto/logg-ut/", "/static/", "/media/")

# Requested for the status only (the body is not HTML).
STATUS_ONLY_SUFFIXES = (".pdf", ".json", ".csv")
STATUS_ONLY_PREFIXES = ("/api/",)

# Texts that must not appear on a page in bokmål or nynorsk. "---------",
# the empty choice of Django's ModelChoiceField, is left out on purpose: it
# has no language, so it is not a translation fault (whether it is a good
# label is another matter).
UNTRANSLATED_NORWEGIAN = (
    "- Select an option -",
    "Verification due",
    "This field is required.",
    "Enter a valid date.",
    "Enter a valid time.",
    "Enter a valid email address.",
    "Enter a whole number.",
    "Enter a number.",
    "Select a valid choice.",
    "Currently:",
    "Change:",
)

UNTRANSLATED = {"nb": UNTRANSLATED_NORWEGIAN, "nn": UNTRANSLATED_NORWEGIAN, "en": ()}

# SVG attributes that hold one number (a unit such as px or % may follow).
SVG_NUMBER_ATTRIBUTES = {
    "x",
    "y",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "x1",
    "x2",
    "y1",
    "y2",
    "dx",
    "dy",
    "width",
    "height",
    "font-size",
    "stroke-width",
    "opacity",
    "fill-opacity",
    "stroke-opacity",
}
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
PATH_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
PATH_ARGUMENTS = {"m": 2, "l": 2, "t": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "a": 7, "z": 0}
# Attributes whose text a person sees or hears.
TEXT_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


def _is_number(text: str, units: tuple[str, ...] = ()) -> bool:
    text = text.strip()
    for unit in units:
        if text.endswith(unit):
            text = text[: -len(unit)]
            break
    return NUMBER.fullmatch(text) is not None


def _points_ok(value: str) -> bool:
    """``points``: pairs "x,y" (or single numbers) separated by spaces, an even count."""
    numbers = []
    for token in value.split():
        parts = token.split(",")
        if len(parts) > 2 or not all(_is_number(part) for part in parts):
            return False
        numbers.extend(parts)
    return len(numbers) % 2 == 0


def _path_ok(value: str) -> bool:
    """``d``: every token is a command or a number, and each command has whole argument sets."""
    stripped = PATH_TOKEN.sub(" ", value)
    if stripped.replace(",", " ").strip():
        return False  # something that is neither a command nor a number
    command, count = None, 0
    for token in PATH_TOKEN.findall(value):
        if token.isalpha():
            if command is not None and not _arguments_fit(command, count):
                return False
            command, count = token.lower(), 0
        else:
            if command is None:
                return False
            count += 1
    return command is None or _arguments_fit(command, count)


def _arguments_fit(command: str, count: int) -> bool:
    needed = PATH_ARGUMENTS[command]
    return count == 0 if needed == 0 else count > 0 and count % needed == 0


def svg_attribute_problem(name: str, value: str) -> str | None:
    """Why an SVG attribute's value is not a well-formed number (list), or None."""
    name = name.lower()
    if name in SVG_NUMBER_ATTRIBUTES:
        ok = _is_number(value, ("px", "%", "em"))
    elif name == "viewbox":
        parts = value.split()
        ok = len(parts) == 4 and all(_is_number(part) for part in parts)
    elif name == "points":
        ok = _points_ok(value)
    elif name == "d":
        ok = _path_ok(value)
    else:
        return None
    return None if ok else f'{name}="{value}"'


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.svg_problems: list[str] = []
        self.texts: list[str] = []
        self._svg_depth = 0
        self._skip_text = 0

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closes=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closes=True)

    def _start(self, tag, attrs, *, closes):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag == "svg" and not closes:
            self._svg_depth += 1
        if self._svg_depth or tag == "svg":
            for name, value in attrs:
                problem = svg_attribute_problem(name, value or "")
                if problem:
                    self.svg_problems.append(f"<{tag} {problem}>")
        if tag in ("script", "style") and not closes:
            self._skip_text += 1
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1
        if tag in ("script", "style") and self._skip_text:
            self._skip_text -= 1

    def handle_data(self, data):
        if not self._skip_text and data.strip():
            self.texts.append(data)


def read_page(html: str) -> _PageReader:
    reader = _PageReader()
    reader.feed(html)
    reader.close()
    return reader


def svg_problems(html: str) -> list[str]:
    """Every numeric SVG attribute in ``html`` that does not parse as a number."""
    return read_page(html).svg_problems


def untranslated_problems(html: str, language: str) -> list[str]:
    """Known untranslated strings that a person would see on a page in ``language``."""
    text = "\n".join(" ".join(t.split()) for t in read_page(html).texts)
    return [f'"{s}"' for s in UNTRANSLATED.get(language, ()) if s in text]


def page_links(html: str) -> list[str]:
    return read_page(html).links


def language_of(path: str) -> str | None:
    """The page language from the address prefix; None for another language."""
    first = path.split("/")[1] if path.count("/") > 1 else ""
    if first in {code for code, _name in settings.LANGUAGES}:
        return first if first in LANGUAGES else None
    return "nb"


def _without_prefix(path: str, language: str) -> str:
    prefix = PREFIXES[language]
    return path[len(prefix) :] if prefix and path.startswith(prefix + "/") else path


def _status_only(path: str) -> bool:
    return path.endswith(STATUS_ONLY_SUFFIXES) or path.startswith(STATUS_ONLY_PREFIXES)


@dataclass
class Crawl:
    """One client's walk. ``allow(path)`` says which same-site paths to follow.

    ``per_pattern`` caps the addresses visited per URL name in each language.
    Files that are only checked for their status (PDFs) are slow to make, so
    they are counted in ``files``, which several crawls may share: each file
    pattern is then fetched once per language for all of them.
    """

    client: Client
    who: str
    allow: Callable[[str], bool]
    per_pattern: dict[str, int] = field(default_factory=lambda: {"nb": 2, "nn": 1, "en": 1})
    files: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    per_key: Counter = field(default_factory=Counter)
    patterns: set[tuple[str, str]] = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)

    def run(self, starts: Iterable[str]) -> Crawl:
        # The locale middleware activates each page's language in this thread;
        # put back the language the caller had, so later tests do not inherit it.
        with translation.override(translation.get_language()):
            return self._run(starts)

    def _run(self, starts: Iterable[str]) -> Crawl:
        queue = deque(starts)
        while queue:
            url = queue.popleft()
            if url in self.visited:
                continue
            key = self._key(url)
            if key is None:
                continue
            counter = self.files if _status_only(urlsplit(url).path) else self.per_key
            limit = 1 if counter is self.files else self.per_pattern[key[0]]
            if counter[key] >= limit:
                continue
            self.visited.add(url)
            counter[key] += 1
            self.patterns.add(key)
            queue.extend(self._visit(url, key[0]))
        return self

    def _key(self, url: str) -> tuple[str, str] | None:
        path = urlsplit(url).path
        language = language_of(path)
        if language is None:
            return None
        try:
            with translation.override(language):
                match = resolve(path)
        except Resolver404:
            return (language, f"unknown:{path}")
        return (language, match.view_name)

    def _visit(self, url: str, language: str) -> list[str]:
        # A view that raises answers 500 and the walk goes on to the next page.
        self.client.raise_request_exception = False
        response = self.client.get(url)
        self.statuses[response.status_code] += 1
        where = f"{self.who} {url}"
        if response.status_code >= 500 or response.status_code == 404:
            error = getattr(response, "exc_info", None)
            cause = f" ({error[0].__name__}: {error[1]})" if error else ""
            self.problems.append(f"{where}: answered {response.status_code}{cause}")
            return []
        if response.status_code == 403:
            self.problems.append(f"{where}: answered 403 to a link shown to this person")
            return []
        if response.status_code in (301, 302, 303, 307, 308):
            return self._same_site([response["Location"]], url)
        if _status_only(urlsplit(url).path):
            return []
        if not response.get("Content-Type", "").startswith("text/html"):
            return []
        html = response.content.decode()
        reader = read_page(html)
        self.problems.extend(f"{where}: SVG attribute {p}" for p in reader.svg_problems)
        self.problems.extend(
            f"{where}: untranslated {p}" for p in untranslated_problems(html, language)
        )
        return self._same_site(reader.links, url)

    def _same_site(self, hrefs: Iterable[str], base: str) -> list[str]:
        found = []
        for href in hrefs:
            href, _fragment = urldefrag(href)
            if not href:
                continue
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                if parts.scheme not in ("http", "https", "") or parts.netloc != "testserver":
                    continue
                href = parts.path + (f"?{parts.query}" if parts.query else "")
            elif not href.startswith("/"):
                base_dir = urlsplit(base).path.rsplit("/", 1)[0]
                href = f"{base_dir}/{href}"
            path = urlsplit(href).path
            if any(path.startswith(p) or p in path for p in SKIP_PATHS):
                continue
            if self.allow(path):
                found.append(href)
        return found
