"""Referrals to directory services, protective orders and release follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vern.core.access import get_scoped_or_404, staff_view
from vern.core.forms import add_errors
from vern.core.pdf import pdf_response, render_pdf
from vern.core.record_access import require_record_access
from vern.directory import selectors as directory
from vern.pathways import services
from vern.pathways.forms import OrderForm, ReferralForm, ReferralStatusForm, ReleaseForm, RiskForm
from vern.pathways.models import Referral, ReleaseFollowUp
from vern.pathways.views.pathways import (
    RECORD_ROLES,
    _simple,
    _today,
    is_coordinator,
    pathway_or_404,
)


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    services_offered = directory.referable_services(request.municipality)
    coordinator = is_coordinator(request)
    form = ReferralForm(
        request.POST or None,
        pathway=pathway,
        services=services_offered,
        can_override=coordinator,
        initial={"area": request.GET.get("omrade")},
    )
    consent = services.active_consent(pathway)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                pathway=pathway,
                actor=request.user,
                service=form.cleaned_data["service"],
                area=form.cleaned_data["area"],
                today=_today(),
                override_reason=form.cleaned_data.get("override_reason", ""),
                actor_is_coordinator=coordinator,
                form_key=form.cleaned_data["form_key"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The referral was recorded."))
            return redirect("pathways:referral_detail", pk=referral.pk)
    return render(
        request,
        "pathways/referral_form.html",
        {"form": form, "pathway": pathway, "consent": consent, "is_coordinator": coordinator},
    )


def _referral(request: HttpRequest, pk: int) -> Referral:
    referral = get_scoped_or_404(
        request, Referral.objects.select_related("pathway", "service"), pk=pk
    )
    require_record_access(request, referral.pathway)
    return referral


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk)
    choices = services.REFERRAL_NEXT.get(referral.status, ())
    form = ReferralStatusForm(request.POST or None)
    form.fields["status"].choices = [(c, Referral.Status(c).label) for c in choices]
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_status(
                referral=referral,
                actor=request.user,
                status=form.cleaned_data["status"],
                today=_today(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The referral's status was saved."))
            return redirect("pathways:referral_detail", pk=referral.pk)
    return render(
        request,
        "pathways/referral_detail.html",
        {
            "referral": referral,
            "pathway": referral.pathway,
            "service": referral.service,
            "form": form if choices else None,
        },
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def referral_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral letter as a tagged PDF, named in the page's language."""
    referral = _referral(request, pk)
    if not referral.needs_referral:
        return redirect("pathways:referral_detail", pk=referral.pk)
    blocks = [block.strip() for block in referral.letter.split("\n\n") if block.strip()]
    html = render_to_string(
        "pathways/pdf/referral.html",
        {
            "referral": referral,
            "municipality": request.municipality,
            "lang": translation.get_language(),
            "sender": blocks[0] if blocks else "",
            "paragraphs": blocks[2:],
        },
    )
    label = pgettext("PDF file name", "referral")
    name = slugify(f"{label} {referral.pathway.number}")
    return pdf_response(render_pdf(html), f"{name}.pdf")


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def order_add(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    form = OrderForm(request.POST or None)
    return _simple(
        request,
        pathway,
        form,
        lambda data: services.order_add(pathway=pathway, actor=request.user, **data),
        _("The protective order was recorded."),
        "pathways/order_form.html",
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def release_open(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    form = ReleaseForm(
        request.POST or None,
        municipality=request.municipality,
        initial={"notice_on": _today(), "responsible": pathway.responsible_id},
    )
    return _simple(
        request,
        pathway,
        form,
        lambda data: services.release_open(
            pathway=pathway, actor=request.user, today=_today(), **data
        ),
        _("The release follow-up was opened with its checklist and deadlines."),
        "pathways/release_form.html",
        {"weeks": services.settings_for(pathway.municipality_id).release_weeks},
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def release_assess(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_scoped_or_404(request, ReleaseFollowUp.objects.select_related("pathway"), pk=pk)
    pathway = follow_up.pathway
    require_record_access(request, pathway)
    initial = {
        "assessed_on": follow_up.assessed_on or timezone.localdate(),
        "police_took_part": follow_up.police_took_part,
        "correctional_took_part": follow_up.correctional_took_part,
        "risk_factors": follow_up.risk_factors,
        "vulnerability": follow_up.vulnerability,
        "measures_considered": follow_up.measures_considered,
        "measures_decided": follow_up.measures_decided,
        "victim_contacted_on": follow_up.victim_contacted_on,
    }
    form = RiskForm(request.POST or None, initial=initial)
    return _simple(
        request,
        pathway,
        form,
        lambda data: services.release_assess(
            follow_up=follow_up, actor=request.user, today=_today(), **data
        ),
        _("The joint risk assessment was saved."),
        "pathways/risk_form.html",
        {"follow_up": follow_up},
    )
