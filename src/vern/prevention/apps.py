from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "vern.prevention"
    label = "prevention"
    verbose_name = _("Prevention")

    def ready(self) -> None:
        from vern.prevention import shell

        shell.register()
