from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "vern.schools"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vern.schools import shell

        shell.register()
