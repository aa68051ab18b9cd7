from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _store_missing_cards(sender, using="default", **kwargs) -> None:
    """After migrating: store the cards of services that have none from this release
    (the national services a migration adds, every card after an upgrade)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from vern.directory import cards
    from vern.directory.models import ServiceCard

    if using != DEFAULT_DB_ALIAS:  # cards are stored through the default connection
        return
    if ServiceCard._meta.db_table in connections[using].introspection.table_names():
        cards.store_missing()


class DirectoryConfig(AppConfig):
    name = "vern.directory"
    label = "directory"
    verbose_name = _("Service directory")

    def ready(self) -> None:
        post_migrate.connect(_store_missing_cards, sender=self)

        from vern.directory import shell

        shell.register()
