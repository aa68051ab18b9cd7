"""Writes for the directory.

Every change to a service goes through ``service_save`` (or a function that
calls it): one transaction, validation, a revision in the history, the search
index refreshed and an audit entry. Mail goes out after commit.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.audit.services import log_action
from vern.directory.models import ErrorReport, Service, ServiceRevision
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
    }
]


def _plain(value):
    if hasattr(value, "pk"):
        return str(value.pk)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(service: Service) -> dict:
    return {name: _plain(getattr(service, name)) for name in TRACKED_FIELDS}


@transaction.atomic
def service_save(*, service: Service, actor, summary: str = "") -> Service:
    """Validate and save ``service`` as changed in memory; record what changed."""
    creating = service._state.adding
    before = {} if creating else snapshot(Service.objects.get(pk=service.pk))
    if service.assured_date:
        service.verification_due = service.next_due()
    service.full_clean()
    service.save()
    after = snapshot(service)
    changes = {
        name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]
    }
    if changes or creating:
        ServiceRevision.objects.create(
            service=service,
            author=actor if getattr(actor, "is_authenticated", False) else None,
            summary=summary or (_("Created") if creating else _("Changed")),
            changes=changes,
        )
    index_service(service)
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code="directory.service.create" if creating else "directory.service.update",
        object_type="directory.service",
        object_id=service.pk,
        municipality=service.owner_id,
        detail={"fields": sorted(changes)},
    )
    return service


@transaction.atomic
def service_verify(*, service: Service, actor) -> Service:
    """Confirm the entry is true today; the next check falls due one cycle later."""
    today = timezone.localdate()
    service.assured_date = today
    service.assurer_email = actor.email
    service.verification_due = today + timedelta(days=service.verification_days)
    service.reminded_for = None
    service.overdue_notified_for = None
    return service_save(service=service, actor=actor, summary=_("Verified"))


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
