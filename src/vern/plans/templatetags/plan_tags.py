from django import template
from django.utils.translation import gettext as _

from vern.plans.models import Plan, PlanMeasure

register = template.Library()


@register.filter
def show(value) -> str:
    """A snapshot value as text: '–' for nothing, lists joined."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


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
    """Decimal without trailing zeros, for indicator values."""
    from vern.plans.charts import number

    return number(value) if value is not None else "–"
