"""The competence app's audit codes and detail keys (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register, register_detail_key

register("competence.dutyguide.save", _("Duty guide saved as a new version"))
register("competence.dutyguide.reviewed", _("Duty guide marked as reviewed"))

register_detail_key("rule", _("Rule"))
register_detail_key("reviewed_on", _("Last reviewed"))
