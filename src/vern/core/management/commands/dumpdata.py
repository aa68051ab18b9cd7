"""Django's ``dumpdata``, always through the base manager.

Models that hold personal data refuse unscoped queries through their default
manager (``core/models/scoping.py``). ``dumpdata`` is an operator's export of
whole tables, run with the database's own access, so it reads every row the
way ``--all`` does, rather than failing (or, in production, dumping nothing).
"""

from django.core.management.commands.dumpdata import Command as DumpDataCommand


class Command(DumpDataCommand):
    def handle(self, *app_labels, **options):
        options["use_base_manager"] = True
        return super().handle(*app_labels, **options)
