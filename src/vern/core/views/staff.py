from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vern.core import shell
from vern.core.access import ALL_ROLES, staff_view
from vern.core.middleware import SESSION_KEY
from vern.core.models import Membership, Role
from vern.core.selectors import notifications_for

# The newest unread notifications shown on the front page; the rest are one click away.
DASHBOARD_NOTIFICATIONS = 5


@staff_view(
    personal_data=None,
    roles=ALL_ROLES | {Role.NATIONAL, Role.ORG_EDITOR},
    needs_municipality=False,
)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The front page: what needs the person, their unread notifications, and a
    card per app they may use (needs and cards from the staff shell's registry,
    ``core/shell.py``)."""
    municipalities = (
        Membership.objects.for_self(request.user)
        .filter(municipality__isnull=False)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    choices = {m.municipality_id: m.municipality for m in municipalities}
    today = timezone.localdate()
    viewer = shell.Viewer.of(request)
    needs = shell.needs_for(viewer, today=today)
    unread = notifications_for(request.user, request.municipality, unread_only=True)
    return render(
        request,
        "core/dashboard.html",
        {
            "municipality_choices": list(choices.values()),
            "cards": shell.cards_for(viewer, today=today),
            "needs": needs,
            "needs_total": sum(item.count for item in needs),
            "needs_overdue": sum(item.count for item in needs if item.state == shell.OVERDUE),
            "notifications": list(unread[:DASHBOARD_NOTIFICATIONS]),
            "notifications_unread": unread.count(),
        },
    )


@require_POST
@staff_view(personal_data=None)
def switch_municipality(request: HttpRequest) -> HttpResponse:
    """Make another of the user's municipalities the active one.

    An id the user is not a member of is ignored; the middleware never trusts
    the session value on its own.
    """
    try:
        wanted = int(request.POST.get("municipality", ""))
    except ValueError:
        wanted = None
    if Membership.objects.for_self(request.user).filter(municipality_id=wanted).exists():
        request.session[SESSION_KEY] = wanted
    return redirect("core:dashboard")
