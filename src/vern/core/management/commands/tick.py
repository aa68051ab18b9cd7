import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

from vern.core.jobs import JobFailed

logger = logging.getLogger("vern.tick")


class Command(BaseCommand):
    help = (
        "Run Vern's time-based work once: reminders, expiry, clean-up. "
        "Schedule it every few minutes (cron or a systemd timer). A job that "
        "fails is logged and the others still run; the exit status is then 1."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        failed = []
        for path in settings.VERN_TICK_JOBS:
            try:
                count = import_string(path)(today=today)
            except JobFailed as error:
                self.stdout.write(f"{path}: {error.done}")
                self.stderr.write(f"{path}: {error.failed} item(s) failed (see the log)")
                failed.append(path)
            except Exception:
                logger.exception("%s failed; going on with the next job", path)
                self.stderr.write(f"{path}: failed (see the log)")
                failed.append(path)
            else:
                self.stdout.write(f"{path}: {count}")
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
