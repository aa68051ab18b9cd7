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
    UnitAgeGroups,
    unit_groups,
)

LOCKED = "prevention services: rows are re-read after the view's check"


def _create(model, *, actor: User, audit_code: str, **fields):
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    log_action(actor=actor, action="create", code=audit_code, target=obj)
    return obj


def _update(obj, *, actor: User, audit_code: str, data: dict):
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    log_action(actor=actor, action="update", code=audit_code, target=obj)
    return obj


def _delete(obj, *, actor: User, audit_code: str) -> None:
    # Logged first, while the row (and its id) still exists.
    log_action(actor=actor, action="delete", code=audit_code, target=obj)
    obj.delete()


def _groups_of(unit) -> list[str]:
    chosen = UnitAgeGroups.objects.for_system(reason=LOCKED).filter(unit=unit).first()
    return unit_groups(unit, chosen)


def _check_delivery(*, municipality: Municipality, unit, programme, age_group: str) -> None:
    if unit.municipality_id != municipality.pk:
        raise ValidationError(_("The unit belongs to another municipality."))
    if unit.kind not in AGE_GROUPS_BY_KIND or age_group not in _groups_of(unit):
        raise ValidationError({"age_group": _("The institution has no such age group.")})
    if programme.municipality_id not in (None, municipality.pk):
        raise ValidationError(_("The programme belongs to another municipality."))


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
    _check_delivery(municipality=municipality, unit=unit, programme=programme, age_group=age_group)
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
def delivery_update(*, delivery: Delivery, actor: User, data: dict) -> Delivery:
    """Correct a recorded delivery: another unit, programme, age group or date."""
    municipality = delivery.municipality
    _check_delivery(
        municipality=municipality,
        unit=data["unit"],
        programme=data["programme"],
        age_group=data["age_group"],
    )
    clash = (
        Delivery.objects.for_system(reason=LOCKED)
        .filter(unit=data["unit"], programme=data["programme"], age_group=data["age_group"])
        .exclude(pk=delivery.pk)
    )
    if clash.exists():
        raise ValidationError(
            _("This programme is already recorded for the age group at the institution.")
        )
    return _update(delivery, actor=actor, audit_code="prevention.delivery.update", data=data)


@audited_transaction
def delivery_delete(*, delivery: Delivery, actor: User) -> None:
    _delete(delivery, actor=actor, audit_code="prevention.delivery.delete")


@audited_transaction
def unit_groups_set(
    *, municipality: Municipality, actor: User, unit, age_groups: list[str]
) -> UnitAgeGroups:
    """Record which age groups a kindergarten or school has; the coverage shows the
    others as "no such age group" instead of a gap."""
    if unit.municipality_id != municipality.pk:
        raise ValidationError(_("The unit belongs to another municipality."))
    allowed = [group.value for group in AGE_GROUPS_BY_KIND.get(unit.kind, [])]
    if not allowed:
        raise ValidationError(_("Only kindergartens and schools have age groups."))
    unknown = [group for group in age_groups if group not in allowed]
    if unknown:
        raise ValidationError({"age_groups": _("The institution cannot have that age group.")})
    row, created = UnitAgeGroups.objects.for_system(reason=LOCKED).update_or_create(
        municipality=municipality,
        unit=unit,
        defaults={"age_groups": [group for group in allowed if group in age_groups]},
    )
    log_action(
        actor=actor,
        action="create" if created else "update",
        code="prevention.unit_groups.set",
        target=row,
        detail={"age_groups": ", ".join(row.age_groups) or "–"},
    )
    return row


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
def partner_update(*, partner: Partner, actor: User, data: dict) -> Partner:
    return _update(partner, actor=actor, audit_code="prevention.partner.update", data=data)


@audited_transaction
def partner_delete(*, partner: Partner, actor: User) -> None:
    """Delete the partner with its agreements, contact people and activities.

    Each contact person is personal data, so each deletion gets its own audit entry."""
    for contact in PartnerContact.objects.for_system(reason=LOCKED).filter(partner=partner):
        log_action(actor=actor, action="delete", code="prevention.contact.delete", target=contact)
    _delete(partner, actor=actor, audit_code="prevention.partner.delete")


@audited_transaction
def contact_create(*, partner: Partner, actor: User, data: dict) -> PartnerContact:
    return _create(
        PartnerContact, actor=actor, audit_code="prevention.contact.create", partner=partner, **data
    )


@audited_transaction
def contact_update(*, contact: PartnerContact, actor: User, data: dict) -> PartnerContact:
    return _update(contact, actor=actor, audit_code="prevention.contact.update", data=data)


@audited_transaction
def contact_delete(*, contact: PartnerContact, actor: User) -> None:
    _delete(contact, actor=actor, audit_code="prevention.contact.delete")


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
def agreement_update(*, agreement: Agreement, actor: User, data: dict) -> Agreement:
    # A new end date gets its own reminder: the tick reminds of an end date it has not
    # reminded of (end_reminded_for holds the date, not a flag).
    return _update(agreement, actor=actor, audit_code="prevention.agreement.update", data=data)


@audited_transaction
def agreement_delete(*, agreement: Agreement, actor: User) -> None:
    _delete(agreement, actor=actor, audit_code="prevention.agreement.delete")


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


@audited_transaction
def activity_update(*, activity: Activity, actor: User, data: dict) -> Activity:
    return _update(activity, actor=actor, audit_code="prevention.activity.update", data=data)


@audited_transaction
def activity_delete(*, activity: Activity, actor: User) -> None:
    _delete(activity, actor=actor, audit_code="prevention.activity.delete")
