from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "vern.consultations"
    label = "consultations"
    verbose_name = _("Consultation team")

    def ready(self) -> None:
        from vern.consultations import shell

        shell.register()
