"""Reading an HSDS JSON file, and the shape of the document it holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# HSDS documents nest a few levels (organisation, service, place, location,
# address); far deeper nesting is hostile or broken, not data.
MAX_DEPTH = 64


class FileProblem(Exception):
    """The file cannot be read as JSON at all, or holds what no text may hold."""


def read_file(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise FileProblem(f"{path}: cannot read the file: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise FileProblem(f"{path}: not UTF-8 text") from None
    if looks_like_csv(path, text):
        raise FileProblem(
            f"{path}: this is a CSV file, and import reads HSDS JSON only. Import the "
            "directory as HSDS JSON (`vern directory export --format hsds-json` writes it); "
            "the CSV export is for spreadsheets and cannot be imported."
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileProblem(
            f"{path}: line {error.lineno}, column {error.colno}: not valid JSON: {error.msg}"
        ) from None
    except RecursionError:
        raise FileProblem(f"{path}: nested more than {MAX_DEPTH} levels deep") from None
    problem = check_values(data)
    if problem:
        raise FileProblem(f"{path}: {problem}")
    return data


def looks_like_csv(path: str | Path, text: str) -> bool:
    """Whether ``text`` is a CSV (or tab-separated) file rather than JSON: it does
    not start as a JSON document does, and it is named .csv or .tsv or its first
    line is a row of comma-, semicolon- or tab-separated column names."""
    start = text.lstrip()
    if (
        not start
        or start[0] in '{["'
        or start[0].isdigit()
        or start.startswith(("true", "false", "null", "-"))
    ):
        return False
    if Path(path).suffix.lower() in {".csv", ".tsv"}:
        return True
    first = start.splitlines()[0]
    return any(first.count(delimiter) >= 2 for delimiter in (",", ";", "\t"))


def check_values(data: Any) -> str | None:
    """What makes a parsed document unusable as a whole, or ``None``.

    Walks the document without recursion: nesting deeper than ``MAX_DEPTH``,
    and text (values or keys) holding a NUL character (which PostgreSQL cannot
    store) or a lone surrogate (half of a UTF-16 pair, which is no character
    and cannot be written out as UTF-8).
    """
    stack: list[tuple[Any, int, tuple | None]] = [(data, 0, None)]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                return f"{_path(where)}: the text {problem}"
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                return f"{_path(where)}: nested more than {MAX_DEPTH} levels deep"
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    problem = _text_problem(key)
                    if problem:
                        return f"{_path(where)}: the key {key!a} {problem}"
                stack.append((item, depth + 1, (where, key)))
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "holds a NUL character (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "holds a lone surrogate (\\ud800–\\udfff), which is not a character"
    return None


def _path(where: tuple | None) -> str:
    """``services[0].name`` from the linked (parent, key) pairs."""
    parts: list[str] = []
    while where is not None:
        where, key = where
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "".join(reversed(parts)).lstrip(".") or "(document)"


def count_services(data: Any) -> int:
    """How many services a document holds (for the progress bar)."""
    if isinstance(data, dict):
        organizations, services = data.get("organizations"), data.get("services")
    elif isinstance(data, list):
        services = [item for item in data if is_service(item)]
        organizations = [item for item in data if not is_service(item)]
    else:
        return 0
    total = len(services) if isinstance(services, list) else 0
    if isinstance(organizations, list):
        total += sum(_nested_count(org) for org in organizations)
    return total


def is_service(item: Any) -> bool:
    """Whether an item of a bare list is a service (rather than an organisation)."""
    return isinstance(item, dict) and "status" in item


def _nested_count(org: Any) -> int:
    services = org.get("services") if isinstance(org, dict) else None
    return len(services) if isinstance(services, list) else 0
