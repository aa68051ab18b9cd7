"""Staff pages of prevention, and the public programme catalogue.

Partners, agreements, contact people and deliveries can be changed and deleted: each
record is fetched through ``get_scoped_or_404`` (another municipality's answers 404),
deleting asks first (GET shows what goes, POST deletes), and every write goes through
a service that audits it in its transaction."""

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
    UnitGroupsForm,
)
from vern.prevention.models import (
    AGE_GROUPS_BY_KIND,
    Activity,
    Agreement,
    Delivery,
    IntroConversations,
    Partner,
    PartnerContact,
    UnitAgeGroups,
    unit_groups,
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


def _edit_page(request, form, save, *, heading: str, done: str, back: str, back_label: str):
    """A form that changes one record: saved and back, or shown again with its errors."""
    return _handle(request, form, save, done, back) or render(
        request,
        "prevention/form.html",
        {"form": form, "heading": heading, "back": back, "back_label": back_label},
    )


def _delete_page(
    request, delete, *, heading: str, question: str, done: str, back: str, back_label: str
):
    """Deleting asks first: GET shows what goes, POST deletes."""
    if request.method == "POST":
        delete()
        messages.success(request, done)
        return redirect(back)
    return render(
        request,
        "prevention/confirm_delete.html",
        {"heading": heading, "question": question, "back": back, "back_label": back_label},
    )


def _partner_page(partner: Partner) -> str:
    return reverse("prevention:partner_detail", args=[partner.pk])


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
            "deliveries": selectors.deliveries(
                user=request.user, municipality=request.municipality
            ),
        },
    )


@staff_view(personal_data=None, roles=EDITORS)
def delivery_record(request: HttpRequest) -> HttpResponse:
    units, programmes = _delivery_choices(request)
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


def _delivery_choices(request: HttpRequest):
    units = scoped(request, Unit).filter(kind__in=list(AGE_GROUPS_BY_KIND)).order_by("name")
    programmes = selectors.programmes_for(user=request.user, municipality=request.municipality)
    return units, programmes


@staff_view(personal_data=None, roles=EDITORS)
def delivery_edit(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_scoped_or_404(request, Delivery.objects.select_related("unit"), pk=pk)
    units, programmes = _delivery_choices(request)
    form = DeliveryForm(
        request.POST or None,
        units=units,
        programmes=programmes,
        initial={
            "unit": delivery.unit_id,
            "programme": delivery.programme_id,
            "age_group": delivery.age_group,
            "last_delivered_on": delivery.last_delivered_on,
        },
    )
    return _edit_page(
        request,
        form,
        lambda data: services.delivery_update(delivery=delivery, actor=request.user, data=data),
        heading=_("Change the programme delivery"),
        done=_("The delivery is saved."),
        back=reverse("prevention:overview"),
        back_label=_("Prevention"),
    )


@staff_view(personal_data=None, roles=EDITORS)
def delivery_delete(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_scoped_or_404(
        request, Delivery.objects.select_related("unit", "programme"), pk=pk
    )
    return _delete_page(
        request,
        lambda: services.delivery_delete(delivery=delivery, actor=request.user),
        heading=_("Delete the programme delivery?"),
        question=_(
            "Delete that %(programme)s runs for %(group)s at %(unit)s? The coverage is "
            "counted again without it."
        )
        % {
            "programme": delivery.programme.name,
            "group": delivery.get_age_group_display(),
            "unit": delivery.unit.name,
        },
        done=_("The delivery is deleted."),
        back=reverse("prevention:overview"),
        back_label=_("Prevention"),
    )


@staff_view(personal_data=None, roles=EDITORS)
def unit_groups_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_or_404(request, Unit.objects.filter(kind__in=list(AGE_GROUPS_BY_KIND)), pk=pk)
    chosen = scoped(request, UnitAgeGroups).filter(unit=unit).first()
    form = UnitGroupsForm(
        request.POST or None,
        groups=AGE_GROUPS_BY_KIND[unit.kind],
        initial={"age_groups": unit_groups(unit, chosen)},
    )
    return _edit_page(
        request,
        form,
        lambda data: services.unit_groups_set(
            municipality=request.municipality,
            actor=request.user,
            unit=unit,
            age_groups=data["age_groups"],
        ),
        heading=_("Age groups at %(unit)s") % {"unit": unit.name},
        done=_("The age groups are saved."),
        back=reverse("prevention:overview"),
        back_label=_("Prevention"),
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


@staff_view(personal_data=None, roles=EDITORS)
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_scoped_or_404(request, Partner, pk=pk)
    form = PartnerForm(request.POST or None, instance=partner)
    return _edit_page(
        request,
        form,
        lambda data: services.partner_update(partner=partner, actor=request.user, data=data),
        heading=_("Change the partner"),
        done=_("The partner is saved."),
        back=_partner_page(partner),
        back_label=partner.name,
    )


@staff_view(personal_data=None, roles=EDITORS)
def partner_delete(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_scoped_or_404(request, Partner, pk=pk)
    return _delete_page(
        request,
        lambda: services.partner_delete(partner=partner, actor=request.user),
        heading=_("Delete the partner?"),
        question=_(
            "Delete %(name)s? Its agreements, contact people and activities are deleted with it."
        )
        % {"name": partner.name},
        done=_("The partner is deleted."),
        back=reverse("prevention:partner_list"),
        back_label=_("Partnerships"),
    )


@staff_view(personal_data=None, roles=EDITORS)
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_scoped_or_404(request, Agreement.objects.select_related("partner"), pk=pk)
    form = AgreementForm(request.POST or None, instance=agreement)
    return _edit_page(
        request,
        form,
        lambda data: services.agreement_update(agreement=agreement, actor=request.user, data=data),
        heading=_("Change the agreement"),
        done=_("The agreement is saved."),
        back=_partner_page(agreement.partner),
        back_label=agreement.partner.name,
    )


@staff_view(personal_data=None, roles=EDITORS)
def agreement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_scoped_or_404(request, Agreement.objects.select_related("partner"), pk=pk)
    return _delete_page(
        request,
        lambda: services.agreement_delete(agreement=agreement, actor=request.user),
        heading=_("Delete the agreement?"),
        question=_("Delete the agreement “%(title)s” with %(partner)s?")
        % {"title": agreement.title, "partner": agreement.partner.name},
        done=_("The agreement is deleted."),
        back=_partner_page(agreement.partner),
        back_label=agreement.partner.name,
    )


def _activity(request: HttpRequest, pk: int) -> Activity:
    return get_scoped_or_404(request, Activity.objects.select_related("partner"), pk=pk)


@staff_view(personal_data=None, roles=EDITORS)
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    form = ActivityForm(request.POST or None, instance=activity)
    return _edit_page(
        request,
        form,
        lambda data: services.activity_update(activity=activity, actor=request.user, data=data),
        heading=_("Change the activity"),
        done=_("The activity is saved."),
        back=_partner_page(activity.partner),
        back_label=activity.partner.name,
    )


@staff_view(personal_data=None, roles=EDITORS)
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    return _delete_page(
        request,
        lambda: services.activity_delete(activity=activity, actor=request.user),
        heading=_("Delete the activity?"),
        question=_("Delete the activity “%(title)s” with %(partner)s?")
        % {"title": activity.title, "partner": activity.partner.name},
        done=_("The activity is deleted."),
        back=_partner_page(activity.partner),
        back_label=activity.partner.name,
    )


def _contact(request: HttpRequest, pk: int) -> PartnerContact:
    return get_scoped_or_404(request, PartnerContact.objects.select_related("partner"), pk=pk)


@staff_view(personal_data="prevention.partnercontact", roles=EDITORS)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    form = ContactForm(request.POST or None, instance=contact)
    return _edit_page(
        request,
        form,
        lambda data: services.contact_update(contact=contact, actor=request.user, data=data),
        heading=_("Change the contact person"),
        done=_("The contact is saved."),
        back=_partner_page(contact.partner),
        back_label=contact.partner.name,
    )


@staff_view(personal_data="prevention.partnercontact", roles=EDITORS)
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    return _delete_page(
        request,
        lambda: services.contact_delete(contact=contact, actor=request.user),
        heading=_("Remove contact person"),
        question=_("Remove %(name)s as a contact person?") % {"name": contact.name},
        done=_("The contact is removed."),
        back=_partner_page(contact.partner),
        back_label=contact.partner.name,
    )
