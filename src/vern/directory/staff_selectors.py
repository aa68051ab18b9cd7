"""Reads for the staff side of the directory: what a person may see and do.

Scoping starts from ``scoped()`` (the active municipality's entries, plus the
national ones for national editors), so another municipality's entry answers
404. An organisation editor (a crisis centre, an NGO) who holds no other role
sees only their own organisations' entries, and never writes directly: their
edits become proposals the directory owner approves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vern.core.access import scoped
from vern.core.dates import long_date
from vern.core.models import Municipality, Role
from vern.directory.languages import language_label
from vern.directory.models import (
    ErrorReport,
    Location,
    Organization,
    OrganizationEditor,
    PendingChange,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
)
from vern.directory.selectors import PUBLIC_STATUSES

# The directory's owners in a municipality: they edit, approve and invite.
OWNER_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
# Roles that may open the staff directory at all (the national role too).
STAFF_ROLES = frozenset(Role)
REMIND_DAYS = 14


def _organization_editor_only(request: HttpRequest) -> bool:
    """True for a person whose only way in is being an organisation's editor.

    Fails closed: an organisation editor (who holds no municipal staff role)
    is limited to their organisations even when they have none left, so a
    removed editor sees nothing rather than the municipality's directory.
    """
    if request.roles - {Role.EDITOR, Role.ORG_EDITOR}:
        return False
    if Role.EDITOR not in request.roles:
        return True
    return OrganizationEditor.objects.for_self(request.user).exists()


def _own_organizations(request: HttpRequest) -> QuerySet:
    return OrganizationEditor.objects.for_self(request.user).values("organization")


def visible_services(request: HttpRequest) -> QuerySet[Service]:
    services = scoped(request, Service)
    if _organization_editor_only(request):
        if not OrganizationEditor.objects.for_self(request.user).exists():
            return services.none()
        services = services.filter(
            Q(organization__in=_own_organizations(request)) | Q(editors=request.user)
        ).distinct()
    return services


def visible_organizations(request: HttpRequest) -> QuerySet[Organization]:
    organizations = scoped(request, Organization)
    if _organization_editor_only(request):
        organizations = organizations.filter(pk__in=_own_organizations(request))
    return organizations


def visible_locations(request: HttpRequest) -> QuerySet[Location]:
    return scoped(request, Location).filter(organization__in=visible_organizations(request))


def service_or_404(request: HttpRequest, pk) -> Service:
    service = (
        visible_services(request).filter(pk=pk).select_related("organization", "owner").first()
    )
    if service is None:
        raise Http404
    return service


def organization_or_404(request: HttpRequest, pk) -> Organization:
    organization = visible_organizations(request).filter(pk=pk).first()
    if organization is None:
        raise Http404
    return organization


# --- who may do what ------------------------------------------------------------


def owns(request: HttpRequest, record) -> bool:
    """Does the person answer for this entry (or organisation)?"""
    if record.owner_id is None:
        return Role.NATIONAL in request.roles
    return (
        request.municipality is not None
        and record.owner_id == request.municipality.pk
        and bool(request.roles & OWNER_ROLES)
    )


def edit_mode(request: HttpRequest, service: Service) -> str | None:
    """ "direct" (saved at once), "propose" (waits for the owner) or ``None``.

    Owners and the municipality's own responsible editors write directly; an
    organisation editor who is not an owner proposes, even when named a
    responsible editor, because their changes go live only once approved.
    """
    if owns(request, service):
        return "direct"
    if (
        OrganizationEditor.objects.for_self(request.user)
        .filter(organization_id=service.organization_id)
        .exists()
    ):
        return "propose"
    if (
        Role.EDITOR in request.roles
        and request.municipality is not None
        and service.owner_id == request.municipality.pk
        and service.editors.filter(pk=request.user.pk).exists()
    ):
        return "direct"
    return None


def can_verify(request: HttpRequest, service: Service) -> bool:
    """Owners and the entry's responsible editors may say it is still true."""
    return edit_mode(request, service) == "direct" or (
        service.editors.filter(pk=request.user.pk).exists()
    )


def owned_services(request: HttpRequest) -> QuerySet[Service]:
    """The visible entries the person answers for (``owns``)."""
    mine = Q(pk__in=[])
    if request.municipality is not None and request.roles & OWNER_ROLES:
        mine |= Q(owner=request.municipality)
    if Role.NATIONAL in request.roles:
        mine |= Q(owner__isnull=True)
    return visible_services(request).filter(mine)


def verifiable_services(request: HttpRequest) -> QuerySet[Service]:
    """The visible entries the person may verify (``can_verify``): those they own
    and those they are a responsible editor for."""
    mine = Q(pk__in=Service.objects.filter(editors=request.user).values("pk"))
    if request.municipality is not None and request.roles & OWNER_ROLES:
        mine |= Q(owner=request.municipality)
    if Role.NATIONAL in request.roles:
        mine |= Q(owner__isnull=True)
    return visible_services(request).filter(mine)


def can_create(request: HttpRequest) -> bool:
    return bool(request.roles & OWNER_ROLES) or Role.NATIONAL in request.roles


# --- the list and the verification cycle ----------------------------------------


def verification_state(service: Service, today: date) -> str:
    due = service.verification_due
    if due is None:
        return "unverified"
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=REMIND_DAYS):
        return "due"
    return "ok"


def due_or_overdue(services: QuerySet[Service], *, today: date) -> QuerySet[Service]:
    """Entries in use that fall due within the reminder window or are overdue,
    plus those never verified; the most urgent first."""
    return (
        services.filter(status__in=PUBLIC_STATUSES)
        .filter(
            Q(verification_due__lte=today + timedelta(days=REMIND_DAYS))
            | Q(verification_due__isnull=True)
        )
        .order_by("verification_due", "name")
    )


def due_count(request: HttpRequest, *, today: date | None = None) -> int:
    return due_or_overdue(visible_services(request), today=today or timezone.localdate()).count()


@dataclass
class ListFilters:
    status: str = ""
    due: str = ""
    query: str = ""

    @classmethod
    def from_query(cls, params) -> ListFilters:
        status = params.get("status", "")
        due = params.get("frist", "")
        return cls(
            status=status if status in Service.Status.values else "",
            due=due if due in ("due", "overdue", "unverified") else "",
            query=(params.get("q") or "").strip()[:100],
        )

    def apply(self, services: QuerySet[Service], *, today: date) -> QuerySet[Service]:
        if self.status:
            services = services.filter(status=self.status)
        if self.due == "overdue":
            services = services.filter(verification_due__lt=today)
        elif self.due == "due":
            services = services.filter(verification_due__lte=today + timedelta(days=REMIND_DAYS))
        elif self.due == "unverified":
            services = services.filter(verification_due__isnull=True)
        if self.query:
            services = services.filter(
                Q(name__icontains=self.query)
                | Q(alternate_name__icontains=self.query)
                | Q(organization__name__icontains=self.query)
            )
        return services


def pending_changes(request: HttpRequest) -> QuerySet[PendingChange]:
    """Owners see every proposal for their entries; others their own."""
    changes = (
        scoped(request, PendingChange)
        .filter(service__in=visible_services(request))
        .select_related("service", "author", "decided_by")
    )
    if not (request.roles & (OWNER_ROLES | {Role.NATIONAL})):
        changes = changes.filter(author=request.user)
    return changes


def error_reports(request: HttpRequest) -> QuerySet[ErrorReport]:
    return (
        scoped(request, ErrorReport)
        .filter(service__in=visible_services(request))
        .select_related("service", "handled_by")
    )


# --- showing values: history and proposals --------------------------------------

RELATED_LABELS = {
    "areas": gettext_lazy("municipalities served"),
    "terms": gettext_lazy("target groups and forms of violence"),
    "editors": gettext_lazy("responsible editors"),
    "languages": gettext_lazy("languages"),
    "locations": gettext_lazy("locations"),
    "phones": gettext_lazy("phones"),
    "schedules": gettext_lazy("opening hours"),
    "translations": gettext_lazy("language versions"),
    # Set by Vern itself, so the model field has no label of its own.
    "verification_due": gettext_lazy("next check due"),
}


def field_label(name: str) -> str:
    if name in RELATED_LABELS:
        return str(RELATED_LABELS[name])
    try:
        return str(Service._meta.get_field(name).verbose_name)
    except Exception:  # a field removed since the revision was written
        return name


def show_value(name: str, value, *, ids: bool = False) -> str:
    """A stored history or proposal value as a person reads it.

    History keeps related rows as text; proposals keep ids (``ids=True``).
    """
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        if name == "languages":  # codes, both in the history and in proposals
            return "; ".join(language_label(str(code)) for code in value)
        return "; ".join(_show_item(name, item) if ids else str(item) for item in value)
    try:
        field = Service._meta.get_field(name)
    except Exception:
        return str(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name == "organization":
        organization = Organization.objects.filter(pk=value).first()
        return organization.name if organization else str(value)
    if name == "owner":
        municipality = Municipality.objects.filter(pk=value).first()
        return municipality.name if municipality else str(value)
    if name in ("assured_date", "verification_due"):
        try:
            return long_date(date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _show_item(name: str, item) -> str:
    if isinstance(item, dict):
        if "number" in item:
            kind = dict(Phone.Kind.choices).get(item.get("kind"), item.get("kind"))
            parts = [item["number"], f"({kind})", item.get("description") or ""]
            if not item.get("is_free", True):
                parts.append(_("(not free)"))
            return " ".join(p for p in parts if p)
        if "language" in item:  # a language version in a proposal
            mark = " " + _("(machine-assisted)") if item.get("machine_assisted") else ""
            texts = " | ".join(
                str(item.get(key) or "")
                for key in ("name", "description", "eligibility_description", "how_to_contact")
                if item.get(key)
            )
            return f"{language_label(str(item['language']))}{mark}: {texts}"
        if "weekday" in item:
            day = dict(Schedule.Day.choices).get(int(item["weekday"]), item["weekday"])
            return f"{day} {item['opens_at']}–{item['closes_at']}"
    if name == "areas":
        municipality = Municipality.objects.filter(pk=item).first()
        return municipality.name if municipality else str(item)
    if name == "terms":
        term = TaxonomyTerm.objects.filter(pk=item).first()
        return term.name if term else str(item)
    if name == "locations":
        location = (
            Location.objects.for_system(reason="a location named in history the viewer may see")
            .filter(pk=item)
            .first()
        )
        return location.name if location else str(item)
    return str(item)


@dataclass
class Row:
    label: str
    before: str
    after: str


def revision_rows(changes: dict) -> list[Row]:
    rows = [
        Row(field_label(name), show_value(name, pair[0]), show_value(name, pair[1]))
        for name, pair in changes.items()
        if isinstance(pair, list) and len(pair) == 2
    ]
    # A new entry records every field; empty ones say nothing.
    return [row for row in rows if row.before != row.after]


def proposal_rows(change: PendingChange) -> list[Row]:
    """Each proposed field beside the entry's value now."""
    from vern.directory.services import _plain, related_values

    service = change.service
    current = related_values(service)
    rows = []
    for name, value in change.proposed.items():
        now = current[name] if name in current else _plain(getattr(service, name, None))
        rows.append(
            Row(
                field_label(name),
                show_value(name, now, ids=True),
                show_value(name, value, ids=True),
            )
        )
    return rows
