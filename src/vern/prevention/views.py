"""Staff pages of prevention, and the public programme catalogue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vern.core.access import get_scoped_or_404, scoped, staff_view
from vern.core.forms import add_errors
from vern.core.models import STAFF_ROLES, Role, Unit
from vern.prevention import selectors, services
from vern.prevention.forms import (
    ActivityForm,
    AgreementForm,
    ContactForm,
    DeliveryForm,
    IntroForm,
    PartnerForm,
    ProgrammeForm,
)
from vern.prevention.models import (
    AGE_GROUPS_BY_KIND,
    IntroConversations,
    Partner,
    PartnerContact,
)

EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})


def _handle(request, form, save, done: str, target: str):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(target)
    return None


@require_safe
def programme_catalogue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "prevention/public_programmes.html",
        {"programmes": selectors.public_programmes()},
    )


@staff_view(personal_data=None, roles=STAFF_ROLES)
def overview(request: HttpRequest) -> HttpResponse:
    rows, groups, gaps = selectors.coverage_matrix(
        user=request.user, municipality=request.municipality, today=timezone.localdate()
    )
    return render(
        request,
        "prevention/overview.html",
        {
            "rows": rows,
            "groups": groups,
            "gaps": gaps,
            "fresh_days": selectors.FRESH_DAYS,
            "can_edit": bool(request.roles & EDITORS),
        },
    )


@staff_view(personal_data=None, roles=EDITORS)
def delivery_record(request: HttpRequest) -> HttpResponse:
    units = scoped(request, Unit).filter(kind__in=list(AGE_GROUPS_BY_KIND)).order_by("name")
    programmes = selectors.programmes_for(user=request.user, municipality=request.municipality)
    form = DeliveryForm(request.POST or None, units=units, programmes=programmes)
    done = _handle(
        request,
        form,
        lambda data: services.delivery_save(
            municipality=request.municipality, actor=request.user, **data
        ),
        _("The delivery is recorded."),
        reverse("prevention:overview"),
    )
    return done or render(
        request,
        "prevention/form.html",
        {
            "form": form,
            "heading": _("Record a programme delivery"),
            "back": reverse("prevention:overview"),
        },
    )


@staff_view(personal_data=None, roles=EDITORS)
def programme_create(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    done = _handle(
        request,
        form,
        lambda data: services.programme_create(
            municipality=request.municipality, actor=request.user, data=data
        ),
        _("The programme is added to the catalogue."),
        reverse("prevention:overview"),
    )
    return done or render(
        request,
        "prevention/form.html",
        {
            "form": form,
            "heading": _("Add the municipality's own programme"),
            "back": reverse("prevention:overview"),
        },
    )


@staff_view(personal_data=None, roles=STAFF_ROLES)
def intro_conversations(request: HttpRequest) -> HttpResponse:
    can_edit = bool(request.roles & EDITORS)
    today = timezone.localdate()
    form = IntroForm(
        request.POST or None,
        initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1},
    )
    if request.method == "POST" and not can_edit:
        return HttpResponse(status=403)
    done = _handle(
        request,
        form,
        lambda data: services.intro_set(
            municipality=request.municipality, actor=request.user, **data
        ),
        _("The figures are saved."),
        reverse("prevention:intro"),
    )
    if done:
        return done
    rows = scoped(request, IntroConversations)[:12]
    return render(
        request,
        "prevention/intro.html",
        {"rows": rows, "form": form, "can_edit": can_edit},
    )


@staff_view(personal_data=None, roles=STAFF_ROLES)
def partner_list(request: HttpRequest) -> HttpResponse:
    can_edit = bool(request.roles & EDITORS)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and not can_edit:
        return HttpResponse(status=403)
    created = {}
    done = _handle(
        request,
        form,
        lambda data: created.setdefault(
            "partner",
            services.partner_create(
                municipality=request.municipality, actor=request.user, data=data
            ),
        ),
        _("The partner is added."),
        reverse("prevention:partner_list"),
    )
    if done:
        return redirect("prevention:partner_detail", created["partner"].pk)
    today = timezone.localdate()
    partners = scoped(request, Partner).prefetch_related("agreements")
    return render(
        request,
        "prevention/partner_list.html",
        {"partners": partners, "form": form, "can_edit": can_edit, "today": today},
    )


@staff_view(personal_data="prevention.partnercontact", roles=STAFF_ROLES)
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_scoped_or_404(request, Partner, pk=pk)
    can_edit = bool(request.roles & EDITORS)
    forms = {
        "contact": ContactForm(prefix="contact"),
        "agreement": AgreementForm(prefix="agreement"),
        "activity": ActivityForm(prefix="activity"),
    }
    savers = {
        "contact": (ContactForm, services.contact_create, _("The contact is added.")),
        "agreement": (AgreementForm, services.agreement_create, _("The agreement is added.")),
        "activity": (ActivityForm, services.activity_create, _("The activity is recorded.")),
    }
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        kind = request.POST.get("kind", "")
        if kind in savers:
            form_class, save, done_text = savers[kind]
            form = form_class(request.POST, prefix=kind)
            forms[kind] = form
            done = _handle(
                request,
                form,
                lambda data: save(partner=partner, actor=request.user, data=data),
                done_text,
                reverse("prevention:partner_detail", args=[partner.pk]),
            )
            if done:
                return done
    return render(
        request,
        "prevention/partner_detail.html",
        {
            "partner": partner,
            "contacts": partner.contacts.all(),
            "agreements": partner.agreements.all(),
            "activities": partner.activities.all()[:50],
            "forms": forms,
            "can_edit": can_edit,
            "today": timezone.localdate(),
        },
    )


@staff_view(personal_data="prevention.partnercontact", roles=EDITORS)
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(request, PartnerContact.objects.select_related("partner"), pk=pk)
    if request.method == "POST":
        partner_id = contact.partner_id
        services.contact_delete(contact=contact, actor=request.user)
        messages.success(request, _("The contact is removed."))
        return redirect("prevention:partner_detail", partner_id)
    return render(request, "prevention/contact_delete.html", {"contact": contact})
