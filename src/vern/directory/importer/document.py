"""Reading an HSDS JSON file, and the shape of the document it holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class FileProblem(Exception):
    """The file cannot be read as JSON at all."""


def read_file(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise FileProblem(f"{path}: cannot read the file: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise FileProblem(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FileProblem(
            f"{path}: line {error.lineno}, column {error.colno}: not valid JSON: {error.msg}"
        ) from None


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
