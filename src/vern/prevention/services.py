"""Writes of the prevention app: one transaction each, audited inside it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vern.audit.services import audited_transaction, log_action
from vern.core.models import Municipality, User
from vern.prevention.models import (
    AGE_GROUPS_BY_KIND,
    Activity,
    Agreement,
    Delivery,
    IntroConversations,
    Partner,
    PartnerContact,
    Programme,
)

LOCKED = "prevention services: rows are re-read after the view's check"


def _create(model, *, actor: User, audit_code: str, **fields):
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    log_action(actor=actor, action="create", code=audit_code, target=obj)
    return obj


@audited_transaction
def programme_create(*, municipality: Municipality, actor: User, data: dict) -> Programme:
    programme = Programme(municipality=municipality, **data)
    programme.full_clean()
    programme.save()
    log_action(
        actor=actor,
        action="create",
        code="prevention.programme.create",
        target=programme,
        municipality=municipality,
    )
    return programme


@audited_transaction
def delivery_save(
    *, municipality: Municipality, actor: User, unit, programme, age_group: str, last_delivered_on
) -> Delivery:
    """Record that a programme runs for an age group at an institution (or move the date
    it was last delivered). The same unit, programme and group is one row."""
    if unit.municipality_id != municipality.pk:
        raise ValidationError(_("The unit belongs to another municipality."))
    if unit.kind not in AGE_GROUPS_BY_KIND or age_group not in AGE_GROUPS_BY_KIND[unit.kind]:
        raise ValidationError({"age_group": _("The institution has no such age group.")})
    if programme.municipality_id not in (None, municipality.pk):
        raise ValidationError(_("The programme belongs to another municipality."))
    delivery, created = Delivery.objects.for_system(reason=LOCKED).update_or_create(
        municipality=municipality,
        unit=unit,
        programme=programme,
        age_group=age_group,
        defaults={"last_delivered_on": last_delivered_on},
    )
    log_action(
        actor=actor,
        action="create" if created else "update",
        code="prevention.delivery.save",
        target=delivery,
    )
    return delivery


@audited_transaction
def intro_set(
    *, municipality: Municipality, actor: User, year: int, quarter: int, offered: int, held: int
) -> IntroConversations:
    """Set the quarter's figures (sending them again replaces them)."""
    if held > offered:
        raise ValidationError({"held": _("More conversations held than offered.")})
    row, created = IntroConversations.objects.for_system(reason=LOCKED).update_or_create(
        municipality=municipality,
        year=year,
        quarter=quarter,
        defaults={"offered": offered, "held": held},
    )
    log_action(
        actor=actor,
        action="create" if created else "update",
        code="prevention.intro.set",
        target=row,
        detail={"quarter": f"{year}-Q{quarter}", "held": held},
    )
    return row


@audited_transaction
def partner_create(*, municipality: Municipality, actor: User, data: dict) -> Partner:
    return _create(
        Partner,
        actor=actor,
        audit_code="prevention.partner.create",
        municipality=municipality,
        **data,
    )


@audited_transaction
def contact_create(*, partner: Partner, actor: User, data: dict) -> PartnerContact:
    return _create(
        PartnerContact, actor=actor, audit_code="prevention.contact.create", partner=partner, **data
    )


@audited_transaction
def contact_delete(*, contact: PartnerContact, actor: User) -> None:
    log_action(actor=actor, action="delete", code="prevention.contact.delete", target=contact)
    contact.delete()


@audited_transaction
def agreement_create(*, partner: Partner, actor: User, data: dict) -> Agreement:
    return _create(
        Agreement,
        actor=actor,
        audit_code="prevention.agreement.create",
        municipality_id=partner.municipality_id,
        partner=partner,
        **data,
    )


@audited_transaction
def activity_create(*, partner: Partner, actor: User, data: dict) -> Activity:
    return _create(
        Activity,
        actor=actor,
        audit_code="prevention.activity.create",
        municipality_id=partner.municipality_id,
        partner=partner,
        **data,
    )
