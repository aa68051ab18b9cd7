from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Run Vern's time-based work once: reminders, expiry, clean-up. "
        "Schedule it every few minutes (cron or a systemd timer)."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        for path in settings.VERN_TICK_JOBS:
            job = import_string(path)
            count = job(today=today)
            self.stdout.write(f"{path}: {count}")
