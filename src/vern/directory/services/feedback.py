"""Feedback on the directory: error reports from the public and the search
synonyms staff maintain."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.audit.services import audited_transaction, log_action
from vern.core.mail import subject_line
from vern.directory.models import ErrorReport, Service, Synonym
from vern.directory.search import words

logger = logging.getLogger(__name__)

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
        subject = subject_line(
            _("Someone reported an error in %(service)s") % {"service": service.name}
        )
        transaction.on_commit(lambda: _tell_editors(report, subject, body, recipients))
    return report


def _tell_editors(report: ErrorReport, subject: str, body: str, recipients: list[str]) -> None:
    # The report is stored whatever happens here; a mail that cannot go out
    # (the mail server is down) is logged, and the person who wrote is thanked.
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        logger.exception("Could not mail the editors about error report %s", report.pk)


@audited_transaction
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
            target=report,
            detail={"service": str(report.service_id)},
        )
    return report


# --- search synonyms -------------------------------------------------------------


def _synonym_clean(term: str, expands_to: str) -> tuple[str, str]:
    """The word and what it finds, tidied; "#<situation key>" marks (the guide's
    lexicon, ``understanding.py``) are kept after the words."""
    from vern.directory.understanding import CONCEPT_MARK, concept_keys

    term = term.strip().casefold()
    if words(term) != [term]:
        raise ValidationError({"term": _("A search word is one word, without spaces.")})
    marks = list(dict.fromkeys(CONCEPT_MARK.findall(expands_to or "")))
    unknown = [key for key in marks if key not in concept_keys()]
    if unknown:
        raise ValidationError(
            {
                "expands_to": _(
                    "“#%(key)s” is not a situation the guide knows. It knows: %(keys)s."
                )
                % {"key": unknown[0], "keys": ", ".join(f"#{k}" for k in concept_keys())}
            }
        )
    found = words(CONCEPT_MARK.sub(" ", expands_to or ""))
    if not found and not marks:
        raise ValidationError({"expands_to": _("Write at least one word to search for.")})
    return term, " ".join([*dict.fromkeys(found), *(f"#{key}" for key in marks)])


@audited_transaction
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
            code="directory.synonym.create" if creating else "directory.synonym.update",
            object_type="directory.synonym",
            object_id=synonym.pk,
            detail={"term": term, "expands_to": expands_to},
        )
        count += 1
    return count
