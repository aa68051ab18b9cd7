"""The test app's audit codes (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register

register("kernel_app.case.read", _("Viewed a case"), reads="kernel_app.case")
