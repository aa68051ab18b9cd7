from __future__ import annotations

import hashlib
import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vern.audit import presentation
from vern.audit.forms import AuditFilterForm
from vern.audit.models import AuditEntry
from vern.audit.selectors import audit_entries_for_admin
from vern.audit.services import log_action
from vern.core.access import get_scoped_or_404, staff_view
from vern.core.models import Role

PAGE_SIZE = 50
# The searches already recorded in this session (digests), newest last.
SESSION_SEARCHES = "vern_audit_searches"
REMEMBERED_SEARCHES = 50


@staff_view(personal_data="audit.auditentry", roles={Role.ADMIN}, unit_roles=False)
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    search = form.search()
    entries = audit_entries_for_admin(
        user=request.user, municipality=request.municipality, **search
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("side"))
    shown = presentation.label_entries(list(page.object_list))
    # After reading the page: this search's own entry shows from the next view on.
    _log_search(request, search)
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "entries": shown,
            "query": query.urlencode(),
        },
    )


def _log_search(request: HttpRequest, search: dict) -> None:
    """One audit entry per search: the first time in a session a set of filters is shown.

    Turning pages of the same search, or coming back to it, adds nothing; a new
    filter (or the same one in a new session) is a new entry, holding the
    filters. ``staff_view`` writes no read entry of its own for this view.
    """
    digest = hashlib.sha256(
        json.dumps([request.municipality.pk, search], sort_keys=True).encode()
    ).hexdigest()[:32]
    seen = request.session.get(SESSION_SEARCHES, [])
    if digest not in seen:
        log_action(
            actor=request.user,
            action="read",
            code="audit.log.search",
            object_type="audit.auditentry",
            municipality=request.municipality,
            detail={"filters": search},
        )
        request.session[SESSION_SEARCHES] = [*seen, digest][-REMEMBERED_SEARCHES:]
    request.vern_read_logged = True


@staff_view(personal_data="audit.auditentry", roles={Role.ADMIN}, unit_roles=False)
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_scoped_or_404(request, AuditEntry.objects.select_related("actor"), pk=pk)
    return render(
        request,
        "audit/detail.html",
        {
            "entry": entry,
            "label": presentation.code_label(entry.code),
            "object_label": presentation.object_label(entry.object_type),
            "rows": presentation.detail_rows(
                entry, viewer=request.user, municipality=request.municipality
            ),
        },
    )
