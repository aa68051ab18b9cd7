"""Staff pages of one pathway: open, details, consent, assessment, delivery, close.

Every page of a pathway is for the people on its access list; a coordinator
who is not on it states a reason first (``require_record_access``), and
everyone else gets 404, as for a pathway of another municipality.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.core import versioning
from vern.core.access import get_scoped_or_404, scoped, staff_view
from vern.core.forms import add_errors
from vern.core.models import Role
from vern.core.record_access import require_record_access
from vern.pathways import selectors, services
from vern.pathways.forms import (
    AssessmentForm,
    CloseForm,
    ConsentForm,
    ContactForm,
    DeliveryForm,
    LinkForm,
    PathwayEditForm,
    PathwayOpenForm,
    PersonForm,
)
from vern.pathways.models import DeliveryStep, Need, Pathway
from vern.pathways.models.pathway import Area

ROLES = {Role.CASE_WORKER, Role.COORDINATOR}
# Pages of one pathway: an administrator passes the role check only to be refused
# by the access list like anyone not on it (404, as for another municipality's
# pathway); only case workers and coordinators are ever put on a pathway.
RECORD_ROLES = {*ROLES, Role.ADMIN}


def pathway_or_404(request: HttpRequest, pk: int) -> Pathway:
    """The pathway of the active municipality that this person may open, or 404."""
    pathway = get_scoped_or_404(request, Pathway.objects.select_related("responsible"), pk=pk)
    require_record_access(request, pathway)
    return pathway


def is_coordinator(request: HttpRequest) -> bool:
    return Role.COORDINATOR in request.roles


def _today():
    return timezone.localdate()


@staff_view(personal_data="pathways.pathway", roles=ROLES)
def pathway_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("vis", "open")
    pathways = selectors.pathways_for(
        request.user, municipality=request.municipality, roles=request.roles
    ).select_related("responsible")
    pathways = pathways.open() if show != "closed" else pathways.filter(closed_at__isnull=False)
    page = Paginator(pathways.order_by("-opened_on", "-pk"), selectors.PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "pathways/pathway_list.html",
        {
            "page": page,
            "show": show,
            "mine": selectors.listed_ids(request.user, request.municipality),
            "is_coordinator": is_coordinator(request),
        },
    )


@staff_view(personal_data=None, roles=ROLES)
def pathway_open(request: HttpRequest) -> HttpResponse:
    form = PathwayOpenForm(
        request.POST or None,
        municipality=request.municipality,
        initial={"responsible": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pathway = services.pathway_open(
                municipality=request.municipality,
                actor=request.user,
                today=_today(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The pathway was opened. Its deadlines are set."))
            return redirect("pathways:pathway_detail", pk=pathway.pk)
    return render(request, "pathways/pathway_open.html", {"form": form})


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def pathway_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    view = selectors.pathway_view(pathway)
    today = _today()
    steps = [
        {
            "step": step,
            "note": selectors.step_note(step),
            "overdue": step.done_at is None and step.due_on < today,
        }
        for step in view.steps
    ]
    return render(
        request,
        "pathways/pathway_detail.html",
        {
            "pathway": pathway,
            "view": view,
            "steps": steps,
            "today": today,
            "is_coordinator": is_coordinator(request),
            "needed": [n for n in view.needs if n.assessment == Need.Assessment.NEEDED],
            "openers_url": reverse("core:record_openers", args=["pathways.pathway", pathway.pk]),
        },
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def pathway_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    form = PathwayEditForm(request.POST or None, municipality=request.municipality, pathway=pathway)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.pathway_update(
                pathway=pathway,
                actor=request.user,
                **versioning.seen_from(form),
                **{name: form.cleaned_data[name] for name in services.PATHWAY_FIELDS},
            )
        except versioning.StaleVersion as exc:
            stale = versioning.renew_form(form, exc)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The pathway was saved."))
            return redirect("pathways:pathway_detail", pk=pathway.pk)
    return render(
        request,
        "pathways/pathway_edit.html",
        {"form": form, "pathway": pathway, "stale_changes": stale},
    )


def _simple(request, pathway, form, call, success, template, extra=None) -> HttpResponse:
    """Validate ``form``, run ``call(data)``, say ``success`` and go back to the pathway."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("pathways:pathway_detail", pk=pathway.pk)
    return render(request, template, {"form": form, "pathway": pathway, **(extra or {})})


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def first_contact(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    form = ContactForm(request.POST or None, initial={"on": _today()})
    return _simple(
        request,
        pathway,
        form,
        lambda data: services.first_contact_record(
            pathway=pathway, actor=request.user, on=data["on"], today=_today()
        ),
        _("The first contact was recorded."),
        "pathways/contact_form.html",
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    form = ConsentForm(request.POST or None, pathway=pathway, initial={"given_on": _today()})
    return _simple(
        request,
        pathway,
        form,
        lambda data: services.consent_record(
            pathway=pathway, actor=request.user, today=_today(), **data
        ),
        _("The consent was recorded."),
        "pathways/consent_form.html",
        {"current": services.active_consent(pathway)},
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    if request.method == "POST":
        services.consent_withdraw(pathway=pathway, actor=request.user, today=_today())
        messages.success(request, _("The consent was withdrawn."))
        return redirect("pathways:pathway_detail", pk=pathway.pk)
    return render(
        request,
        "pathways/consent_withdraw.html",
        {"pathway": pathway, "current": services.active_consent(pathway)},
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    """All need areas on one page; the areas given an answer are saved."""
    pathway = pathway_or_404(request, pk)
    needs = list(pathway.needs.all())
    forms = [
        (
            need,
            AssessmentForm(
                request.POST or None,
                prefix=need.area,
                initial={
                    "assessment": ""
                    if need.assessment == Need.Assessment.PENDING
                    else need.assessment,
                    "note": need.note,
                },
            ),
        )
        for need in needs
    ]
    if request.method == "POST" and all(form.is_valid() for _need, form in forms):
        changes = [
            (need, form.cleaned_data)
            for need, form in forms
            if form.cleaned_data["assessment"]
            and (
                form.cleaned_data["assessment"] != need.assessment
                or form.cleaned_data["note"] != need.note
            )
        ]
        try:
            for need, data in changes:
                services.need_assess(
                    pathway=pathway,
                    actor=request.user,
                    area=need.area,
                    assessment=data["assessment"],
                    note=data["note"],
                    today=_today(),
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Assessments saved: %(count)d.") % {"count": len(changes)})
            return redirect("pathways:pathway_detail", pk=pathway.pk)
    return render(request, "pathways/assess_form.html", {"pathway": pathway, "forms": forms})


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def delivery_add(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    needed = [n.area for n in pathway.needs.all() if n.assessment == Need.Assessment.NEEDED]
    area = request.GET.get("omrade")
    form = DeliveryForm(
        request.POST or None,
        pathway=pathway,
        needed=needed,
        initial={"area": area, "person": pathway.responsible_id},
    )
    return _simple(
        request,
        pathway,
        form,
        lambda data: services.delivery_add(
            pathway=pathway, actor=request.user, today=_today(), **data
        ),
        _("The delivery step was added with its deadline."),
        "pathways/delivery_form.html",
        {"needed": needed},
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def delivery_done(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_scoped_or_404(
        request, DeliveryStep.objects.select_related("pathway", "need", "step"), pk=pk
    )
    pathway = delivery.pathway
    require_record_access(request, pathway)
    if request.method == "POST":
        try:
            services.delivery_done(delivery=delivery, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The delivery step is marked as done."))
        return redirect("pathways:pathway_detail", pk=pathway.pk)
    return render(
        request, "pathways/delivery_done.html", {"pathway": pathway, "delivery": delivery}
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def pathway_close(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    form = CloseForm(request.POST or None)
    return _simple(
        request,
        pathway,
        form,
        lambda data: services.pathway_close(
            pathway=pathway, actor=request.user, outcome=data["outcome"], note=data["note"]
        ),
        _("The pathway was closed."),
        "pathways/close_form.html",
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def pathway_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    if request.method == "POST":
        try:
            services.pathway_reopen(pathway=pathway, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The pathway was reopened."))
        return redirect("pathways:pathway_detail", pk=pathway.pk)
    return render(request, "pathways/reopen.html", {"pathway": pathway})


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def pathway_people(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = pathway_or_404(request, pk)
    form = PersonForm(
        request.POST if request.POST.get("action") == "add" else None,
        municipality=request.municipality,
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "add":
                if form.is_valid():
                    services.person_add(
                        pathway=pathway, actor=request.user, user=form.cleaned_data["user"]
                    )
                    messages.success(request, _("The person was put on the pathway."))
                    return redirect("pathways:pathway_people", pk=pathway.pk)
            elif request.POST.get("action") == "remove":
                person = form.fields["user"].queryset.filter(pk=request.POST.get("user")).first()
                if person is not None:
                    services.person_remove(pathway=pathway, actor=request.user, user=person)
                    messages.success(request, _("The person was taken off the pathway."))
                return redirect("pathways:pathway_people", pk=pathway.pk)
        except ValidationError as exc:
            add_errors(form, exc)
    return render(
        request,
        "pathways/people.html",
        {"pathway": pathway, "form": form, "people": selectors.pathway_view(pathway).people},
    )


@staff_view(personal_data="pathways.pathway", roles=RECORD_ROLES, record_access=True)
def pathway_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a victim's pathway and a perpetrator's: coordinators only, and only they see it."""
    pathway = pathway_or_404(request, pk)
    if not is_coordinator(request):
        raise Http404
    other_kind = (
        Pathway.Kind.PERPETRATOR if pathway.kind == Pathway.Kind.VICTIM else Pathway.Kind.VICTIM
    )
    candidates = scoped(request, Pathway).filter(kind=other_kind).open().order_by("-opened_on")
    form = LinkForm(
        request.POST or None, candidates=candidates, initial={"other": pathway.linked_id}
    )
    return _simple(
        request,
        pathway,
        form,
        lambda data: services.pathway_link_set(
            pathway=pathway, actor=request.user, other=data["other"]
        ),
        _("The link was saved."),
        "pathways/link_form.html",
    )


def area_label(area: str) -> str:
    return str(Area(area).label)
