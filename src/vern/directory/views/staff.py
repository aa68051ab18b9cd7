"""Staff pages of the directory: keeping the guide's entries true.

Entries, organisations and locations are looked up through
``staff_selectors`` (scoped to the active municipality, national entries for
national editors), so another municipality's record answers 404. Writes go
through ``vern.directory.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from vern.core import versioning
from vern.core.access import scoped, staff_view
from vern.core.dates import long_date
from vern.core.forms import add_errors
from vern.core.models import Membership, Role
from vern.directory import services
from vern.directory import staff_selectors as sel
from vern.directory.forms import (
    DecisionForm,
    EditorInviteForm,
    LocationForm,
    OrganizationForm,
    PhoneFormSet,
    ScheduleFormSet,
    ServiceForm,
    SynonymFormSet,
    TranslationFormSet,
    phone_initial,
    schedule_initial,
    translation_initial,
    unchecked,
)
from vern.directory.languages import language_label
from vern.directory.models import (
    Location,
    Organization,
    OrganizationEditor,
    PendingChange,
    Service,
    Synonym,
)

STAFF = {"roles": sel.STAFF_ROLES, "needs_municipality": False}
CREATORS = {"roles": sel.OWNER_ROLES | {Role.NATIONAL}, "needs_municipality": False}
PAGE_SIZE = 25


def _page(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("side"))


def _query_without_page(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "side"])


# --- services ---------------------------------------------------------------------


@staff_view(personal_data=None, **STAFF)
def service_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = sel.visible_services(request)
    filters = sel.ListFilters.from_query(request.GET)
    services_page = _page(
        request,
        filters.apply(visible, today=today)
        .select_related("organization", "owner")
        .order_by("name"),
    )
    for service in services_page:
        service.state = sel.verification_state(service, today)
    due = list(sel.due_or_overdue(visible, today=today).select_related("organization")[:50])
    for service in due:
        service.state = sel.verification_state(service, today)
    return render(
        request,
        "directory/staff/service_list.html",
        {
            "page": services_page,
            "query": _query_without_page(request),
            "filters": filters,
            "statuses": Service.Status.choices,
            "due": due,
            "due_total": sel.due_or_overdue(visible, today=today).count(),
            "pending_count": sel.pending_changes(request)
            .filter(state=PendingChange.State.PENDING)
            .count(),
            "report_count": sel.error_reports(request).filter(handled_at__isnull=True).count(),
            "can_create": sel.can_create(request),
            "can_edit_synonyms": bool(request.roles & {Role.ADMIN, Role.NATIONAL}),
        },
    )


def _service_form(request: HttpRequest, service: Service, *, mode: str) -> HttpResponse:
    """Create or edit a service with its phones and opening hours, or propose
    an edit (``mode="propose"``). Nothing is saved unless all of it is valid."""
    creating = service._state.adding
    local_owner = request.municipality is not None and bool(request.roles & sel.OWNER_ROLES)
    data = request.POST if request.method == "POST" else None
    # "Add phone number" / "Add opening hours": show the form again as typed,
    # with one more empty row in that list, and save nothing.
    adding_row = {
        "phones": PhoneFormSet,
        "schedules": ScheduleFormSet,
        "translations": TranslationFormSet,
    }.get(data.get("add_row", "") if data is not None else "")
    grown = False
    if adding_row is not None:
        data = adding_row.with_one_more_row(data, request.POST["add_row"])
        grown = data is not request.POST
    form = ServiceForm(
        data,
        instance=service,
        municipality=request.municipality,
        organizations=sel.visible_organizations(request),
        national_choice=Role.NATIONAL in request.roles and local_owner,
        mode=mode,
    )
    phones = PhoneFormSet(data, prefix="phones", initial=phone_initial(service))
    schedules = ScheduleFormSet(data, prefix="schedules", initial=schedule_initial(service))
    # A post without the language versions' rows (an older form) leaves them as they are.
    with_translations = data is not None and "translations-TOTAL_FORMS" in data
    translations = TranslationFormSet(
        data if with_translations else None,
        prefix="translations",
        initial=translation_initial(service),
    )
    stale_changes = None
    if adding_row is not None:
        unchecked(form, phones, schedules, translations)
        rows = {
            PhoneFormSet: phones,
            ScheduleFormSet: schedules,
            TranslationFormSet: translations,
        }[adding_row].forms
        if grown and rows:  # the new row's first field takes the focus
            rows[-1].visible_fields()[0].field.widget.attrs["autofocus"] = True
    elif data is not None and all(
        [
            form.is_valid(),
            phones.is_valid(),
            schedules.is_valid(),
            translations.is_valid() or not with_translations,
        ]
    ):
        related = form.related(
            phones=phones,
            schedules=schedules,
            translations=translations if with_translations else None,
        )
        try:
            if mode == "propose":
                change = services.pending_change_propose(
                    service=Service.objects.get(pk=service.pk),
                    actor=request.user,
                    values=form.proposal(),
                    related=related,
                )
            else:
                if "is_national" in form.fields:
                    service.owner = (
                        None if service.is_national else (service.owner or request.municipality)
                    )
                write = services.service_create if creating else services.service_update
                seen = {} if creating else versioning.seen_from(form)
                write(
                    service=service,
                    actor=request.user,
                    related=related,
                    new_organization=form.new_organization(),
                    **seen,
                )
        except versioning.StaleVersion as stale:
            # Shown again on top of the version saved now; nothing was saved.
            stale_changes = versioning.renew_form(form, stale)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if mode == "propose":
                if change is None:
                    messages.info(request, _("You changed nothing, so nothing was sent."))
                else:
                    messages.success(
                        request,
                        _(
                            "Your change was sent for approval. You get an e-mail when it is decided."
                        ),
                    )
            else:
                messages.success(
                    request,
                    _("The service was created.") if creating else _("The service was saved."),
                )
            return redirect("directory:service_detail", pk=service.pk)
    return render(
        request,
        "directory/staff/service_form.html",
        {
            "form": form,
            "phones": phones,
            "schedules": schedules,
            "translations": translations,
            "service": None if creating else service,
            "mode": mode,
            "stale_changes": stale_changes,
        },
    )


# The responsible-editor choices list members' names and e-mail addresses,
# as the member list does, so the read is audited like it.
@staff_view(personal_data="core.membership", **CREATORS)
def service_create(request: HttpRequest) -> HttpResponse:
    local_owner = request.municipality is not None and bool(request.roles & sel.OWNER_ROLES)
    service = Service(
        owner=request.municipality if local_owner else None, is_national=not local_owner
    )
    return _service_form(request, service, mode="direct")


@staff_view(personal_data="directory.service", **STAFF)
def service_edit(request: HttpRequest, pk) -> HttpResponse:
    service = sel.service_or_404(request, pk)
    mode = sel.edit_mode(request, service)
    if mode is None:
        raise PermissionDenied
    return _service_form(request, service, mode=mode)


@staff_view(personal_data="directory.service", **STAFF)
def service_detail(request: HttpRequest, pk) -> HttpResponse:
    service = sel.service_or_404(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "directory/staff/service_detail.html",
        {
            "service": service,
            "state": sel.verification_state(service, today),
            "terms": service.terms.select_related("taxonomy"),
            "phones": service.phones.order_by("pk"),
            "schedules": service.schedules.all(),
            "service_languages": [language_label(lang.code) for lang in service.languages.all()],
            "translations": [
                (language_label(t.language), t) for t in service.translations.order_by("language")
            ],
            "areas": service.areas.all(),
            "editors": service.editors.all(),
            "locations": [
                sal.location for sal in service.service_at_locations.select_related("location")
            ],
            "pending": sel.pending_changes(request).filter(
                service=service, state=PendingChange.State.PENDING
            ),
            "open_reports": sel.error_reports(request)
            .filter(service=service, handled_at__isnull=True)
            .count(),
            "mode": sel.edit_mode(request, service),
            "can_verify": sel.can_verify(request, service),
        },
    )


@staff_view(personal_data=None, **STAFF)
def service_verify(request: HttpRequest, pk) -> HttpResponse:
    service = sel.service_or_404(request, pk)
    if not sel.can_verify(request, service):
        raise PermissionDenied
    if request.method == "POST":
        services.service_verify(service=service, actor=request.user)
        messages.success(
            request,
            _("The entry is marked as verified today. The next check is due %(date)s.")
            % {"date": long_date(service.verification_due)},
        )
        return redirect("directory:service_detail", pk=service.pk)
    return render(request, "directory/staff/service_verify.html", {"service": service})


@staff_view(personal_data="directory.servicerevision", **STAFF)
def service_history(request: HttpRequest, pk) -> HttpResponse:
    service = sel.service_or_404(request, pk)
    page = _page(request, service.revisions.select_related("author"), 30)
    entries = [(revision, sel.revision_rows(revision.changes)) for revision in page]
    return render(
        request,
        "directory/staff/service_history.html",
        {"service": service, "page": page, "entries": entries, "query": ""},
    )


# --- proposed changes -----------------------------------------------------------------


@staff_view(personal_data="directory.pendingchange", **STAFF)
def pending_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("vis") == "alle"
    changes = sel.pending_changes(request)
    if not show_all:
        changes = changes.filter(state=PendingChange.State.PENDING)
    return render(
        request,
        "directory/staff/pending_list.html",
        {
            "page": _page(request, changes),
            "query": _query_without_page(request),
            "show_all": show_all,
        },
    )


@staff_view(personal_data="directory.pendingchange", **STAFF)
def pending_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(sel.pending_changes(request), pk=pk)
    can_decide = change.state == PendingChange.State.PENDING and sel.owns(request, change.service)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            note = form.cleaned_data["note"]
            try:
                if request.POST.get("action") == "approve":
                    services.pending_change_approve(change=change, actor=request.user, note=note)
                    messages.success(request, _("The change was approved and is now live."))
                else:
                    services.pending_change_reject(change=change, actor=request.user, note=note)
                    messages.success(request, _("The change was rejected. The editor is told why."))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect("directory:pending_list")
    return render(
        request,
        "directory/staff/pending_detail.html",
        {
            "change": change,
            "rows": sel.proposal_rows(change),
            "form": form,
            "can_decide": can_decide,
            "changed_since": change.service.updated_at > change.created_at,
        },
    )


# --- error reports -----------------------------------------------------------------------


@staff_view(personal_data="directory.errorreport", **STAFF)
def error_report_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("vis", "")
    reports = sel.error_reports(request)
    if show == "behandlet":
        reports = reports.filter(handled_at__isnull=False)
    elif show != "alle":
        reports = reports.filter(handled_at__isnull=True)
    return render(
        request,
        "directory/staff/error_report_list.html",
        {"page": _page(request, reports), "query": _query_without_page(request), "show": show},
    )


@staff_view(personal_data="directory.errorreport", **STAFF)
def error_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(sel.error_reports(request), pk=pk)
    can_handle = sel.can_verify(request, report.service) or sel.edit_mode(request, report.service)
    if request.method == "POST":
        if not can_handle:
            raise PermissionDenied
        services.error_report_handle(report=report, actor=request.user)
        messages.success(request, _("The report is marked as handled."))
        return redirect("directory:error_report_list")
    return render(
        request,
        "directory/staff/error_report_detail.html",
        {"report": report, "can_handle": can_handle},
    )


# --- organisations, locations, organisation editors ---------------------------------------


@staff_view(personal_data=None, **STAFF)
def organization_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:100]
    organizations = sel.visible_organizations(request).order_by("name")
    if query:
        organizations = organizations.filter(name__icontains=query)
    return render(
        request,
        "directory/staff/organization_list.html",
        {
            "page": _page(request, organizations),
            "query": _query_without_page(request),
            "q": query,
            "can_create": sel.can_create(request),
        },
    )


@staff_view(personal_data=None, **CREATORS)
def organization_create(request: HttpRequest) -> HttpResponse:
    local_owner = request.municipality is not None and bool(request.roles & sel.OWNER_ROLES)
    organization = Organization(owner=request.municipality if local_owner else None)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_save(organization=form.instance, actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The organisation was added."))
            return redirect("directory:organization_detail", pk=organization.pk)
    return render(
        request, "directory/staff/organization_form.html", {"form": form, "organization": None}
    )


def _editors_with_answer(organization):
    """The organisation's editors, each marked ``accepted`` once they hold a role in
    the owning municipality. Someone who already had an account elsewhere gets
    an invitation first; until they accept, only the address is shown."""
    return organization.editors.select_related("user").annotate(
        accepted=Exists(
            Membership.objects.filter(user=OuterRef("user"), municipality=organization.owner_id)
        )
    )


@staff_view(personal_data="directory.organizationeditor", **STAFF)
def organization_detail(request: HttpRequest, pk) -> HttpResponse:
    organization = sel.organization_or_404(request, pk)
    owner = sel.owns(request, organization)
    return render(
        request,
        "directory/staff/organization_detail.html",
        {
            "organization": organization,
            "services": sel.visible_services(request).filter(organization=organization),
            "locations": organization.locations.all(),
            "editors": _editors_with_answer(organization) if owner else [],
            "can_edit": owner,
            "can_invite": owner and organization.owner_id is not None,
        },
    )


@staff_view(personal_data=None, **STAFF)
def organization_edit(request: HttpRequest, pk) -> HttpResponse:
    organization = sel.organization_or_404(request, pk)
    if not sel.owns(request, organization):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_save(organization=form.instance, actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("directory:organization_detail", pk=organization.pk)
    return render(
        request,
        "directory/staff/organization_form.html",
        {"form": form, "organization": organization},
    )


def _location_form(request: HttpRequest, location: Location) -> HttpResponse:
    if not sel.owns(request, location.organization):
        raise PermissionDenied
    creating = location._state.adding
    form = LocationForm(request.POST or None, instance=location)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_save(location=form.instance, actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The location was saved."))
            return redirect("directory:organization_detail", pk=location.organization_id)
    return render(
        request,
        "directory/staff/location_form.html",
        {
            "form": form,
            "location": location,
            "organization": location.organization,
            "creating": creating,
        },
    )


@staff_view(personal_data=None, **STAFF)
def location_create(request: HttpRequest, pk) -> HttpResponse:
    organization = sel.organization_or_404(request, pk)
    return _location_form(request, Location(organization=organization))


# A confidential address is the most sensitive thing in the directory:
# reading it is audited like personal data.
@staff_view(personal_data="directory.location", **STAFF)
def location_edit(request: HttpRequest, pk) -> HttpResponse:
    location = get_object_or_404(
        sel.visible_locations(request).select_related("organization"), pk=pk
    )
    return _location_form(request, location)


@staff_view(personal_data=None, roles=sel.OWNER_ROLES)
def editor_invite(request: HttpRequest, pk) -> HttpResponse:
    organization = sel.organization_or_404(request, pk)
    if organization.owner_id is None or not sel.owns(request, organization):
        raise PermissionDenied
    form = EditorInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_editor_invite(
                organization=organization,
                actor=request.user,
                base_url=request.build_absolute_uri("/").rstrip("/"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s can now propose changes to the organisation's entries.")
                % {"name": form.cleaned_data["full_name"]},
            )
            return redirect("directory:organization_detail", pk=organization.pk)
    return render(
        request,
        "directory/staff/editor_invite.html",
        {"form": form, "organization": organization},
    )


@staff_view(personal_data="directory.organizationeditor", roles=sel.OWNER_ROLES)
def editor_remove(request: HttpRequest, pk: int) -> HttpResponse:
    editor = get_object_or_404(
        scoped(request, OrganizationEditor)
        .filter(organization__in=sel.visible_organizations(request))
        .select_related("organization", "user"),
        pk=pk,
    )
    if not sel.owns(request, editor.organization):
        raise PermissionDenied
    if request.method == "POST":
        organization_id = editor.organization_id
        services.organization_editor_remove(editor=editor, actor=request.user)
        messages.success(request, _("The editor was removed from the organisation."))
        return redirect("directory:organization_detail", pk=organization_id)
    accepted = (
        Membership.objects.for_system(reason="has the editor accepted? (the owner was checked)")
        .filter(user=editor.user_id, municipality=editor.organization.owner_id)
        .exists()
    )
    return render(
        request, "directory/staff/editor_remove.html", {"editor": editor, "accepted": accepted}
    )


# --- search synonyms ---------------------------------------------------------------------


@staff_view(personal_data=None, roles={Role.ADMIN, Role.NATIONAL}, needs_municipality=False)
def synonyms(request: HttpRequest) -> HttpResponse:
    """One list for the whole country: "juling" also finds "vold"."""
    formset = SynonymFormSet(
        request.POST if request.method == "POST" else None,
        queryset=Synonym.objects.order_by("term"),
        prefix="synonyms",
    )
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        rows, delete = [], []
        for form in formset.forms:
            if form.instance.pk and formset._should_delete_form(form):
                delete.append(form.instance.pk)
            elif form.has_changed() and form.cleaned_data.get("term"):
                rows.append({"pk": form.instance.pk, **form.cleaned_data})
        try:
            count = services.synonyms_update(actor=request.user, rows=rows, delete=delete)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("The synonym list was saved. Search uses it at once.")
                if count
                else _("Nothing was changed."),
            )
            return redirect("directory:synonyms")
    return render(request, "directory/staff/synonyms.html", {"formset": formset, "errors": errors})
