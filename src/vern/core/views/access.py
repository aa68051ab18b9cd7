"""The reason form (break-the-glass, reason_required pages) and "who has opened this"."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from vern.core import record_access
from vern.core.access import get_scoped_or_404, scoped, scoped_to_units, staff_view
from vern.core.models import AccessListed, Role


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Say what you need the information for. The reason is stored in the audit log "
            "with your name."
        ),
        min_length=record_access.REASON_MIN_LENGTH,
        max_length=record_access.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write a reason before you go on."),
            "min_length": _(
                "The reason must be at least %(limit_value)d characters, so that others "
                "can understand it later."
            ),
            "max_length": _("The reason can be at most %(limit_value)d characters."),
        },
    )


def _access_listed_model(label: str):
    """The model of an access-listed record type, or 404."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not issubclass(model, AccessListed):
        raise Http404
    return model


def _next_view(path: str):
    try:
        return resolve(path).func
    except Resolver404:
        raise Http404 from None


@staff_view(personal_data=None)
def state_reason(request: HttpRequest) -> HttpResponse:
    """Ask why the person needs a record or page, then send them there.

    ``for`` is either ``record:<type>:<id>`` (break-the-glass on an
    access-listed record) or ``page:<path>`` (a ``reason_required`` page, whose
    path must be ``neste``'s). Stating a reason grants nothing by itself: the
    page checks access again and writes the reason into its read entry.
    """
    key = request.GET.get("for", "")
    next_url = request.GET.get("neste", "")
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        raise Http404
    next_view = _next_view(urlsplit(next_url).path)
    question = ""
    if key.startswith("record:"):
        parts = key.split(":")
        if len(parts) != 3 or not parts[2]:
            raise Http404
        _access_listed_model(parts[1])
        break_glass = True
    elif key == f"page:{urlsplit(next_url).path}" and getattr(
        next_view, "vern_reason_required", False
    ):
        break_glass = False
        question = getattr(next_view, "vern_reason_question", "")
    else:
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_access.state_reason(request, key, form.cleaned_data["reason"])
        return redirect(next_url)
    return render(
        request,
        "core/access/reason.html",
        {"form": form, "break_glass": break_glass, "question": question, "next_url": next_url},
    )


@staff_view(
    personal_data="audit.auditentry", roles={Role.COORDINATOR, Role.ADMIN}, unit_scoped=True
)
def record_openers(request: HttpRequest, record_type: str, record_id: str) -> HttpResponse:
    """Who has opened one access-listed record, from the audit log (coordinators;
    administrators, who may read the whole log, too)."""
    model = _access_listed_model(record_type)
    records = scoped(request, model)
    if hasattr(model, "unit_field"):
        records = scoped_to_units(request, records)
    try:
        record = get_scoped_or_404(request, records, pk=record_id)
    except (ValueError, ValidationError):
        raise Http404 from None
    openers = record_access.record_openers(
        municipality=request.municipality, record_type=record_type, record_id=record.pk
    )
    return render(
        request,
        "core/access/openers.html",
        {"record": record, "openers": openers, "record_type": model._meta.verbose_name},
    )
