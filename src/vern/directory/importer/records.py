"""One record of the document: its typed values and the problems found in it.

Each problem is noted as ``record <n> (<name or id>): <field>: <message>``
against the field's HSDS path.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from vern.core.models import Municipality
from vern.core.validators import one_line

if TYPE_CHECKING:
    from vern.directory.importer.run import Importer

TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$")


@dataclass(frozen=True)
class Problem:
    record: int
    label: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"record {self.record} ({self.label}): {self.field}: {self.message}"


class Record:
    """Reads one record's values, noting each problem against its field path."""

    def __init__(self, importer: Importer, data: Any, prefix: str = ""):
        importer.number += 1
        self.importer = importer
        self.number = importer.number
        self.prefix = prefix
        self.data = data if isinstance(data, dict) else {}
        name, ident = self.data.get("name"), self.data.get("id")
        label = name if isinstance(name, str) and name.strip() else ident
        # One line in the report, even when the name is what is wrong with it.
        self.label = one_line(str(label))[:80] if label else "no id"
        self.ok = True
        self.flagged: set[str] = set()
        if not isinstance(data, dict):
            self.problem("", "must be a JSON object")

    def problem(self, path: str, message: str) -> None:
        self.ok = False
        where = ".".join(p for p in (self.prefix, path) if p) or "(record)"
        self.flagged.add(where)
        self.importer.report.problems.append(Problem(self.number, self.label, where, message))

    def validation(self, error: ValidationError, base: str, paths: dict[str, str]) -> None:
        """Problems found by model validation, unless the field was already flagged."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                path = paths.get(name, name) if name != "__all__" else ""
                path = ".".join(p for p in (base, path) if p)
                if ".".join(p for p in (self.prefix, path) if p) in self.flagged:
                    continue
                for message in messages:
                    self.problem(path, message)
        else:
            for message in error.messages:
                self.problem(base, message)

    # --- typed readers ---

    def text(self, data: dict, key: str, path: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, "is required")
            return ""
        if not isinstance(value, str):
            self.problem(path, "must be text")
            return ""
        if required and not value.strip():
            self.problem(path, "must not be empty")
        return value

    def uuid(self, data: dict, key: str, path: str, *, required: bool = True) -> uuid.UUID | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(path, "is required")
            return None
        try:
            return uuid.UUID(str(value)) if isinstance(value, str) else _raise()
        except (ValueError, TypeError):
            self.problem(path, "must be a UUID")
            return None

    def items(self, data: dict, key: str, path: str) -> list[dict]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, "must be a list")
            return []
        result = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                result.append(item)
            else:
                self.problem(f"{path}[{index}]", "must be a JSON object")
        return result

    def number_value(self, data: dict, key: str, path: str) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problem(path, "must be a number")
            return None
        try:
            return Decimal(str(value)).quantize(Decimal("0.00001"))
        except InvalidOperation:
            self.problem(path, "must be a number")
            return None

    def date_value(self, value: Any, path: str) -> date | None:
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(str(value)[:10]) if isinstance(value, str) else _raise()
        except (ValueError, TypeError):
            self.problem(path, "must be a date like 2025-01-31")
            return None

    def time_value(self, data: dict, key: str, path: str) -> time | None:
        value = data.get(key)
        match = TIME.match(value) if isinstance(value, str) else None
        if not match:
            self.problem(path, "must be a time like 08:30")
            return None
        hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
        if hours == 24 and minutes == 0 and seconds == 0:
            return time(23, 59)
        try:
            return time(hours, minutes, seconds)
        except ValueError:
            self.problem(path, "must be a time like 08:30")
            return None

    def municipality(self, number: Any, path: str) -> Municipality | None:
        found = self.importer.municipality(number) if isinstance(number, str) else None
        if found is None:
            self.problem(path, f"unknown municipality number {str(number)[:20]!r}")
        return found


def _raise():
    raise TypeError
