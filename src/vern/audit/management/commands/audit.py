from django.core.management.base import BaseCommand, CommandError

from vern.audit.selectors import unsigned_legacy_entries, verify_chain


class Command(BaseCommand):
    help = (
        "Work with the audit log. 'verify' checks that the hash chain is whole, that each "
        "entry's MAC is valid and that times never go backwards."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser(
            "verify",
            help="Check every entry's hash, link, time and MAC; exit 1 on the first break.",
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            checked, problem = verify_chain()
            if problem is not None:
                raise CommandError(
                    f"FAILED at audit entry #{problem.entry_id}: {problem.reason} "
                    f"({checked} entries before it are whole)."
                )
            legacy = unsigned_legacy_entries()
            message = f"OK: {checked} audit entries, chain whole."
            if legacy:
                message += (
                    f" {legacy} of them, the oldest, are unsigned: written before entries "
                    "were signed, so only the chain vouches for them."
                )
            self.stdout.write(message)
