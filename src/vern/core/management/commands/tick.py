import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

from vern.core.jobs import JobFailed
from vern.core.routines import DIGEST, collect_digest

logger = logging.getLogger("vern.tick")


class Command(BaseCommand):
    help = (
        "Run Vern's time-based work once: reminders, expiry, clean-up. "
        "Schedule it every few minutes (cron or a systemd timer). A job that "
        "fails is logged and the others still run; the exit status is then 1. "
        "The notices of all jobs go out at the end as one mail per person."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        failed = []
        # Every job's notices are claimed as it runs and mailed together at the
        # end: one digest per person and run (core.routines.Digest).
        with collect_digest() as digest:
            for path in settings.VERN_TICK_JOBS:
                self._run(path, lambda path=path: import_string(path)(today=today), failed)
        self._run(DIGEST, digest.send, failed, unit=" mails")
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")

    def _run(self, name, job, failed, unit=""):
        try:
            count = job()
        except JobFailed as error:
            self.stdout.write(f"{name}: {error.done}{unit}")
            self.stderr.write(f"{name}: {error.failed} item(s) failed (see the log)")
            failed.append(name)
        except Exception:
            logger.exception("%s failed; going on with the next job", name)
            self.stderr.write(f"{name}: failed (see the log)")
            failed.append(name)
        else:
            self.stdout.write(f"{name}: {count}{unit}")
