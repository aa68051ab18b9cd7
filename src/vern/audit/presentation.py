"""Showing audit entries to people: labels, and details as a readable table.

An entry's ``detail`` is JSON written by the code that logged it. Here its
keys get the labels registered in ``audit/codes.py`` and its values are
formatted by the key's kind: roles and actions by their names, yes/no,
dates in the page's format, nested objects as nested rows, and user and unit
ids as names, but only for people and units of the municipality whose log is
read (anyone else stays "someone outside the municipality").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from vern.audit import codes
from vern.audit.models import AuditEntry
from vern.core.dates import long_date, long_datetime
from vern.core.models import Membership, Role, Unit

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass
class Row:
    label: str
    value: str = ""
    rows: list[Row] = field(default_factory=list)


def code_label(code: str) -> str:
    return str(codes.label(code))


def object_label(object_type: str) -> str:
    """The model's name ("membership", "service") for a label such as ``core.membership``."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return object_type


def label_entries(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Give each entry ``label`` and ``object_label`` for the list page."""
    for entry in entries:
        entry.label = code_label(entry.code)
        entry.object_label = object_label(entry.object_type)
    return entries


def detail_rows(entry: AuditEntry, *, viewer, municipality) -> list[Row]:
    """The entry's detail as rows, for the admin ``viewer`` reading ``municipality``'s log."""
    names = _Names(viewer, municipality, entry.detail)
    return _rows(entry.detail, names)


def _rows(detail: dict, names: _Names) -> list[Row]:
    rows = []
    for key, value in detail.items():
        known = codes.detail_key(key)
        label = str(known.label) if known else key.replace("_", " ").capitalize()
        kind = known.kind if known else "text"
        if isinstance(value, dict) and value:
            rows.append(Row(label=label, rows=_rows(value, names)))
        else:
            rows.append(Row(label=label, value=_format(value, kind, names)))
    return rows


def _format(value: Any, kind: str, names: _Names) -> str:
    if isinstance(value, list):
        return ", ".join(_format(item, kind, names) for item in value) or "–"
    if value is None or value == "" or value == {}:
        return "–"
    if kind == "user":
        return names.user(value)
    if kind == "unit":
        return names.unit(value)
    if kind == "role":
        return str(Role(value).label) if value in Role.values else str(value)
    if kind == "code":
        return code_label(str(value))
    if kind == "action":
        return (
            str(AuditEntry.Action(value).label) if value in AuditEntry.Action.values else str(value)
        )
    if isinstance(value, bool) or kind == "bool":
        return _("Yes") if value else _("No")
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        return long_datetime(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return long_date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _ids(detail: dict, kind: str) -> set[int]:
    """Every integer under a key of ``kind``, at any depth."""
    found = set()
    for key, value in detail.items():
        if isinstance(value, dict):
            found |= _ids(value, kind)
            continue
        known = codes.detail_key(key)
        if known and known.kind == kind:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, int) and not isinstance(item, bool):
                    found.add(item)
    return found


class _Names:
    """Names of the people and units an entry mentions, as far as the viewer may see them."""

    def __init__(self, viewer, municipality, detail: dict) -> None:
        user_ids = _ids(detail, "user")
        unit_ids = _ids(detail, "unit")
        self.users: dict[int, str] = {}
        self.units: dict[int, str] = {}
        if user_ids:
            members = Membership.objects.for_user(viewer, municipality=municipality).filter(
                user_id__in=user_ids
            )
            self.users = {
                user_id: f"{name} ({email})"
                for user_id, name, email in members.values_list(
                    "user_id", "user__full_name", "user__email"
                )
            }
        if unit_ids:
            units = Unit.objects.for_user(viewer, municipality=municipality).filter(pk__in=unit_ids)
            self.units = dict(units.values_list("pk", "name"))

    def user(self, value) -> str:
        return self.users.get(value) or _("someone outside the municipality")

    def unit(self, value) -> str:
        return self.units.get(value) or _("a unit that no longer exists")
