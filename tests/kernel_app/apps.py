from django.apps import AppConfig


class KernelAppConfig(AppConfig):
    """A small app installed only in the tests (settings_test.py), standing in
    for the coming apps whose records belong to units and have access lists."""

    name = "tests.kernel_app"
    label = "kernel_app"
    default_auto_field = "django.db.models.BigAutoField"
