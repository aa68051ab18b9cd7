from django import template

from vern.core.models import Role

register = template.Library()

# Who may read named people's training records (as views/training.py READERS).
READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.READER})


@register.filter
def reads_register(request) -> bool:
    """Whether the person may open the training register (so the menu shows it)."""
    return bool(set(getattr(request, "roles", ())) & READERS)
