"""What ``vern tick`` does for pathways: warn the coordinators before a protective
order ends, so that renewal is considered in time. Step deadlines and their
escalation are the routine engine's (``core.routines.send_step_notices``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from vern.core import routines
from vern.core.dates import long_date
from vern.core.models import Role
from vern.pathways import selectors
from vern.pathways.models import ProtectiveOrder
from vern.pathways.services import settings_for

TICK = "vern tick: protective orders ending soon"


def warn_orders_ending(*, today: date) -> int:
    """One notice per order and end date to the municipality's coordinators."""
    timings: dict[int, int] = {}

    def build(order: ProtectiveOrder) -> routines.Notice | None:
        municipality_id = order.municipality_id
        if municipality_id not in timings:
            timings[municipality_id] = settings_for(municipality_id).order_warning_days
        if order.ends_on > today + timedelta(days=timings[municipality_id]):
            return None
        link = settings.VERN_BASE_URL.rstrip("/") + reverse(
            "pathways:pathway_detail", args=[order.pathway_id]
        )
        with translation.override(settings.LANGUAGE_CODE):
            ends = long_date(order.ends_on)
            kind = str(order.get_type_display())
        subject, body = routines.compose(
            "pathways/mail/order_ending.txt",
            {
                "order": order,
                "kind": kind,
                "ends": ends,
                "link": link,
                "days": (order.ends_on - today).days,
            },
            _("%(kind)s on pathway %(number)s ends %(date)s"),
            kind=kind,
            number=order.pathway.number,
            date=ends,
        )
        ends_on, warned = order.ends_on, order.warned_for
        scope = ProtectiveOrder.objects.for_system(reason=TICK)
        return routines.Notice(
            target=order,
            code="pathways.order.warned",
            recipients=routines.members(municipality_id, [Role.COORDINATOR])
            or routines.members(municipality_id, [Role.ADMIN]),
            subject=subject,
            body=body,
            link=link,
            municipality_id=municipality_id,
            claim=lambda: scope.filter(
                Q(warned_for__isnull=True) | ~Q(warned_for=ends_on), pk=order.pk, ends_on=ends_on
            ).update(warned_for=ends_on),
            release=lambda: scope.filter(pk=order.pk, warned_for=ends_on).update(warned_for=warned),
            detail={"type": order.type, "ends": ends_on.isoformat()},
        )

    return routines.run_notices(
        selectors.orders_to_warn(today=today), build, job="warn_orders_ending"
    )
