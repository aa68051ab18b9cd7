from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    """The public guide: the read side of the directory (search, service pages, the
    HSDS API). The directory never imports it; it hears of changes through
    ``vern.directory.signals``."""

    name = "vern.guide"
    label = "guide"
    verbose_name = _("Public guide")

    def ready(self) -> None:
        from vern.directory import selectors
        from vern.guide import hooks
        from vern.guide.selectors import term_table

        hooks.connect()
        selectors.use_term_table(term_table)  # cards read terms from the guide's copy
