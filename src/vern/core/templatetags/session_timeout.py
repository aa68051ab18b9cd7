from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def session_seconds() -> int:
    """How long a staff session lasts without a request (``SESSION_COOKIE_AGE``)."""
    return int(settings.SESSION_COOKIE_AGE)


@register.simple_tag
def session_minutes() -> int:
    return max(1, round(settings.SESSION_COOKIE_AGE / 60))
