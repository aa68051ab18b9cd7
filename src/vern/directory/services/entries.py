"""Writes to directory entries: services, organisations and locations.

Every change to a service goes through ``service_save`` (or a function that
calls it): one transaction, validation, a revision in the history, the search
index refreshed and an audit entry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vern.audit.selectors import saves_after
from vern.audit.services import audited_transaction, log_action
from vern.core import versioning
from vern.core.models import Municipality
from vern.directory.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceRevision,
    ServiceTranslation,
    TaxonomyTerm,
)
from vern.directory.search import index_service

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
        "version",
    }
]
# What a refused save compares: what the edit form shows (the due date follows
# from the last verification).
COMPARED_FIELDS = [name for name in TRACKED_FIELDS if name != "verification_due"]


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
    translations: list[dict] | None = None


# What an editor writes in a language version; other fields a version may hold
# (from an import) are kept as they are.
TRANSLATION_FIELDS = ("name", "description", "eligibility_description", "how_to_contact")


def translation_rows(service: Service) -> list[dict]:
    """The entry's language versions as the form and proposals hold them."""
    return [
        {
            "language": t.language,
            **{name: getattr(t, name) for name in TRANSLATION_FIELDS},
            "machine_assisted": t.machine_assisted,
        }
        for t in service.translations.order_by("language")
    ]


def _translation_text(row: dict) -> str:
    """One language version as a line of the history."""
    mark = " " + str(_("(machine-assisted)")) if row["machine_assisted"] else ""
    texts = " | ".join(row[name] for name in TRANSLATION_FIELDS if row[name])
    return f"{row['language']}{mark}: {texts}"


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
            "translations": [_translation_text(row) for row in translation_rows(service)],
        }


def _related_labels() -> dict[str, str]:
    return {
        "areas": str(Service._meta.get_field("areas").verbose_name),
        "terms": _("Target groups and forms of violence"),
        "editors": str(Service._meta.get_field("editors").verbose_name),
        "languages": _("Languages offered"),
        "locations": _("Where it is offered"),
        "phones": _("Phone numbers"),
        "schedules": _("Weekly opening hours"),
        "translations": _("Language versions"),
    }


def version_values(service: Service) -> dict[str, versioning.Value]:
    """What a person editing ``service`` is shown, for telling them what changed."""
    values = versioning.field_values(service, COMPARED_FIELDS)
    labels = _related_labels()
    for name, items in related_snapshot(service).items():
        values[name] = versioning.listed(labels[name], items)
    return values


def _saves_after(service_id):
    return lambda version: saves_after(
        object_type="directory.service", object_id=service_id, version=version
    )


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
    if related.translations is not None:
        _apply_translations(service, related.translations)


def _apply_translations(service: Service, rows: list[dict]) -> None:
    """Add, change and remove language versions: one per language, never bokmål
    (the entry's own text is bokmål)."""
    existing = {t.language: t for t in service.translations.all()}
    seen = set()
    for row in rows:
        language = (row.get("language") or "").strip().lower()
        if language == "nb":
            raise ValidationError(
                {"translations": _("The entry itself is in bokmål; choose another language.")}
            )
        if language in seen:
            raise ValidationError({"translations": _("Each language can only have one version.")})
        seen.add(language)
        version = existing.pop(language, None) or ServiceTranslation(
            service=service, language=language
        )
        for name in TRANSLATION_FIELDS:
            setattr(version, name, (row.get(name) or "").strip())
        version.machine_assisted = bool(row.get("machine_assisted"))
        try:
            version.full_clean()
        except ValidationError as exc:
            raise ValidationError({"translations": exc.messages}) from exc
        version.save()
    ServiceTranslation.objects.filter(pk__in=[t.pk for t in existing.values()]).delete()


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


@audited_transaction
def service_save(**kwargs) -> Service:
    """Validate and save ``service``, with its audit entry; see ``_service_save``.

    The audit chain's lock is taken first (``audited_transaction``), then the
    entry's row, so simultaneous saves wait in turn instead of deadlocking.
    """
    return _service_save(audit=log_action, **kwargs)


def service_save_audit_later(*, audit: Callable[..., Any], **kwargs) -> Service:
    """``service_save`` for the importer: its audit entry goes to ``audit`` (with
    ``log_action``'s arguments) instead of the log, and no audit lock is taken.
    The importer writes the entries, under the lock, when its batch ends, so
    that the lock is not held while the batch works (``importer.run``)."""
    with transaction.atomic():
        return _service_save(audit=audit, **kwargs)


def _service_save(
    *,
    audit: Callable[..., Any],
    service: Service,
    actor,
    summary: str = "",
    summary_code: str = "",
    summary_params: dict | None = None,
    related: ServiceRelated | None = None,
    audit_code: str = "",
    index: bool = True,
    seen_version: int | None = None,
    seen_values: str = "",
) -> Service:
    """Validate and save ``service`` as changed in memory; record what changed.

    ``related`` replaces phones, opening hours, areas and the other related
    rows in the same transaction, so a bad row leaves nothing half-saved.
    ``index=False`` leaves the search text and the stored card to the caller
    (the importer saves the related rows itself and indexes once after them).
    ``seen_version`` is the entry's ``version`` when the person opened it and
    ``seen_values`` the signed values they were shown: if someone saved it
    since, nothing is saved and ``versioning.StaleVersion`` lists what changed.
    ``None`` (imports, verification, approvals, the demo) saves on top of
    whatever is saved. A save that changes something moves the version on by
    one.
    """
    creating = service._state.adding
    if creating:
        before = {}
    else:
        current = Service.objects.select_for_update().get(pk=service.pk)
        versioning.check_version(
            current,
            seen_version=seen_version,
            seen_values=seen_values,
            values=version_values,
            history=_saves_after(service.pk),
        )
        before = {**snapshot(current), **related_snapshot(current)}
    if not creating and seen_version is not None:
        # A person's edit never writes back what ``vern tick`` keeps: the copy
        # in memory was read before the row lock, and a reminder claimed since
        # would otherwise be unclaimed and go out twice.
        service.reminded_for = current.reminded_for
        service.overdue_notified_for = current.overdue_notified_for
    # A save that changes nothing keeps the version, so it refuses nobody.
    service.version = 1 if creating else current.version
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
    if changes and not creating:
        service.version = versioning.next_version(current)
        Service.objects.filter(pk=service.pk).update(version=service.version)
    if changes or creating:
        ServiceRevision.objects.create(
            service=service,
            author=actor if getattr(actor, "is_authenticated", False) else None,
            summary=summary[:200],
            summary_code=summary_code
            or (
                ""
                if summary
                else "directory.revision.created"
                if creating
                else "directory.revision.changed"
            ),
            summary_params=summary_params or {},
            changes=changes,
        )
    if index:
        index_service(service)
    audit(
        actor=actor,
        action="create" if creating else "update",
        code=audit_code or ("directory.service.create" if creating else "directory.service.update"),
        target=service,
        detail={"fields": sorted(changes), "version": service.version},
    )
    return service


def _service_write(
    *,
    service: Service,
    actor,
    related: ServiceRelated | None,
    new_organization: dict | None,
    creating: bool,
    seen_version: int | None = None,
    seen_values: str = "",
) -> Service:
    """What ``service_create`` and ``service_update`` share: a new organisation
    if asked, then ``service_save``."""
    if new_organization:
        service.organization = organization_save(
            organization=Organization(owner_id=service.owner_id, **new_organization), actor=actor
        )
    if creating:
        # The person who writes it vouches for it today.
        service.assured_date = timezone.localdate()
        service.assurer_email = getattr(actor, "email", "")
    else:
        related = related or ServiceRelated()
        # Moving to another organisation drops the old organisation's locations.
        if related.locations is None:
            related.locations = [
                sal.location
                for sal in service.service_at_locations.select_related("location")
                if sal.location.organization_id == service.organization_id
            ]
    return service_save(
        service=service,
        actor=actor,
        related=related,
        seen_version=seen_version,
        seen_values=seen_values,
    )


@audited_transaction
def service_create(
    *,
    service: Service,
    actor,
    related: ServiceRelated | None = None,
    new_organization: dict | None = None,
) -> Service:
    """A new entry, with a new organisation if asked. The person who writes it
    vouches for it today, so its verification cycle starts now."""
    return _service_write(
        service=service,
        actor=actor,
        related=related,
        new_organization=new_organization,
        creating=True,
    )


@audited_transaction
def service_update(
    *,
    service: Service,
    actor,
    related: ServiceRelated | None = None,
    new_organization: dict | None = None,
    seen_version: int | None = None,
    seen_values: str = "",
) -> Service:
    """Save a changed entry, with a new organisation if asked. ``seen_version``
    and ``seen_values``: as for ``service_save``."""
    return _service_write(
        service=service,
        actor=actor,
        related=related,
        new_organization=new_organization,
        creating=False,
        seen_version=seen_version,
        seen_values=seen_values,
    )


@audited_transaction
def service_verify(*, service: Service, actor) -> Service:
    """Confirm the entry is true today; the next check falls due one cycle later."""
    today = timezone.localdate()
    service.assured_date = today
    service.assurer_email = actor.email
    service.verification_due = today + timedelta(days=service.verification_days)
    service.reminded_for = None
    service.overdue_notified_for = None
    return service_save(
        service=service,
        actor=actor,
        summary_code="directory.revision.verified",
        audit_code="directory.service.verified",
    )


# --- organisations and locations ---------------------------------------------


@audited_transaction
def organization_save(*, organization: Organization, actor) -> Organization:
    creating = organization._state.adding
    organization.full_clean()
    organization.save()
    if not creating:
        # Its services' search text includes the organisation's name; a new
        # updated_at tells every process's guide index to read them again.
        organization.services.update(updated_at=timezone.now())
        for service in organization.services.select_related("organization").prefetch_related(
            "terms", "translations"
        ):
            index_service(service)
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code="directory.organization.create" if creating else "directory.organization.update",
        target=organization,
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


@audited_transaction
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
        code="directory.location.create" if creating else "directory.location.update",
        target=location,
        detail={"confidential": location.is_confidential},
    )
    return location
