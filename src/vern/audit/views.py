from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vern.audit.forms import AuditFilterForm
from vern.audit.models import AuditEntry
from vern.audit.selectors import audit_entries_for_admin
from vern.core.access import get_scoped_or_404, staff_view
from vern.core.models import Role, User

PAGE_SIZE = 50


@staff_view(personal_data="audit.auditentry", roles={Role.ADMIN})
def entry_list(request: HttpRequest) -> HttpResponse:
    actors = User.objects.filter(memberships__municipality=request.municipality).distinct()
    form = AuditFilterForm(request.GET or None, actors=actors)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "action": data["action"],
            "code": data["code"],
            "actor_id": data["actor"].pk if data["actor"] else None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    entries = audit_entries_for_admin(
        user=request.user, municipality=request.municipality, **filters
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@staff_view(personal_data="audit.auditentry", roles={Role.ADMIN})
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_scoped_or_404(request, AuditEntry.objects.select_related("actor"), pk=pk)
    return render(request, "audit/detail.html", {"entry": entry})
