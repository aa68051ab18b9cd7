"""What the directory puts in the staff shell: the menu entry, the front-page card with
its verification count, and the person's entries to verify, proposals to decide and
error reports to handle (registered in ``apps.py``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vern.core import shell
from vern.core.models import Role
from vern.directory import staff_selectors as sel
from vern.directory.models import PendingChange


def _list_url(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def due_card(user, municipality, roles, today: date) -> shell.CardCount:
    viewer = shell.Viewer(user, municipality, frozenset(roles))
    number = sel.due_count(viewer, today=today)
    if number:
        text = ngettext(
            "%(counter)s due or overdue for verification",
            "%(counter)s due or overdue for verification",
            number,
        ) % {"counter": number}
    else:
        text = _("Nothing due for verification.")
    return shell.CardCount(number, text)


def needs(user, municipality, roles, today: date) -> list[shell.NeedsItem]:
    """Entries the person may verify that are overdue, due within the reminder
    window or never verified; and, for the entries' owners, proposals waiting
    for a decision and error reports not yet handled. At most five queries."""
    viewer = shell.Viewer(user, municipality, frozenset(roles))
    app = _("Services")
    items = []
    counts = sel.due_or_overdue(sel.verifiable_services(viewer), today=today).aggregate(
        overdue=Count("pk", filter=Q(verification_due__lt=today)),
        due=Count("pk", filter=Q(verification_due__gte=today)),
        unverified=Count("pk", filter=Q(verification_due__isnull=True)),
    )
    if counts["overdue"]:
        items.append(
            shell.NeedsItem(
                label=ngettext(
                    "%(count)s entry overdue for verification",
                    "%(count)s entries overdue for verification",
                    counts["overdue"],
                )
                % {"count": counts["overdue"]},
                url=_list_url("directory:service_list", frist="overdue"),
                state=shell.OVERDUE,
                app=app,
                count=counts["overdue"],
            )
        )
    if counts["due"]:
        items.append(
            shell.NeedsItem(
                label=ngettext(
                    "%(count)s entry due for verification within %(days)s days",
                    "%(count)s entries due for verification within %(days)s days",
                    counts["due"],
                )
                % {"count": counts["due"], "days": sel.REMIND_DAYS},
                url=_list_url("directory:service_list", frist="due"),
                state=shell.DUE_SOON,
                app=app,
                count=counts["due"],
            )
        )
    if counts["unverified"]:
        items.append(
            shell.NeedsItem(
                label=ngettext(
                    "%(count)s entry never verified",
                    "%(count)s entries never verified",
                    counts["unverified"],
                )
                % {"count": counts["unverified"]},
                url=_list_url("directory:service_list", frist="unverified"),
                state=shell.DUE_SOON,
                app=app,
                count=counts["unverified"],
            )
        )
    if not (roles & (sel.OWNER_ROLES | {Role.NATIONAL})):
        return items
    owned = sel.owned_services(viewer)
    proposals = (
        PendingChange.objects.for_user(viewer.user, municipality=viewer.municipality)
        .filter(service__in=owned, state=PendingChange.State.PENDING)
        .count()
    )
    if proposals:
        items.append(
            shell.NeedsItem(
                label=ngettext(
                    "%(count)s change proposal waits for a decision",
                    "%(count)s change proposals wait for a decision",
                    proposals,
                )
                % {"count": proposals},
                url=_list_url("directory:pending_list"),
                state=shell.WAITING,
                app=app,
                count=proposals,
            )
        )
    reports = sel.error_reports(viewer).filter(service__in=owned, handled_at__isnull=True).count()
    if reports:
        items.append(
            shell.NeedsItem(
                label=ngettext(
                    "%(count)s error report not handled",
                    "%(count)s error reports not handled",
                    reports,
                )
                % {"count": reports},
                url=_list_url("directory:error_report_list"),
                state=shell.WAITING,
                app=app,
                count=reports,
            )
        )
    return items


def register() -> None:
    everyone = set(Role)
    shell.register_nav(
        label=gettext_lazy("Services"),
        url_name="directory:service_list",
        roles=everyone,
        order=30,
        active_prefix="directory:service_list",
    )
    shell.register_card(
        title=gettext_lazy("Services"),
        description=gettext_lazy("The entries of the public guide to help: keep them true."),
        url_name="directory:service_list",
        roles=everyone,
        order=30,
        count=due_card,
    )
    shell.register_needs(needs)
