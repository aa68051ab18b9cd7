"""Whether an import would change a stored record: a re-import of the same
file reports its records as unchanged and leaves them untouched (no new
``updated_at``, revision, audit entry or search text)."""

from __future__ import annotations

from django.db import models

from vern.directory.models import (
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTranslation,
)

# Kept by the database itself or derived from the rest.
DERIVED = {"created_at", "updated_at", "search_document"}


def field_values(instance: models.Model) -> dict:
    """A record's own stored values (foreign keys as ids), for comparison."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in DERIVED
    }


def _rows(model: type[models.Model], service_id) -> list[tuple]:
    names = [f.attname for f in model._meta.concrete_fields if f.name != "service"]
    rows = model.objects.filter(service_id=service_id).values_list(*names)
    return sorted(rows, key=repr)


def service_state(service_id) -> tuple | None:
    """Everything an import writes for a service, read from the database:
    its fields, the rows around it and its links. ``None`` when it is not stored."""
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        return None
    return (
        field_values(service),
        sorted(service.areas.values_list("pk", flat=True)),
        sorted(service.terms.values_list("pk", flat=True), key=str),
        sorted(service.editors.values_list("pk", flat=True)),
        *(
            _rows(model, service_id)
            for model in (Phone, Schedule, ServiceLanguage, ServiceTranslation, ServiceAtLocation)
        ),
    )
