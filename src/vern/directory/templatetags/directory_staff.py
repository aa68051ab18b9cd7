"""Template tags for staff pages outside the directory (the dashboard card)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def directory_due_count(context) -> int:
    """How many of the user's entries are due or overdue for verification."""
    from vern.directory.staff_selectors import due_count

    request = context.get("request")
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return 0
    return due_count(request)
