"""What the consultation team puts in the staff shell (registered in ``apps.py``):
the menu entry, the front-page card and "what needs me": concerns waiting for the
person's teams, and the person's own drafts and follow-ups."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vern.consultations import selectors
from vern.consultations.models import Concern
from vern.core import shell
from vern.core.models import STAFF_ROLES


def needs(user, municipality, roles, today: date) -> list[shell.NeedsItem]:
    """Per team the person sits on here, the concerns waiting (one item per team); the
    person's own drafts and follow-ups due within a week. Three queries."""
    if municipality is None or not (roles & STAFF_ROLES):
        return []
    app = _("Consultation team")
    items = []
    for team, count in selectors.waiting_counts(user, municipality, today=today):
        if count:
            items.append(
                shell.NeedsItem(
                    label=ngettext(
                        "%(count)d concern waiting for %(team)s",
                        "%(count)d concerns waiting for %(team)s",
                        count,
                    )
                    % {"count": count, "team": team.name},
                    url=reverse("consultations:team_detail", args=[team.pk]),
                    state=shell.WAITING,
                    app=app,
                    count=count,
                )
            )
    for concern in selectors.my_drafts_and_follow_ups(user, today=today):
        if concern.status == Concern.Status.DRAFT:
            items.append(
                shell.NeedsItem(
                    label=_("Draft concern %(ref)s: complete and send it")
                    % {"ref": concern.reference},
                    url=reverse("consultations:concern_draft", args=[concern.pk]),
                    state=shell.WAITING,
                    app=app,
                )
            )
        else:
            items.append(
                shell.NeedsItem(
                    label=_("Follow-up of concern %(ref)s") % {"ref": concern.reference},
                    url=reverse("consultations:concern_detail", args=[concern.pk]),
                    state=shell.OVERDUE if concern.follow_up_on < today else shell.DUE_SOON,
                    app=app,
                    due_on=concern.follow_up_on,
                )
            )
    return items


def register() -> None:
    shell.register_nav(
        label=gettext_lazy("Consultation team"),
        url_name="consultations:overview",
        roles=STAFF_ROLES,
        order=47,
        active_prefix="consultations:overview",
    )
    shell.register_card(
        title=gettext_lazy("Consultation team"),
        description=gettext_lazy(
            "Bring a concern about a child to the interdisciplinary team anonymously, and "
            "follow its advice."
        ),
        url_name="consultations:overview",
        roles=STAFF_ROLES,
        order=47,
    )
    shell.register_needs(needs)
