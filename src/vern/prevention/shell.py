"""What prevention puts in the staff shell (registered in ``apps.py``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vern.core import shell
from vern.core.models import STAFF_ROLES, Role

OWNERS = frozenset({Role.ADMIN, Role.COORDINATOR})


def needs(user, municipality, roles, today: date) -> list[shell.NeedsItem]:
    """Partnership agreements ending within 60 days (coordinators, administrators). One query."""
    if municipality is None or not (roles & OWNERS):
        return []
    from vern.prevention.models import Agreement

    ending = (
        Agreement.objects.for_user(user, municipality=municipality)
        .select_related("partner")
        .filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=60))
    )
    return [
        shell.NeedsItem(
            label=_("Agreement with %(partner)s ends") % {"partner": agreement.partner.name},
            url=reverse("prevention:partner_detail", args=[agreement.partner_id]),
            state=shell.DUE_SOON,
            app=_("Prevention"),
            due_on=agreement.ends_on,
        )
        for agreement in ending
    ]


def register() -> None:
    shell.register_nav(
        label=gettext_lazy("Prevention"),
        url_name="prevention:overview",
        roles=STAFF_ROLES,
        order=37,
        active_prefix="prevention:overview",
    )
    shell.register_card(
        title=gettext_lazy("Prevention"),
        description=gettext_lazy(
            "Programmes in kindergartens and schools, conversations in the introduction "
            "programme, and partnerships with civil society."
        ),
        url_name="prevention:overview",
        roles=STAFF_ROLES,
        order=37,
    )
    shell.register_needs(needs)
