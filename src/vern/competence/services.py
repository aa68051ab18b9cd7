"""Writes of the competence app. Each runs in one transaction and writes its audit
entry inside it."""

from __future__ import annotations

import copy
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.audit.services import audited_transaction, log_action
from vern.competence import duty_guide, selectors
from vern.competence.models import DutyGuideVersion
from vern.core.models import Municipality, User

LOCKED = "competence services: the row is re-read under a lock after the view's check"


def _save_guide_version(
    *,
    municipality: Municipality,
    actor: User,
    seen_version: int,
    content: dict,
    reviewed_on: date,
    note: str,
    audit_code: str,
    detail: dict,
) -> DutyGuideVersion:
    current = selectors.current_guide(municipality)
    if current.version != seen_version:
        raise ValidationError(
            _(
                "Someone saved a newer version of the guide (version %(version)s) after you "
                "opened it. Open it again and make your change there."
            )
            % {"version": current.version}
        )
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("The review date cannot be in the future.")})
    content = copy.deepcopy(content)
    content["version"] = current.version + 1
    content["reviewed_on"] = reviewed_on.isoformat()
    found = duty_guide.problems(content)
    if found:
        raise ValidationError(
            _("The guide cannot be saved: %(problems)s") % {"problems": "; ".join(found)}
        )
    version = DutyGuideVersion(
        municipality=municipality,
        number=content["version"],
        content=content,
        reviewed_on=reviewed_on,
        saved_by=actor,
        change_note=note,
    )
    version.full_clean()
    version.save()
    log_action(actor=actor, action="update", code=audit_code, target=version, detail=detail)
    return version


@audited_transaction
def guide_rule_save(
    *,
    municipality: Municipality,
    actor: User,
    seen_version: int,
    rule_key: str,
    titles: dict[str, str],
    texts: dict[str, str],
    sources: list[dict[str, str]],
    reviewed_on: date,
    note: str = "",
) -> DutyGuideVersion:
    """Save the municipality's guide with one rule's texts and sources changed.

    The guide is never changed in place: a new numbered version is saved, based on the
    version the editor opened (a newer one saved meanwhile is a conflict), and checked
    as a whole, so a rule cannot lose its legal source or its bokmål text.
    """
    content = copy.deepcopy(selectors.current_guide(municipality).content)
    rule = next((r for r in content["rules"] if r["key"] == rule_key), None)
    if rule is None:
        raise ValidationError(_("The guide has no such rule."))
    rule["title"] = {lang: value.strip() for lang, value in titles.items() if value.strip()}
    rule["text"] = {lang: value.strip() for lang, value in texts.items() if value.strip()}
    rule["sources"] = sources
    return _save_guide_version(
        municipality=municipality,
        actor=actor,
        seen_version=seen_version,
        content=content,
        reviewed_on=reviewed_on,
        note=note,
        audit_code="competence.dutyguide.save",
        detail={"rule": rule_key, "reviewed_on": reviewed_on.isoformat()},
    )


@audited_transaction
def guide_mark_reviewed(
    *, municipality: Municipality, actor: User, seen_version: int, reviewed_on: date
) -> DutyGuideVersion:
    """Record that the guide was read through and still holds: a new version, same text."""
    content = selectors.current_guide(municipality).content
    return _save_guide_version(
        municipality=municipality,
        actor=actor,
        seen_version=seen_version,
        content=content,
        reviewed_on=reviewed_on,
        note=_("Reviewed without changes"),
        audit_code="competence.dutyguide.reviewed",
        detail={"reviewed_on": reviewed_on.isoformat()},
    )
