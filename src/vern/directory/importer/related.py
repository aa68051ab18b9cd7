"""Saving the rows around a service, and adding their changes to its history."""

from __future__ import annotations

from django.db.models import F

from vern.directory.importer.service_rows import TRANSLATION_FIELDS
from vern.directory.models import (
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceRevision,
    ServiceTranslation,
)


def save_related(
    service: Service,
    *,
    areas,
    terms,
    phones,
    schedules,
    languages,
    translations,
    places,
    editors,
) -> None:
    """Replace the service's rows by those read from the file."""
    service.areas.set(areas)
    service.terms.set(terms)
    if editors is not None:
        service.editors.set(editors)
    for model, rows in (
        (Phone, phones),
        (Schedule, schedules),
        (ServiceLanguage, languages),
    ):
        model.objects.filter(service=service).exclude(pk__in=[r.pk for r in rows]).delete()
        # An id may have belonged to another service before: it moves here.
        stored = set(model.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))
        for row in rows:
            row.service = service
            row._state.adding = row.pk not in stored
            row.save()
    ServiceTranslation.objects.filter(service=service).exclude(
        language__in=[t.language for t in translations]
    ).delete()
    for translation in translations:
        ServiceTranslation.objects.update_or_create(
            service=service,
            language=translation.language,
            defaults={
                **{name: getattr(translation, name) for name in TRANSLATION_FIELDS},
                "machine_assisted": translation.machine_assisted,
            },
        )
    ServiceAtLocation.objects.filter(service=service).exclude(
        pk__in=[sal_id for sal_id, _loc, _d in places]
    ).delete()
    for sal_id, loc, description in places:
        ServiceAtLocation.objects.filter(service=service, location=loc).exclude(pk=sal_id).delete()
        ServiceAtLocation.objects.update_or_create(
            id=sal_id,
            defaults={"service": service, "location": loc, "description": description},
        )


def related_state(service: Service) -> dict[str, list[str]]:
    """The rows around a service, as text, for the history of an import."""
    return {
        "areas": sorted(m.number for m in service.areas.all()),
        "terms": sorted(
            f"{t.taxonomy.code}:{t.code}" for t in service.terms.select_related("taxonomy")
        ),
        "editors": sorted(u.email for u in service.editors.all()),
        "phones": sorted(
            f"{p.number} ({p.kind}) {p.description}{'' if p.is_free else ' [not free]'}".strip()
            for p in service.phones.all()
        ),
        "schedules": sorted(
            f"{s.weekday} {s.opens_at:%H:%M:%S}-{s.closes_at:%H:%M:%S}"
            for s in service.schedules.all()
        ),
        "languages": sorted(f"{x.code} {x.note}".strip() for x in service.languages.all()),
        "translations": sorted(t.language for t in service.translations.all()),
        "locations": sorted(
            sal.location.name for sal in service.service_at_locations.select_related("location")
        ),
    }


def last_revision_id(service: Service) -> int | None:
    return service.revisions.values_list("pk", flat=True).first()


def record_related_changes(service: Service, before: dict, last_revision: int | None) -> None:
    """Add what the import changed around the service to the history.

    ``service_save`` saw the service's own fields; the rows around it were
    replaced afterwards, so their changes join the revision it just made (or
    a new one, when its own fields did not change).
    """
    after = related_state(service)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if not changes:
        return
    revision = service.revisions.first()
    if revision is not None and revision.pk != last_revision:
        revision.changes = {**revision.changes, **changes}
        revision.save(update_fields=["changes"])
    else:
        ServiceRevision.objects.create(
            service=service, summary_code="directory.revision.imported", changes=changes
        )
        # ``service_save`` saw no change of its own and kept the version; the
        # rows around it did change, so an editor's open form is now stale.
        Service.objects.filter(pk=service.pk).update(version=F("version") + 1)
