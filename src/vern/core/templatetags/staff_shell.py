"""The staff menu, drawn from the staff shell's registry (``core/shell.py``)."""

from django import template

from vern.core import shell

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_nav(context) -> list[shell.ShownEntry]:
    """The menu entries the person's roles in the active municipality may open."""
    request = context.get("request")
    if request is None:
        return []
    viewer = shell.Viewer.of(request)
    return shell.nav_for(viewer.roles, request.path_info, viewer=viewer)
