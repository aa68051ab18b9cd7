from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "vern.pathways"
    label = "pathways"
    verbose_name = _("Pathways")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vern.pathways import shell

        shell.register()
