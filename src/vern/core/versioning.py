"""Refusing a save that is based on an old version of a record.

A record that several people edit inherits ``VersionedRecord`` (an integer
``version``). Its edit form carries, in two hidden fields, the version the
person opened and a signed copy of the values they were shown
(``add_version_fields``). The write service, inside its audited transaction
(the audit chain's lock first, then the row), calls ``check_version`` on the
locked row: if the version saved differs from the one the person opened,
nothing is saved and ``StaleVersion`` lists what changed in between — each
field's label, the value the person saw, the value saved now, and who saved
it and when if the app's history says so. Otherwise the service saves with
``next_version``. After a refusal the view calls ``renew_form``: the form keeps
the person's input, takes the other person's value for every field the person
had not touched, and carries the new version, so a second submit saves their
edits on top of the new version.

The decision rests on the version number alone; the signed values only serve
to show what changed. They are signed so a person cannot make the table lie,
and they hold nothing the form does not already show.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from vern.core.dates import long_date, long_datetime

SALT = "vern.core.versioning.seen"
VERSION_FIELD = "version"
SEEN_FIELD = "seen_values"


@dataclass(frozen=True)
class Value:
    """One field as a person sees it: ``raw`` is compared, ``shown`` is read."""

    label: str
    raw: object
    shown: str


@dataclass(frozen=True)
class Saved:
    """One save made after the version a person opened, from the app's history."""

    version: int
    by: str
    at: dt.datetime | None
    fields: frozenset[str]


@dataclass(frozen=True)
class Change:
    name: str
    label: str
    seen: str
    now: str
    seen_raw: object = None
    now_raw: object = None
    seen_known: bool = True
    by: str = ""
    at: dt.datetime | None = None
    # Set by ``renew_form``: the form now shows the saved value (the person
    # had not changed the field), or keeps the person's own (they had).
    taken_into_form: bool = False
    also_yours: bool = False


class StaleVersion(ValidationError):
    """A save based on an old version: refused, with what changed since."""

    def __init__(
        self,
        *,
        seen_version: int,
        current_version: int,
        changes: list[Change],
        seen_token: str,
    ):
        super().__init__(
            _("Someone else saved this while you were editing it. Nothing of yours was saved."),
            code="stale_version",
        )
        self.seen_version = seen_version
        self.current_version = current_version
        self.changes = changes
        # The values saved now, signed, for the form shown again.
        self.seen_token = seen_token


# --- values ------------------------------------------------------------------


def plain(value) -> object:
    """A value as JSON can carry it, so what was seen compares with what is saved."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return str(value)


def _same(a, b) -> bool:
    return json.dumps(plain(a), sort_keys=True) == json.dumps(plain(b), sort_keys=True)


def _shown(instance: models.Model, field: models.Field) -> str:
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return ""
    if field.is_relation:
        return str(getattr(instance, field.name))
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return long_datetime(value)
    if isinstance(value, dt.date):
        return long_date(value)
    return str(value)


def field_values(instance: models.Model, names: Iterable[str]) -> dict[str, Value]:
    """The named concrete fields of ``instance``, labelled by their verbose names."""
    values = {}
    for name in names:
        field = instance._meta.get_field(name)
        raw = getattr(instance, field.attname)
        values[name] = Value(
            label=str(field.verbose_name),
            raw=plain(raw) if not field.is_relation or raw is None else str(raw),
            shown=_shown(instance, field),
        )
    return values


def listed(label: str, items: Iterable[str]) -> Value:
    """A related part (phones, areas) as one value: its items in order."""
    items = [str(item) for item in items]
    return Value(label=label, raw=items, shown=", ".join(items))


# --- the seen values ------------------------------------------------------------


def _object_key(instance: models.Model) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"


def seen_token(instance: models.Model, values: Mapping[str, Value]) -> str:
    """The version of ``instance`` and the values shown, signed for a hidden field."""
    return signing.dumps(
        {
            "o": _object_key(instance),
            "v": instance.version,
            "f": {name: [plain(value.raw), value.shown] for name, value in values.items()},
        },
        salt=SALT,
        compress=True,
    )


def read_seen_token(token: str, instance: models.Model) -> tuple[int, dict[str, list]] | None:
    """The version and values in ``token``, if it is ours and for this record."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("o") != _object_key(instance):
        return None
    if not isinstance(data.get("v"), int) or not isinstance(data.get("f"), dict):
        return None
    return data["v"], data["f"]


# --- the check in the write service -------------------------------------------


def check_version(
    current: models.Model,
    *,
    seen_version: int | None,
    seen_values: str = "",
    values: Callable[[models.Model], Mapping[str, Value]],
    history: Callable[[int], Iterable[Saved]] | None = None,
) -> None:
    """Refuse a save based on another version than the one saved.

    ``current`` is the row as saved, locked (``select_for_update``) inside the
    write's transaction, after the audit chain's lock. ``seen_version`` is
    the version the person opened; ``None`` means the caller does not check
    (a system job, a save that re-reads the row itself). ``values`` gives a
    record's comparable values; ``history(version)`` the saves after a
    version, for who and when.
    """
    if seen_version is None or seen_version == current.version:
        return
    now = values(current)
    saves = sorted(history(seen_version) if history else [], key=lambda s: s.version)
    last_save: dict[str, Saved] = {}
    for save in saves:
        for name in save.fields:
            last_save[name] = save
    token = read_seen_token(seen_values, current)
    changes = []
    if token is not None and token[0] == seen_version:
        seen = token[1]
        for name, value in now.items():
            if name not in seen or _same(seen[name][0], value.raw):
                continue
            save = last_save.get(name)
            changes.append(
                Change(
                    name=name,
                    label=value.label,
                    seen=seen[name][1],
                    now=value.shown,
                    seen_raw=seen[name][0],
                    now_raw=plain(value.raw),
                    by=save.by if save else "",
                    at=save.at if save else None,
                )
            )
    else:
        # What the person saw is not known; the history still names the fields.
        for name, value in now.items():
            if name in last_save:
                changes.append(
                    Change(
                        name=name,
                        label=value.label,
                        seen="",
                        now=value.shown,
                        now_raw=plain(value.raw),
                        seen_known=False,
                        by=last_save[name].by,
                        at=last_save[name].at,
                    )
                )
    raise StaleVersion(
        seen_version=seen_version,
        current_version=current.version,
        changes=changes,
        seen_token=seen_token(current, now),
    )


def next_version(current: models.Model | None) -> int:
    """The version a save writes: one more than the row as saved (1 for a new one)."""
    return 1 if current is None else current.version + 1


# --- forms ---------------------------------------------------------------------


def add_version_fields(form: forms.BaseForm, values: Mapping[str, Value]) -> None:
    """Put the hidden version and seen-values fields on an edit form of ``form.instance``."""
    instance = form.instance
    form.fields[VERSION_FIELD] = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, required=False
    )
    form.fields[SEEN_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    form.initial.setdefault(VERSION_FIELD, instance.version)
    form.initial.setdefault(SEEN_FIELD, seen_token(instance, values))


def seen_from(form: forms.BaseForm) -> dict:
    """The keyword arguments a write service takes from a valid form."""
    return {
        "seen_version": form.cleaned_data.get(VERSION_FIELD),
        "seen_values": form.cleaned_data.get(SEEN_FIELD) or "",
    }


def _data_value(field: forms.Field, raw):
    """``raw`` as the form's POST data would carry it, or ``None`` if it cannot."""
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return None
    if isinstance(raw, list | dict):
        return None
    if isinstance(field, forms.BooleanField):
        return "on" if raw else ""
    return "" if raw is None else str(raw)


def renew_form(form: forms.BaseForm, stale: StaleVersion) -> list[Change]:
    """Show the form again on top of the version saved now.

    The person's input stays; a field they had not changed (their input is
    what they saw) takes the value saved now, so saving again keeps the other
    person's change; a field both changed keeps the person's input and is
    marked. The hidden version and seen values become those of the version
    saved now. Returns the changes, marked for the table.
    """
    data = form.data.copy()
    cleaned = getattr(form, "cleaned_data", {})
    marked = []
    for change in stale.changes:
        field = form.fields.get(change.name)
        if field is None or change.name not in cleaned or not change.seen_known:
            marked.append(change)
            continue
        if not _same(_form_plain(cleaned[change.name]), change.seen_raw):
            marked.append(replace(change, also_yours=True))
            continue
        value = _data_value(field, change.now_raw)
        if value is None:
            marked.append(change)
            continue
        key = form.add_prefix(change.name)
        if isinstance(field, forms.BooleanField) and not value:
            data.pop(key, None)
        else:
            data[key] = value
        marked.append(replace(change, taken_into_form=True))
    data[form.add_prefix(VERSION_FIELD)] = str(stale.current_version)
    data[form.add_prefix(SEEN_FIELD)] = stale.seen_token
    form.data = data
    return marked


def _form_plain(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, str):
        return value
    return plain(value)
