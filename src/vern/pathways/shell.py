"""What pathways put in the staff shell (registered in ``apps.py``): the menu entry
and the front-page card. The person's own pathway steps (overdue or due within a
week, and those the escalation ladder has brought to them) reach the front page
through the routine engine's provider, ``core.routines.step_needs``, since every
deadline of a pathway is a routine step."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy, ngettext

from vern.core import shell
from vern.core.models import Role, Step

ROLES = frozenset({Role.CASE_WORKER, Role.COORDINATOR})


def overdue_steps(user, municipality, roles, today: date) -> shell.CardCount | None:
    """The person's own overdue pathway steps: one query."""
    if municipality is None:
        return None
    number = (
        Step.objects.for_user(user, municipality=municipality)
        .filter(
            subject_type__in=("pathways.pathway", "pathways.releasefollowup"),
            responsible_user=user,
            done_at__isnull=True,
            due_on__lt=today,
        )
        .count()
    )
    return shell.CardCount(
        number,
        ngettext(
            "%(count)d of your pathway steps is overdue",
            "%(count)d of your pathway steps are overdue",
            number,
        )
        % {"count": number},
    )


def register() -> None:
    shell.register_nav(
        label=gettext_lazy("Pathways"),
        url_name="pathways:pathway_list",
        roles=ROLES,
        order=35,
        active_prefix="pathways:pathway_list",
    )
    shell.register_card(
        title=gettext_lazy("Pathways"),
        description=gettext_lazy(
            "Fast-track pathways for people exposed to violence and people who use it, "
            "protective orders and follow-up before a release."
        ),
        url_name="pathways:pathway_list",
        roles=ROLES,
        order=35,
        count=overdue_steps,
    )
