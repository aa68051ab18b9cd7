"""The prevention app's audit codes (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register

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
