from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "vern.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from vern.audit import codes
        from vern.core import shell

        # Every app's audit_codes.py: the labels of the codes it writes.
        codes.autodiscover()
        from vern.core.models import Role

        shell.register_nav(
            label=_("Audit log"),
            url_name="audit:entry_list",
            roles={Role.ADMIN},
            order=60,
            active_prefix="audit:entry_list",
        )
        shell.register_card(
            title=_("Audit log"),
            description=_("Every read and change of personal data."),
            url_name="audit:entry_list",
            roles={Role.ADMIN},
            order=60,
        )
