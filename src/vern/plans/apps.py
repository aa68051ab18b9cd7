from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "vern.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from vern.plans import shell, signals

        shell.register()
        signals.connect()
