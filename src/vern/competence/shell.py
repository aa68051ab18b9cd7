"""What competence puts in the staff shell (registered in ``apps.py``): the menu entry,
the front-page card, and for coordinators and administrators the courses whose
front-line staff have training running out within 30 days."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vern.core import shell
from vern.core.models import STAFF_ROLES, Role

OWNERS = frozenset({Role.ADMIN, Role.COORDINATOR})


def needs(user, municipality, roles, today: date) -> list[shell.NeedsItem]:
    """One item per course with staff whose latest completion runs out within 30 days
    (coordinators and administrators). One query."""
    if municipality is None or not (roles & OWNERS):
        return []
    from vern.competence.models import Completion

    horizon = today + timedelta(days=30)
    latest = (
        Completion.objects.for_user(user, municipality=municipality)
        .filter(
            course__active=True,
            course__validity_months__isnull=False,
            employee__active=True,
            employee__front_line=True,
        )
        .values("employee", "course", "course__title")
        .annotate(last=Max("expires_on"))
        .filter(last__gte=today, last__lte=horizon)
    )
    courses: dict[int, dict] = {}
    for row in latest:
        entry = courses.setdefault(
            row["course"], {"title": row["course__title"], "n": 0, "first": row["last"]}
        )
        entry["n"] += 1
        entry["first"] = min(entry["first"], row["last"])
    items = []
    for pk, entry in sorted(courses.items(), key=lambda item: item[1]["first"]):
        items.append(
            shell.NeedsItem(
                label=_("%(course)s: training runs out for %(count)s")
                % {"course": entry["title"], "count": entry["n"]},
                url=reverse("competence:employee_list") + f"?kurs={pk}&status=expiring",
                state=shell.DUE_SOON,
                app=_("Competence"),
                due_on=entry["first"],
                count=entry["n"],
            )
        )
    return items


def register() -> None:
    shell.register_nav(
        label=gettext_lazy("Competence"),
        url_name="competence:overview",
        roles=STAFF_ROLES,
        order=35,
        active_prefix="competence:overview",
    )
    shell.register_card(
        title=gettext_lazy("Competence"),
        description=gettext_lazy(
            "Training in the duties per unit, courses, professional days and the duty guide "
            "for staff and volunteers."
        ),
        url_name="competence:overview",
        roles=STAFF_ROLES,
        order=35,
    )
    shell.register_needs(needs)
