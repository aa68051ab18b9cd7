"""Staff pages for the pages that explain, under /ansatt/tjenester/sider/.

A municipality's directory owners (administrators and coordinators) write
their own version of a topic in a language, starting from the national text,
change it and remove it again (its residents then see the national version).
National editors keep the national versions. Edits are versioned (a save
based on an old version is refused and shown again) and audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vern.core import versioning
from vern.core.access import get_scoped_or_404, scoped, staff_view
from vern.core.forms import add_errors
from vern.core.models import Role
from vern.directory import services
from vern.directory import staff_selectors as sel
from vern.directory.forms import GuidePageForm
from vern.directory.guide_pages import FALLBACK, languages
from vern.directory.languages import language_label
from vern.directory.models import GuidePage

EDITORS = {"roles": sel.OWNER_ROLES | {Role.NATIONAL}, "needs_municipality": False}


def _owner(request: HttpRequest):
    """Whose versions the person writes: their municipality's, or (for a national
    editor acting without one) the national ones, ``None``."""
    if request.municipality is not None and request.roles & sel.OWNER_ROLES:
        return request.municipality
    if Role.NATIONAL in request.roles:
        return None
    raise PermissionDenied


@staff_view(personal_data=None, **EDITORS)
def page_list(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    national = {(p.slug, p.language): p for p in GuidePage.objects.filter(owner__isnull=True)}
    own = {}
    if owner is not None:
        own = {(p.slug, p.language): p for p in scoped(request, GuidePage).filter(owner=owner)}
    rows = []
    for slug, label in GuidePage.Topic.choices:
        cells = []
        for language in languages():
            cells.append(
                {
                    "language": language,
                    "label": language_label(language),
                    "national": national.get((slug, language)),
                    "own": own.get((slug, language)) if owner is not None else None,
                }
            )
        rows.append({"slug": slug, "label": label, "cells": cells})
    return render(
        request,
        "directory/staff/page_list.html",
        {"rows": rows, "owner": owner, "national_editor": owner is None},
    )


def _form_page(request: HttpRequest, page: GuidePage, *, creating: bool) -> HttpResponse:
    form = GuidePageForm(request.POST or None, instance=page)
    stale_changes = None
    if request.method == "POST" and form.is_valid():
        try:
            services.guide_page_save(
                page=form.instance,
                actor=request.user,
                **({} if creating else versioning.seen_from(form)),
            )
        except versioning.StaleVersion as stale:
            stale_changes = versioning.renew_form(form, stale)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The page was saved."))
            return redirect("directory:page_list")
    return render(
        request,
        "directory/staff/page_form.html",
        {
            "form": form,
            "page": page,
            "creating": creating,
            "topic": page.get_slug_display(),
            "language_name": language_label(page.language),
            "stale_changes": stale_changes,
        },
    )


@staff_view(personal_data=None, **EDITORS)
def page_create(request: HttpRequest) -> HttpResponse:
    """A new version of ``?side=<topic>&sprak=<language>``, starting from the
    national text in that language (or in bokmål)."""
    owner = _owner(request)
    slug, language = request.GET.get("side", ""), request.GET.get("sprak", "")
    if slug not in GuidePage.Topic.values or language not in languages():
        raise Http404
    mine = scoped(request, GuidePage) if owner is not None else GuidePage.objects.all()
    existing = mine.filter(owner=owner, slug=slug, language=language).first()
    if existing is not None:
        return redirect("directory:page_edit", pk=existing.pk)
    start = (
        GuidePage.objects.filter(owner__isnull=True, slug=slug, language=language).first()
        or GuidePage.objects.filter(owner__isnull=True, slug=slug, language=FALLBACK).first()
    )
    page = GuidePage(owner=owner, slug=slug, language=language)
    if start is not None:
        for name in services.pages.PAGE_FIELDS:
            setattr(page, name, getattr(start, name))
    return _form_page(request, page, creating=True)


@staff_view(personal_data=None, **EDITORS)
def page_edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = get_scoped_or_404(request, GuidePage, pk=pk)
    if page.owner_id != getattr(_owner(request), "pk", None):
        raise PermissionDenied
    return _form_page(request, page, creating=False)


@staff_view(personal_data=None, **EDITORS)
def page_delete(request: HttpRequest, pk: int) -> HttpResponse:
    page = get_scoped_or_404(request, GuidePage, pk=pk)
    if page.owner_id is None or page.owner_id != getattr(_owner(request), "pk", None):
        raise PermissionDenied
    if request.method == "POST":
        services.guide_page_delete(page=page, actor=request.user)
        messages.success(
            request, _("Your version was removed. Residents now see the national page.")
        )
        return redirect("directory:page_list")
    return render(
        request,
        "directory/staff/page_delete.html",
        {"page": page, "language_name": language_label(page.language)},
    )
