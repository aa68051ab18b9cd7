"""The prevention app's audit codes (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register, register_detail_key

register("prevention.programme.create", _("Prevention programme added"))
register("prevention.delivery.save", _("Programme delivery recorded"))
register("prevention.intro.set", _("Introduction-programme conversations recorded"))
register("prevention.partner.create", _("Partner added"))
register("prevention.contact.create", _("Partner contact added"))
register("prevention.contact.delete", _("Partner contact removed"))
register(
    "prevention.partnercontact.read",
    _("Viewed partner contacts"),
    reads="prevention.partnercontact",
)
register("prevention.agreement.create", _("Partnership agreement added"))
register("prevention.agreement.end_reminded", _("Reminder sent about an agreement ending"))
register("prevention.activity.create", _("Partnership activity recorded"))
register("prevention.delivery.update", _("Programme delivery changed"))
register("prevention.delivery.delete", _("Programme delivery deleted"))
register("prevention.unit_groups.set", _("Age groups of an institution recorded"))
register("prevention.partner.update", _("Partner changed"))
register("prevention.partner.delete", _("Partner deleted"))
register("prevention.contact.update", _("Partner contact changed"))
register("prevention.agreement.update", _("Partnership agreement changed"))
register("prevention.agreement.delete", _("Partnership agreement deleted"))
register("prevention.activity.update", _("Partnership activity changed"))
register("prevention.activity.delete", _("Partnership activity deleted"))
register_detail_key("age_groups", _("Age groups"))
