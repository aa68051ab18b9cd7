from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "vern.pathways"
    label = "pathways"
    verbose_name = _("Pathways")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vern.core.step_titles import register_titles
        from vern.pathways import shell
        from vern.pathways.services import step_title

        shell.register()
        register_titles("pathways.", step_title)
