from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vern.core import services
from vern.core.access import ALL_ROLES, staff_view
from vern.core.models import Role
from vern.core.selectors import notifications_for

# Everyone who can receive a notice: organisation editors are reminded of
# their entries, national editors of national ones.
RECIPIENT_ROLES = ALL_ROLES | {Role.NATIONAL, Role.ORG_EDITOR}
PAGE_SIZE = 50


@staff_view(personal_data=None, roles=RECIPIENT_ROLES, needs_municipality=False)
def notification_list(request: HttpRequest) -> HttpResponse:
    # Every notice the person has, a page at a time, instead of only the newest hundred.
    page = Paginator(
        notifications_for(request.user, request.municipality).order_by("-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("side"))
    return render(
        request, "core/notifications/list.html", {"notifications": list(page), "page": page}
    )


@require_POST
@staff_view(personal_data=None, roles=RECIPIENT_ROLES, needs_municipality=False)
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read; its id comes in the form (a URL without one).

    Back to the list, or to the front page when the form came from there
    (``back=dashboard``; no other value is followed).
    """
    try:
        pk = int(request.POST.get("notification", ""))
    except ValueError:
        raise Http404 from None
    marked = services.notification_mark_read(
        user=request.user, municipality=request.municipality, pk=pk
    )
    # Someone else's or another municipality's: 404, like a missing one.
    if not marked and not notifications_for(request.user, request.municipality).filter(pk=pk):
        raise Http404
    if request.POST.get("back") == "dashboard":
        return redirect("core:dashboard")
    return redirect("core:notification_list")
