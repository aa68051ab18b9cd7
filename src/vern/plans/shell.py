"""What action plans put in the staff shell: the menu entry, the front-page card and
the person's overdue and due-soon measures and reviews (registered in ``apps.py``)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vern.core import shell
from vern.core.models import STAFF_ROLES, Role
from vern.plans import selectors

# Who answers for every measure and review of the municipality's plan.
PLAN_OWNERS = frozenset({Role.ADMIN, Role.COORDINATOR})


def needs(user, municipality, roles, today: date) -> list[shell.NeedsItem]:
    """Plan measures overdue or due within a week (the person's own; all of them for
    coordinators and administrators), and reviews due or past (coordinators and
    administrators). Two queries."""
    if municipality is None or not (roles & STAFF_ROLES):
        return []
    app = _("Action plans")
    owner = bool(roles & PLAN_OWNERS)
    items = []
    for pm in selectors.measures_needing_attention(
        user, municipality=municipality, today=today, everyone=owner
    ):
        overdue = pm.due_on < today
        label = f"{pm.measure.code} {pm.measure.title}" if pm.measure.code else pm.measure.title
        items.append(
            shell.NeedsItem(
                label=label,
                url=reverse("plans:plan_measure_detail", args=[pm.pk]),
                state=shell.OVERDUE if overdue else shell.DUE_SOON,
                app=app,
                due_on=pm.due_on,
            )
        )
    if owner:
        for plan in selectors.reviews_needing_attention(
            user, municipality=municipality, today=today
        ):
            items.append(
                shell.NeedsItem(
                    label=_("Review of %(plan)s") % {"plan": plan.title},
                    url=reverse("plans:plan_detail", args=[plan.pk]),
                    state=shell.OVERDUE if plan.next_review_on < today else shell.DUE_SOON,
                    app=app,
                    due_on=plan.next_review_on,
                )
            )
    return items


def register() -> None:
    shell.register_nav(
        label=gettext_lazy("Action plans"),
        url_name="plans:plan_list",
        roles=STAFF_ROLES,
        order=20,
        active_prefix="plans:plan_list",
    )
    shell.register_card(
        title=gettext_lazy("Action plans"),
        description=gettext_lazy("The plan, its measures, coverage of the booklet and progress."),
        url_name="plans:plan_list",
        roles=STAFF_ROLES,
        order=20,
    )
    shell.register_needs(needs)
