from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "vern.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from vern.audit import codes, selectors, services
        from vern.core import audit_port, shell

        # core writes entries through its port (imports point audit -> core only).
        audit_port.install(
            log_action=services.log_action,
            log_actions=services.log_actions,
            label=codes.label,
            lock_chain=services.lock_chain,
            is_registered=codes.is_registered,
            read_code=codes.read_code,
            register=codes.register,
            register_detail_key=codes.register_detail_key,
            record_reads=selectors.record_reads,
        )
        # Every app's audit_codes.py: the labels of the codes it writes.
        codes.autodiscover()
        from vern.core.models import Role

        shell.register_nav(
            label=_("Audit log"),
            url_name="audit:entry_list",
            roles={Role.ADMIN},
            whole_municipality=True,
            order=60,
            active_prefix="audit:entry_list",
        )
        shell.register_card(
            title=_("Audit log"),
            description=_("Every read and change of personal data."),
            url_name="audit:entry_list",
            roles={Role.ADMIN},
            whole_municipality=True,
            order=60,
        )
