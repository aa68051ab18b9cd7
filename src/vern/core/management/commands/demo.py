import os
import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from vern.core.demo import load_demo
from vern.env import local_secret


class Command(BaseCommand):
    help = (
        "Run Vern with demo data: migrate the embedded database, load the demo "
        "municipality Eksempelby and serve on 127.0.0.1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (8000).")
        parser.add_argument(
            "--no-serve", action="store_true", help="Only prepare the database and exit."
        )

    def handle(self, *args, port: int, no_serve: bool, **options):
        if not settings.VERN_DEMO:
            raise CommandError("Demo mode is off: set VERN_DEMO=true or run it as 'vern demo'.")
        if not 1 <= port <= 65535:
            raise CommandError("--port must be between 1 and 65535.")
        call_command("migrate", interactive=False, verbosity=0)
        password = os.environ.get("VERN_DEMO_PASSWORD") or local_secret(
            settings.DATA_DIR / "demo_password", lambda: secrets.token_urlsafe(12)
        )
        base = f"http://127.0.0.1:{port}"
        if "VERN_BASE_URL" not in os.environ:
            # Links in the demo's mails point at the port the demo is served on.
            settings.VERN_BASE_URL = base
        logins = load_demo(password=password)

        out = self.stdout
        out.write(self.style.SUCCESS("Vern demo is ready."))
        out.write(f"  Public guide:   {base}/")
        out.write(f"  Staff login:    {base}/konto/logg-inn/")
        out.write("  Demo users (two-factor login is not required in demo mode):")
        width = max(len(login.role) for login in logins)
        for login in logins:
            out.write(f"    {login.role:<{width}}  {login.email:<32}  {login.password}")
        if no_serve:
            return
        out.write(f"Serving on {base}/ – press Ctrl-C to stop.")
        # No autoreloader: one process, and Ctrl-C stops it at once.
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)
