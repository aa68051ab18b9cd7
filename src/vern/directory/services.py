"""Writes for the directory.

Every change to a service goes through ``service_save`` (or a function that
calls it): one transaction, validation, a revision in the history, the search
index refreshed and an audit entry. Mail goes out after commit.

Organisation editors (a crisis centre, an NGO) do not write: their edits are
stored as a ``PendingChange`` and go live through ``service_save`` when the
directory owner approves them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vern.audit.services import log_action
from vern.core.models import Membership, Municipality, Role
from vern.directory.models import (
    ErrorReport,
    Location,
    Organization,
    OrganizationEditor,
    PendingChange,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceRevision,
    Synonym,
    TaxonomyTerm,
)
from vern.directory.search import index_service, words

# Fields whose changes the history records (many-to-many and search text aside).
TRACKED_FIELDS = [
    f.name
    for f in Service._meta.concrete_fields
    if f.name
    not in {
        "id",
        "search_document",
        "created_at",
        "updated_at",
        "reminded_for",
        "overdue_notified_for",
    }
]

# What an organisation editor may propose: the entry's content, not who owns
# it, who answers for it or how often it is checked.
PROPOSABLE_FIELDS = [
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "alert",
    "eligibility_description",
    "application_process",
    "how_it_works",
    "how_to_contact",
    "is_free",
    "fees_description",
    "referral",
    "referral_from",
    "referral_how",
    "acute",
    "open_24_7",
    "schedule_note",
    "accommodation_women",
    "accommodation_men",
    "accommodation_children",
    "day_services",
    "wheelchair_access",
    "accepts_substance_use",
    "adapted_disabilities",
    "pets_allowed",
]
PROPOSABLE_RELATED = ["areas", "terms", "languages", "locations", "phones", "schedules"]


def _plain(value):
    if hasattr(value, "pk"):
        return str(value.pk)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(service: Service) -> dict:
    return {name: _plain(getattr(service, name)) for name in TRACKED_FIELDS}


@dataclass
class ServiceRelated:
    """The parts of an entry that live in other rows. ``None`` leaves a part as it is.

    ``phones`` are dicts with ``number``, ``kind``, ``description``,
    ``is_free`` and optionally the ``id`` of an existing phone (kept, so its
    HSDS id stays stable); ``schedules`` are dicts with ``weekday``,
    ``opens_at`` and ``closes_at``.
    """

    areas: list[Municipality] | None = None
    terms: list[TaxonomyTerm] | None = None
    editors: list | None = None
    languages: list[str] | None = None
    locations: list[Location] | None = None
    phones: list[dict] | None = None
    schedules: list[dict] | None = None


def _hhmm(value) -> str:
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)[:5]


def related_snapshot(service: Service) -> dict:
    """The related rows as readable text, for the history."""
    if service._state.adding:
        return {}
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "areas": sorted(str(m) for m in service.areas.all()),
            "terms": sorted(t.name_nb for t in service.terms.all()),
            "editors": sorted(str(u) for u in service.editors.all()),
            "languages": sorted(service.languages.values_list("code", flat=True)),
            "locations": sorted(
                sal.location.name for sal in service.service_at_locations.select_related("location")
            ),
            "phones": [
                " ".join(
                    part
                    for part in (
                        p.number,
                        f"({p.get_kind_display()})",
                        p.description,
                        "" if p.is_free else _("(not free)"),
                    )
                    if part
                )
                for p in service.phones.order_by("pk")
            ],
            "schedules": [str(s) for s in service.schedules.all()],
        }


def _check_rules(service: Service) -> None:
    """Rules that span fields, beyond what the model checks itself."""
    if service.referral == Service.Referral.REQUIRED and not service.referral_from.strip():
        raise ValidationError(
            {"referral_from": _("Say who can refer, for example your GP or child welfare.")}
        )
    if service.is_national and service.owner_id is not None:
        raise ValidationError({"is_national": _("A national entry has no owning municipality.")})


def _apply_related(service: Service, related: ServiceRelated) -> None:
    if related.areas is not None:
        service.areas.set(related.areas)
    if related.terms is not None:
        service.terms.set(related.terms)
    if related.editors is not None:
        service.editors.set(related.editors)
    if related.languages is not None:
        wanted = sorted({code.strip().lower() for code in related.languages if code.strip()})
        service.languages.exclude(code__in=wanted).delete()
        have = set(service.languages.values_list("code", flat=True))
        for code in wanted:
            if code not in have:
                language = ServiceLanguage(service=service, code=code)
                language.full_clean()
                language.save()
    if related.locations is not None:
        if any(loc.organization_id != service.organization_id for loc in related.locations):
            raise ValidationError(
                {"locations": _("A service can only be offered at its organisation's locations.")}
            )
        service.service_at_locations.exclude(location__in=related.locations).delete()
        have = set(service.service_at_locations.values_list("location_id", flat=True))
        for location in related.locations:
            if location.pk not in have:
                ServiceAtLocation.objects.create(service=service, location=location)
    if related.phones is not None:
        existing = {phone.pk: phone for phone in service.phones.all()}
        for row in related.phones:
            phone = existing.pop(_uuid(row.get("id")), None) or Phone(service=service)
            for name in ("number", "kind", "description", "is_free"):
                setattr(phone, name, row.get(name, getattr(phone, name)))
            try:
                phone.full_clean()
            except ValidationError as exc:
                raise ValidationError({"phones": exc.messages}) from exc
            phone.save()
        Phone.objects.filter(pk__in=list(existing)).delete()
    if related.schedules is not None:
        existing = {
            (s.weekday, _hhmm(s.opens_at), _hhmm(s.closes_at)): s for s in service.schedules.all()
        }
        for row in related.schedules:
            key = (int(row["weekday"]), _hhmm(row["opens_at"]), _hhmm(row["closes_at"]))
            if existing.pop(key, None):
                continue
            schedule = Schedule(
                service=service,
                weekday=key[0],
                opens_at=dt.time.fromisoformat(key[1]),
                closes_at=dt.time.fromisoformat(key[2]),
            )
            if schedule.closes_at <= schedule.opens_at:
                raise ValidationError({"schedules": _("A closing time must be after opening.")})
            try:
                schedule.full_clean()
            except ValidationError as exc:
                raise ValidationError({"schedules": exc.messages}) from exc
            schedule.save()
        Schedule.objects.filter(pk__in=[s.pk for s in existing.values()]).delete()


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


@transaction.atomic
def service_save(
    *,
    service: Service,
    actor,
    summary: str = "",
    related: ServiceRelated | None = None,
    audit_code: str = "",
) -> Service:
    """Validate and save ``service`` as changed in memory; record what changed.

    ``related`` replaces phones, opening hours, areas and the other related
    rows in the same transaction, so a bad row leaves nothing half-saved.
    """
    creating = service._state.adding
    if creating:
        before = {}
    else:
        current = Service.objects.get(pk=service.pk)
        before = {**snapshot(current), **related_snapshot(current)}
    if service.assured_date:
        service.verification_due = service.next_due()
    service.full_clean()
    _check_rules(service)
    service.save()
    if related is not None:
        _apply_related(service, related)
    after = {**snapshot(service), **related_snapshot(service)}
    changes = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value and not (creating and value == [])
    }
    if changes or creating:
        ServiceRevision.objects.create(
            service=service,
            author=actor if getattr(actor, "is_authenticated", False) else None,
            summary=(summary or (_("Created") if creating else _("Changed")))[:200],
            changes=changes,
        )
    index_service(service)
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code=audit_code or ("directory.service.create" if creating else "directory.service.update"),
        object_type="directory.service",
        object_id=service.pk,
        municipality=service.owner_id,
        detail={"fields": sorted(changes)},
    )
    return service


def _attach_organization(service: Service, actor, new_organization: dict | None) -> None:
    if new_organization:
        service.organization = organization_save(
            organization=Organization(owner_id=service.owner_id, **new_organization), actor=actor
        )


@transaction.atomic
def service_create(
    *,
    service: Service,
    actor,
    related: ServiceRelated | None = None,
    new_organization: dict | None = None,
) -> Service:
    """A new entry, with a new organisation if asked. The person who writes it
    vouches for it today, so its verification cycle starts now."""
    _attach_organization(service, actor, new_organization)
    service.assured_date = timezone.localdate()
    service.assurer_email = getattr(actor, "email", "")
    return service_save(service=service, actor=actor, related=related)


@transaction.atomic
def service_update(
    *,
    service: Service,
    actor,
    related: ServiceRelated | None = None,
    new_organization: dict | None = None,
) -> Service:
    _attach_organization(service, actor, new_organization)
    related = related or ServiceRelated()
    # Moving to another organisation drops the old organisation's locations.
    if related.locations is None:
        related.locations = [
            sal.location
            for sal in service.service_at_locations.select_related("location")
            if sal.location.organization_id == service.organization_id
        ]
    return service_save(service=service, actor=actor, related=related)


@transaction.atomic
def service_verify(*, service: Service, actor) -> Service:
    """Confirm the entry is true today; the next check falls due one cycle later."""
    today = timezone.localdate()
    service.assured_date = today
    service.assurer_email = actor.email
    service.verification_due = today + timedelta(days=service.verification_days)
    service.reminded_for = None
    service.overdue_notified_for = None
    return service_save(
        service=service, actor=actor, summary=_("Verified"), audit_code="directory.service.verified"
    )


# --- organisations and locations ---------------------------------------------


@transaction.atomic
def organization_save(*, organization: Organization, actor) -> Organization:
    creating = organization._state.adding
    organization.full_clean()
    organization.save()
    if not creating:
        # Its services' search text includes the organisation's name.
        for service in organization.services.select_related("organization").prefetch_related(
            "terms", "translations"
        ):
            index_service(service)
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code="directory.organization." + ("create" if creating else "update"),
        object_type="directory.organization",
        object_id=organization.pk,
        municipality=organization.owner_id,
    )
    return organization


def _fill_from_postal_code(location: Location) -> None:
    """Postal town and municipality from Posten's register, where not given."""
    from vern.directory.selectors import _postal_codes

    found = _postal_codes().get(location.postal_code or "")
    if not found:
        return
    town, number = found
    location.city = town.title()
    location.municipality = Municipality.objects.filter(number=number).first()


@transaction.atomic
def location_save(*, location: Location, actor) -> Location:
    """Save a location. A confidential address needs a public contact point,
    because that is all the public will ever see of it."""
    if location.is_confidential and not location.public_contact_point.strip():
        raise ValidationError(
            {
                "public_contact_point": _(
                    "A confidential address needs a public contact point, "
                    "for example a phone number or a meeting place."
                )
            }
        )
    _fill_from_postal_code(location)
    creating = location._state.adding
    location.full_clean()
    location.save()
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code="directory.location." + ("create" if creating else "update"),
        object_type="directory.location",
        object_id=location.pk,
        municipality=location.organization.owner_id,
        detail={"confidential": location.is_confidential},
    )
    return location


# --- organisation editors and their proposed changes -------------------------


def _base_url() -> str:
    return settings.VERN_BASE_URL.rstrip("/")


def _mail_after_commit(subject: str, template: str, context: dict, recipients: list[str]) -> None:
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


def owner_emails(municipality_id: int | None) -> list[str]:
    """Who answers for the directory: the municipality's coordinators and
    administrators, or the national editors for national entries."""
    if municipality_id is None:
        members = Membership.objects.filter(role=Role.NATIONAL)
    else:
        members = Membership.objects.filter(
            municipality_id=municipality_id, role__in=(Role.ADMIN, Role.COORDINATOR)
        )
    return list(
        members.filter(user__is_active=True)
        .order_by()
        .values_list("user__email", flat=True)
        .distinct()
    )


@transaction.atomic
def organization_editor_invite(
    *, organization: Organization, actor, email: str, full_name: str, base_url: str
) -> OrganizationEditor:
    """Let a person outside the municipality's staff propose changes to one
    organisation's entries.

    A new person gets an account and the editor role in the municipality
    (through ``member_invite``, which mails the link for a password); a person
    who already has the editor role only gains the organisation.
    """
    from vern.core.models import User
    from vern.core.services import member_invite

    municipality = organization.owner
    if municipality is None:
        raise ValidationError(_("Editors of national organisations are named nationally."))
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    has_role = (
        user is not None
        and Membership.objects.filter(
            user=user, municipality=municipality, role=Role.ORG_EDITOR
        ).exists()
    )
    if not has_role:
        user = member_invite(
            municipality=municipality,
            actor=actor,
            email=email,
            full_name=full_name,
            role=Role.ORG_EDITOR,
            unit=None,
            base_url=base_url,
        ).user
    if OrganizationEditor.objects.filter(organization=organization, user=user).exists():
        raise ValidationError({"email": _("This person is already an editor of the organisation.")})
    editor = OrganizationEditor.objects.create(organization=organization, user=user)
    log_action(
        actor=actor,
        action="create",
        code="directory.organizationeditor.create",
        object_type="directory.organizationeditor",
        object_id=editor.pk,
        municipality=municipality,
        detail={"organization": str(organization.pk), "user": user.pk},
    )
    if has_role:
        _mail_after_commit(
            _("You can now edit %(organization)s in Vern") % {"organization": organization.name},
            "directory/mail/organization_editor.txt",
            {
                "user": user,
                "organization": organization,
                "link": base_url + reverse("directory:service_list"),
            },
            [user.email],
        )
    return editor


@transaction.atomic
def organization_editor_remove(*, editor: OrganizationEditor, actor) -> None:
    """Take an organisation away from an editor; their account and role stay."""
    log_action(
        actor=actor,
        action="delete",
        code="directory.organizationeditor.delete",
        object_type="directory.organizationeditor",
        object_id=editor.pk,
        municipality=editor.organization.owner_id,
        detail={"organization": str(editor.organization_id), "user": editor.user_id},
    )
    editor.delete()


def related_values(service: Service) -> dict:
    """The related rows in the JSON form proposals use (ids, not text)."""
    return {
        "areas": sorted(service.areas.values_list("pk", flat=True)),
        "terms": sorted(str(pk) for pk in service.terms.values_list("pk", flat=True)),
        "languages": sorted(service.languages.values_list("code", flat=True)),
        "locations": sorted(
            str(pk) for pk in service.service_at_locations.values_list("location_id", flat=True)
        ),
        "phones": [
            {
                "id": str(p.pk),
                "number": p.number,
                "kind": p.kind,
                "description": p.description,
                "is_free": p.is_free,
            }
            for p in service.phones.order_by("pk")
        ],
        "schedules": sorted(
            (
                {
                    "weekday": s.weekday,
                    "opens_at": _hhmm(s.opens_at),
                    "closes_at": _hhmm(s.closes_at),
                }
                for s in service.schedules.all()
            ),
            key=lambda row: (row["weekday"], row["opens_at"], row["closes_at"]),
        ),
    }


def _related_json(related: ServiceRelated) -> dict:
    values = {}
    if related.areas is not None:
        values["areas"] = sorted(m.pk for m in related.areas)
    if related.terms is not None:
        values["terms"] = sorted(str(t.pk) for t in related.terms)
    if related.languages is not None:
        values["languages"] = sorted({c.strip().lower() for c in related.languages if c.strip()})
    if related.locations is not None:
        values["locations"] = sorted(str(loc.pk) for loc in related.locations)
    if related.phones is not None:
        values["phones"] = [
            {
                "id": str(row["id"]) if row.get("id") else None,
                "number": row["number"],
                "kind": row["kind"],
                "description": row.get("description", ""),
                "is_free": bool(row.get("is_free")),
            }
            for row in related.phones
        ]
    if related.schedules is not None:
        values["schedules"] = sorted(
            (
                {
                    "weekday": int(row["weekday"]),
                    "opens_at": _hhmm(row["opens_at"]),
                    "closes_at": _hhmm(row["closes_at"]),
                }
                for row in related.schedules
            ),
            key=lambda row: (row["weekday"], row["opens_at"], row["closes_at"]),
        )
    return values


def _related_from_json(service: Service, proposed: dict) -> ServiceRelated:
    related = ServiceRelated()
    if "areas" in proposed:
        related.areas = list(Municipality.objects.filter(pk__in=proposed["areas"]))
    if "terms" in proposed:
        related.terms = list(TaxonomyTerm.objects.filter(pk__in=proposed["terms"]))
    if "languages" in proposed:
        related.languages = list(proposed["languages"])
    if "locations" in proposed:
        related.locations = list(
            Location.objects.filter(
                pk__in=proposed["locations"], organization_id=service.organization_id
            )
        )
    if "phones" in proposed:
        phones = [dict(row) for row in proposed["phones"]]
        # A phone removed since the proposal was made comes back as a new one.
        for row in phones:
            row["id"] = _uuid(row.get("id"))
        related.phones = phones
    if "schedules" in proposed:
        related.schedules = [dict(row) for row in proposed["schedules"]]
    return related


def _apply_fields(service: Service, proposed: dict) -> None:
    for name in PROPOSABLE_FIELDS:
        if name in proposed:
            setattr(service, name, Service._meta.get_field(name).to_python(proposed[name]))


@transaction.atomic
def pending_change_propose(
    *, service: Service, actor, values: dict, related: ServiceRelated
) -> PendingChange | None:
    """Store an organisation editor's edit for the owner to approve.

    Only what differs from the entry as it is now is kept; ``None`` when the
    edit changes nothing. The proposal is checked as if it were saved, so the
    owner is never asked to approve something that cannot be saved.
    """
    proposed = {
        name: _plain(values[name])
        for name in PROPOSABLE_FIELDS
        if name in values and _plain(values[name]) != _plain(getattr(service, name))
    }
    current = related_values(service)
    proposed.update(
        {
            name: value
            for name, value in _related_json(related).items()
            if name in PROPOSABLE_RELATED and value != current[name]
        }
    )
    if not proposed:
        return None
    trial = Service.objects.get(pk=service.pk)
    _apply_fields(trial, proposed)
    trial.full_clean()
    _check_rules(trial)
    change = PendingChange.objects.create(
        service=service, municipality_id=service.owner_id, proposed=proposed, author=actor
    )
    log_action(
        actor=actor,
        action="create",
        code="directory.pendingchange.create",
        object_type="directory.pendingchange",
        object_id=change.pk,
        municipality=service.owner_id,
        detail={"service": str(service.pk), "fields": sorted(proposed)},
    )
    _mail_after_commit(
        _("A change to %(service)s waits for approval") % {"service": service.name},
        "directory/mail/pending_change_proposed.txt",
        {
            "change": change,
            "service": service,
            "link": _base_url() + reverse("directory:pending_detail", args=[change.pk]),
        },
        owner_emails(service.owner_id),
    )
    return change


def _decide(change: PendingChange, *, actor, state: str, note: str) -> None:
    if change.state != PendingChange.State.PENDING:
        raise ValidationError(_("This change has already been decided."))
    change.state = state
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_note = note.strip()
    change.full_clean()
    change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    log_action(
        actor=actor,
        action="update",
        code="directory.pendingchange." + ("approve" if state == "approved" else "reject"),
        object_type="directory.pendingchange",
        object_id=change.pk,
        municipality=change.municipality_id,
        detail={"service": str(change.service_id)},
    )
    service = change.service
    _mail_after_commit(
        (
            _("Your change to %(service)s was approved")
            if state == PendingChange.State.APPROVED
            else _("Your change to %(service)s was not approved")
        )
        % {"service": service.name},
        "directory/mail/pending_change_decided.txt",
        {
            "change": change,
            "service": service,
            "approved": state == PendingChange.State.APPROVED,
            "link": _base_url() + reverse("directory:service_detail", args=[service.pk]),
        },
        [change.author.email] if change.author.is_active else [],
    )


@transaction.atomic
def pending_change_approve(*, change: PendingChange, actor, note: str = "") -> Service:
    """Apply a proposed change through ``service_save`` and tell the proposer."""
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    service = Service.objects.get(pk=change.service_id)
    _decide(change, actor=actor, state=PendingChange.State.APPROVED, note=note)
    _apply_fields(service, change.proposed)
    return service_save(
        service=service,
        actor=actor,
        summary=_("Approved change from %(name)s") % {"name": change.author.full_name},
        related=_related_from_json(service, change.proposed),
    )


@transaction.atomic
def pending_change_reject(*, change: PendingChange, actor, note: str) -> PendingChange:
    """Turn a proposed change down, saying why; the entry stays as it is."""
    if not note.strip():
        raise ValidationError({"note": _("Say why, so the editor can correct it.")})
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    _decide(change, actor=actor, state=PendingChange.State.REJECTED, note=note)
    return change


# --- error reports -------------------------------------------------------------


def error_report_create(*, service: Service, message: str) -> ErrorReport:
    """Store a report that an entry is wrong and tell its editors.

    The report holds only what the person wrote; no address, cookie or IP.
    """
    report = ErrorReport(service=service, message=message.strip())
    report.full_clean()
    report.save()
    recipients = [user.email for user in service.editors.filter(is_active=True)]
    if recipients:
        body = render_to_string(
            "directory/mail/error_report.txt", {"service": service, "report": report}
        )
        transaction.on_commit(
            lambda: send_mail(
                _("Someone reported an error in %(service)s") % {"service": service.name},
                body,
                None,
                recipients,
            )
        )
    return report


@transaction.atomic
def error_report_handle(*, report: ErrorReport, actor) -> ErrorReport:
    """Mark a report as dealt with (the entry corrected, or nothing was wrong)."""
    if report.handled_at is None:
        report.handled_at = timezone.now()
        report.handled_by = actor
        report.save(update_fields=["handled_at", "handled_by"])
        log_action(
            actor=actor,
            action="update",
            code="directory.errorreport.handled",
            object_type="directory.errorreport",
            object_id=report.pk,
            municipality=report.service.owner_id,
            detail={"service": str(report.service_id)},
        )
    return report


# --- search synonyms -------------------------------------------------------------


def _synonym_clean(term: str, expands_to: str) -> tuple[str, str]:
    term = term.strip().casefold()
    if words(term) != [term]:
        raise ValidationError({"term": _("A search word is one word, without spaces.")})
    found = words(expands_to)
    if not found:
        raise ValidationError({"expands_to": _("Write at least one word to search for.")})
    return term, " ".join(dict.fromkeys(found))


@transaction.atomic
def synonyms_update(*, actor, rows: list[dict], delete: list[int]) -> int:
    """Save the synonym list as edited: ``rows`` are dicts with ``term``,
    ``expands_to`` and the ``pk`` of the synonym they change (``None`` for a
    new one); ``delete`` lists the pks to remove.

    Search reads synonyms on every query, so changes take effect at once.
    """
    count = 0
    for synonym in Synonym.objects.filter(pk__in=delete):
        log_action(
            actor=actor,
            action="delete",
            code="directory.synonym.delete",
            object_type="directory.synonym",
            object_id=synonym.pk,
            detail={"term": synonym.term},
        )
        synonym.delete()
        count += 1
    for row in rows:
        term, expands_to = _synonym_clean(row["term"], row["expands_to"])
        synonym = Synonym.objects.filter(pk=row.get("pk")).first() if row.get("pk") else None
        synonym = synonym or Synonym()
        if (synonym.term, synonym.expands_to) == (term, expands_to):
            continue
        creating = synonym._state.adding
        synonym.term, synonym.expands_to = term, expands_to
        synonym.full_clean()
        synonym.save()
        log_action(
            actor=actor,
            action="create" if creating else "update",
            code="directory.synonym." + ("create" if creating else "update"),
            object_type="directory.synonym",
            object_id=synonym.pk,
            detail={"term": term, "expands_to": expands_to},
        )
        count += 1
    return count
