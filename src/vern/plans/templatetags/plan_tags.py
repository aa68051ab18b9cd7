import re

from django import template
from django.utils.translation import gettext as _

from vern.core.dates import long_date, prose_number
from vern.plans.models import Plan, PlanMeasure

register = template.Library()

# A version's snapshot keeps dates as ISO text and numbers with a dot, also
# inside the text of a milestone ("Kurs (2026-12-06)") or an indicator
# ("Andel: 12.50"); they are shown in the reader's language when read.
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_DECIMAL = re.compile(r"^(-?\d+\.\d+)$")
_TRAILING_DECIMAL = re.compile(r"(: )(-?\d+(?:\.\d+)?)$")


def _snapshot_text(text: str) -> str:
    if _DECIMAL.match(text):
        return prose_number(text)
    text = _ISO_DATE.sub(lambda found: long_date(found.group(1)), text)
    return _TRAILING_DECIMAL.sub(lambda found: found.group(1) + prose_number(found.group(2)), text)


@register.filter
def show(value) -> str:
    """A snapshot value as text: '–' for nothing, lists joined, dates and
    numbers in the reader's language."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return "; ".join(_snapshot_text(str(item)) for item in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return _snapshot_text(str(value))


@register.filter
def field_label(name: str) -> str:
    """The translated label of a plan or plan-measure field named in a snapshot."""
    extra = {"milestones": _("milestones"), "indicators": _("indicators"), "title": _("title")}
    if name in extra:
        return extra[name]
    for model in (Plan, PlanMeasure):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: S112  (not a field of this model; try the next)
            continue
    return name


@register.filter
def num(value) -> str:
    """An indicator value without trailing zeros, with the page language's decimal sign."""
    return prose_number(value)
