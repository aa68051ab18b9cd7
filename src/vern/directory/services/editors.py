"""Organisation editors and the changes they propose.

Organisation editors (a crisis centre, an NGO) do not write: their edits are
stored as a ``PendingChange`` and go live through ``service_save`` when the
directory owner approves them. Mail goes out after commit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vern.audit.services import audited_transaction, log_action
from vern.core.mail import subject_line
from vern.core.models import Membership, Municipality, Role
from vern.directory.models import (
    Organization,
    OrganizationEditor,
    PendingChange,
    Service,
    TaxonomyTerm,
)
from vern.directory.services.entries import (
    TRANSLATION_FIELDS,
    ServiceRelated,
    _check_rules,
    _hhmm,
    _plain,
    _uuid,
    service_save,
    translation_rows,
)

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
PROPOSABLE_RELATED = [
    "areas",
    "terms",
    "languages",
    "locations",
    "phones",
    "schedules",
    "translations",
]


# --- organisation editors -----------------------------------------------------


def _base_url() -> str:
    return settings.VERN_BASE_URL.rstrip("/")


def _mail_after_commit(subject: str, template: str, context: dict, recipients: list[str]) -> None:
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
    subject = subject_line(subject)
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


# The view has checked that the person owns the entry the proposal is for.
DECISION = "a decision on a proposal, after the view's check"


def owner_emails(municipality_id: int | None) -> list[str]:
    """Who answers for the directory: the municipality's coordinators and
    administrators, or the national editors for national entries."""
    everyone = Membership.objects.for_system(reason="who answers for an entry, to mail them")
    if municipality_id is None:
        members = everyone.filter(role=Role.NATIONAL)
    else:
        members = everyone.filter(
            municipality_id=municipality_id, role__in=(Role.ADMIN, Role.COORDINATOR)
        )
    return list(
        members.filter(user__is_active=True)
        .order_by()
        .values_list("user__email", flat=True)
        .distinct()
    )


@audited_transaction
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
        and Membership.objects.for_self(user)
        .filter(municipality=municipality, role=Role.ORG_EDITOR)
        .exists()
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
    if organization.editors.filter(user=user).exists():
        raise ValidationError({"email": _("This person is already an editor of the organisation.")})
    editor = OrganizationEditor.objects.create(organization=organization, user=user)
    log_action(
        actor=actor,
        action="create",
        code="directory.organizationeditor.create",
        target=editor,
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


@audited_transaction
def organization_editor_remove(*, editor: OrganizationEditor, actor) -> None:
    """Take an organisation away from an editor.

    The account stays; the organisation editor role in the organisation's
    municipality goes with the last of that municipality's organisations
    (``org_editor_role_drop_if_unused``).
    """
    log_action(
        actor=actor,
        action="delete",
        code="directory.organizationeditor.delete",
        target=editor,
        detail={"organization": str(editor.organization_id), "user": editor.user_id},
    )
    user, municipality_id = editor.user, editor.organization.owner_id
    # Named responsible editor of one of the organisation's entries, the person
    # would still see it (through another organisation's role) and get its
    # verification reminders: the organisation's entries lose them too.
    entries = list(
        Service.objects.filter(organization_id=editor.organization_id, editors=user)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if entries:
        Service.editors.through.objects.filter(service_id__in=entries, user=user).delete()
        log_action(
            actor=actor,
            action="update",
            code="directory.service.editors_removed",
            target=editor.organization,
            detail={"user": user.pk, "services": [str(pk) for pk in entries]},
        )
    editor.delete()
    if municipality_id is not None:
        org_editor_role_drop_if_unused(user=user, municipality_id=municipality_id, actor=actor)


def org_editor_role_drop_if_unused(*, user, municipality_id: int, actor) -> bool:
    """Remove a person's organisation editor role in a municipality once they
    edit none of its organisations, so nothing is left for the role to show.

    Audited as a removed membership. Returns whether the role was removed.
    """
    from vern.core.services import membership_remove

    if (
        OrganizationEditor.objects.for_self(user)
        .filter(organization__owner_id=municipality_id)
        .exists()
    ):
        return False
    memberships = Membership.objects.for_self(user).filter(
        municipality_id=municipality_id, role=Role.ORG_EDITOR
    )
    removed = False
    for membership in memberships:
        membership_remove(membership=membership, actor=actor)
        removed = True
    return removed


# --- proposed changes ---------------------------------------------------------


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
        "translations": translation_rows(service),
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
    if related.translations is not None:
        values["translations"] = sorted(
            (
                {
                    "language": row["language"],
                    **{name: (row.get(name) or "").strip() for name in TRANSLATION_FIELDS},
                    "machine_assisted": bool(row.get("machine_assisted")),
                }
                for row in related.translations
            ),
            key=lambda row: row["language"],
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
            service.organization.locations.filter(pk__in=proposed["locations"])
        )
    if "phones" in proposed:
        phones = [dict(row) for row in proposed["phones"]]
        # A phone removed since the proposal was made comes back as a new one.
        for row in phones:
            row["id"] = _uuid(row.get("id"))
        related.phones = phones
    if "schedules" in proposed:
        related.schedules = [dict(row) for row in proposed["schedules"]]
    if "translations" in proposed:
        related.translations = [dict(row) for row in proposed["translations"]]
    return related


def _apply_fields(service: Service, proposed: dict) -> None:
    for name in PROPOSABLE_FIELDS:
        if name in proposed:
            setattr(service, name, Service._meta.get_field(name).to_python(proposed[name]))


@audited_transaction
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
        target=change,
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
        code=(
            "directory.pendingchange.approve"
            if state == "approved"
            else "directory.pendingchange.reject"
        ),
        target=change,
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


@audited_transaction
def pending_change_approve(*, change: PendingChange, actor, note: str = "") -> Service:
    """Apply a proposed change through ``service_save`` and tell the proposer."""
    change = PendingChange.objects.for_system(reason=DECISION).select_for_update().get(pk=change.pk)
    service = Service.objects.get(pk=change.service_id)
    _decide(change, actor=actor, state=PendingChange.State.APPROVED, note=note)
    _apply_fields(service, change.proposed)
    return service_save(
        service=service,
        actor=actor,
        summary_code="directory.revision.approved",
        summary_params={"name": change.author.full_name},
        related=_related_from_json(service, change.proposed),
    )


@audited_transaction
def pending_change_reject(*, change: PendingChange, actor, note: str) -> PendingChange:
    """Turn a proposed change down, saying why; the entry stays as it is."""
    if not note.strip():
        raise ValidationError({"note": _("Say why, so the editor can correct it.")})
    change = PendingChange.objects.for_system(reason=DECISION).select_for_update().get(pk=change.pk)
    _decide(change, actor=actor, state=PendingChange.State.REJECTED, note=note)
    return change
