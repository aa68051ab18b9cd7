from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "vern.schools"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from vern.core.step_titles import register_titles
        from vern.schools import shell
        from vern.schools.models import NoShowCase, drop_routine_steps
        from vern.schools.routine import step_title

        shell.register()
        register_titles("schools.", step_title)
        # A case deleted (by retention) takes its routine steps with it.
        post_delete.connect(drop_routine_steps, sender=NoShowCase, dispatch_uid="schools_steps")
