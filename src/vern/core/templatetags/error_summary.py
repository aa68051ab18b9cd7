"""The error summary at the top of a form that failed (Designsystemet's pattern).

``{% error_summary form other_form formset %}`` lists every error of the given
forms (and formsets, and plain messages) with a link to its field, so a person can go straight to
each one; ``static/vern/js/error-summary.js`` moves focus to the summary when
the page loads, and to the field when a link is followed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template
from django.forms.forms import NON_FIELD_ERRORS

register = template.Library()


@dataclass(frozen=True)
class Entry:
    text: str
    href: str  # "" when the error belongs to no one field


def _forms(objects) -> list:
    """Forms and formsets in order, with formsets opened into their forms."""
    found = []
    for obj in objects:
        if obj is None or obj == "":
            continue
        if isinstance(obj, str):
            found.append(obj)
        elif isinstance(obj, list | tuple):
            found.extend(_forms(obj))
        elif isinstance(obj, forms.BaseFormSet):
            found.append(obj)
            found.extend(obj.forms)
        else:
            found.append(obj)
    return found


def _target(bound: forms.BoundField) -> str:
    """The id of the element a link should focus: the first option of a group."""
    if bound.field.widget.use_fieldset and bound.auto_id:
        return f"{bound.auto_id}_0"
    return bound.auto_id or ""


def entries_for(*objects) -> list[Entry]:
    entries: list[Entry] = []
    for obj in _forms(objects):
        if isinstance(obj, str):  # a message that belongs to no field
            entries.append(Entry(obj, ""))
            continue
        if isinstance(obj, forms.BaseFormSet):
            entries.extend(Entry(str(error), "") for error in obj.non_form_errors())
            continue
        if not obj.is_bound or not obj.errors:
            continue
        prefix = getattr(obj, "summary_prefix", "")
        for name, errors in obj.errors.items():
            if name == NON_FIELD_ERRORS or name not in obj.fields:
                entries.extend(
                    Entry(f"{prefix}: {error}" if prefix else str(error), "") for error in errors
                )
                continue
            bound = obj[name]
            label = prefix or bound.label
            href = "" if bound.is_hidden else _target(bound)
            entries.extend(Entry(f"{label}: {error}", href) for error in errors)
    return entries


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*objects) -> dict:
    return {"entries": entries_for(*objects)}
