"""Template built-ins (no ``{% load %}`` needed): the one way to show a date or a number.

    {{ plan.adopted_on|long_date }}        6. desember 2026
    {{ entry.created_at|long_datetime }}   6. desember 2026 kl. 14:30
    {{ measurement.value|prose_number }}   12,5

See ``vern.core.dates``.
"""

from django import template

from vern.core import dates

register = template.Library()


@register.filter(expects_localtime=False)
def long_date(value) -> str:
    return dates.long_date(value)


@register.filter(expects_localtime=False)
def long_datetime(value) -> str:
    return dates.long_datetime(value)


@register.filter
def prose_number(value) -> str:
    return dates.prose_number(value)
