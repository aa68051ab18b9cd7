"""Record access lists, break-the-glass and stated reasons.

The people assigned to a record (``RecordAccess`` rows) may open it. A
coordinator of the municipality who is not assigned may open it too, but only
after stating a reason (break-the-glass): the reason is kept in the session for
``VERN_BREAK_GLASS_MINUTES`` for that record and written into the audit entry
of every read in that time, and coordinators can see who has opened the record
(``record_openers``). Anyone else gets 404, as for a record that does not
exist.

A view uses it through ``staff_view(record_access=True)`` and one call::

    case = get_in_units_or_404(request, Case, pk=pk)
    require_record_access(request, case)

``staff_view(reason_required=...)`` uses the same reason form and store for a
page that needs a stated purpose before it shows personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.core.audit_port import log_action, record_reads
from vern.core.models import AccessListed, Membership, RecordAccess, Role, User

SESSION_REASONS = "vern_reasons"
REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 500

# Granting and revoking change the access list of one record the caller holds.
LIST = "the access list of the record the caller holds"


class ReasonNeeded(Exception):
    """Raised by ``require_record_access`` when a coordinator must state a reason."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass
class ReadContext:
    """What the access checks learnt during one staff request (``request.vern_access``)."""

    checked: bool = False
    record: tuple[str, str] | None = None
    reason: str | None = None
    break_glass: bool = False


def record_label(record: models.Model) -> str:
    return record._meta.label_lower


def record_key(label: str, record_id) -> str:
    return f"record:{label}:{record_id}"


def page_key(request: HttpRequest) -> str:
    return f"page:{request.path}"


# --- the access list ----------------------------------------------------------


def is_on_list(user: User, record: models.Model) -> bool:
    return (
        RecordAccess.objects.for_self(user)
        .filter(
            municipality_id=record.municipality_id,
            record_type=record_label(record),
            record_id=str(record.pk),
        )
        .exists()
    )


@transaction.atomic
def access_grant(
    *, record: models.Model, user: User, kind: str, actor: User | None
) -> RecordAccess:
    """Put ``user`` on the access list of ``record`` (or change their role on it)."""
    if not isinstance(record, AccessListed):
        raise TypeError(f"{record_label(record)} has no access list (AccessListed)")
    if kind not in RecordAccess.Kind.values:
        raise ValidationError({"kind": _("Choose a role on the record.")})
    if not Membership.objects.for_self(user).filter(municipality=record.municipality_id).exists():
        raise ValidationError({"user": _("The person does not work in this municipality.")})
    # The service acts on the record its caller holds (and checked).
    row, _created = RecordAccess.objects.for_system(reason=LIST).update_or_create(
        record_type=record_label(record),
        record_id=str(record.pk),
        user=user,
        defaults={"municipality_id": record.municipality_id, "kind": kind, "added_by": actor},
    )
    log_action(
        actor=actor,
        action="update",
        code="core.recordaccess.grant",
        target=record,
        detail={"user": user.pk, "kind": kind},
    )
    return row


@transaction.atomic
def access_revoke(*, record: models.Model, user: User, actor: User | None) -> None:
    """Take ``user`` off the access list of ``record``."""
    deleted, _ = (
        RecordAccess.objects.for_system(reason=LIST)
        .filter(
            municipality_id=record.municipality_id,
            record_type=record_label(record),
            record_id=str(record.pk),
            user=user,
        )
        .delete()
    )
    if deleted:
        log_action(
            actor=actor,
            action="update",
            code="core.recordaccess.revoke",
            target=record,
            detail={"user": user.pk},
        )


def require_record_access(request: HttpRequest, record: models.Model) -> None:
    """Let the request open ``record`` only if its person may; else 404.

    Assigned people pass. A coordinator (counted for this view) who is not
    assigned passes with a reason stated in the last
    ``VERN_BREAK_GLASS_MINUTES`` for this record, else ``ReasonNeeded`` is
    raised and ``staff_view`` sends them to the reason form. The record must
    already be scoped to the municipality (and units) by the caller.
    """
    context: ReadContext = request.vern_access
    label = record_label(record)
    context.checked = True
    context.record = (label, str(record.pk))
    if request.municipality is None or record.municipality_id != request.municipality.pk:
        raise Http404
    if is_on_list(request.user, record):
        return
    if Role.COORDINATOR in getattr(request, "vern_counted_roles", {}):
        key = record_key(label, record.pk)
        reason = current_reason(request, key)
        if reason is None:
            raise ReasonNeeded(key)
        context.reason = reason
        context.break_glass = True
        return
    raise Http404


# --- stated reasons (kept in the session for a while) -------------------------


def _window() -> timedelta:
    return timedelta(minutes=settings.VERN_BREAK_GLASS_MINUTES)


def state_reason(request: HttpRequest, key: str, reason: str) -> None:
    now = timezone.now()
    stored = {
        k: v
        for k, v in request.session.get(SESSION_REASONS, {}).items()
        if datetime.fromisoformat(v["until"]) > now
    }
    stored[key] = {"reason": reason, "until": (now + _window()).isoformat()}
    request.session[SESSION_REASONS] = stored


def current_reason(request: HttpRequest, key: str) -> str | None:
    entry = request.session.get(SESSION_REASONS, {}).get(key)
    if not entry or datetime.fromisoformat(entry["until"]) <= timezone.now():
        return None
    return entry["reason"]


def redirect_to_reason(request: HttpRequest, key: str) -> HttpResponseRedirect:
    """To the reason form, which comes back to this page once a reason is given."""
    query = {"neste": request.get_full_path(), "for": key}
    return HttpResponseRedirect(f"{reverse('core:state_reason')}?{urlencode(query)}")


# --- who has opened a record ------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    when: datetime
    who: str
    reason: str
    break_glass: bool


def record_openers(*, user, municipality, record_type: str, record_id) -> list[Opening]:
    """Every audited read of one record, newest first, as ``user`` may see them."""
    entries = record_reads(
        user=user, municipality=municipality, record_type=record_type, record_id=record_id
    )
    return [
        Opening(
            when=entry.created_at,
            who=str(entry.actor) if entry.actor else "",
            reason=entry.reason,
            break_glass=bool(entry.detail.get("break_glass")),
        )
        for entry in entries
    ]
