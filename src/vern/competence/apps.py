from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenceConfig(AppConfig):
    name = "vern.competence"
    label = "competence"
    verbose_name = _("Competence")

    def ready(self) -> None:
        from vern.competence import shell

        shell.register()
