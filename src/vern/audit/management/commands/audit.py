from django.core.management.base import BaseCommand, CommandError

from vern.audit.selectors import ChainProblem, chains_in_log, unsigned_legacy_entries, verify_chain


class Command(BaseCommand):
    help = (
        "Work with the audit log. 'verify' checks that every hash chain (one per "
        "municipality, one for national and system entries) is whole, that each entry's MAC "
        "is valid and that times never go backwards."
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
                    f"FAILED at audit entry #{problem.entry_id} in {_chain_name(problem)}: "
                    f"{problem.reason} ({checked} entries before it are whole)."
                )
            legacy = unsigned_legacy_entries()
            chains = chains_in_log()
            message = (
                f"OK: {checked} audit entries in {chains} chain{'s' if chains != 1 else ''}, "
                "every chain whole."
            )
            if legacy:
                message += (
                    f" {legacy} of them, the oldest, are unsigned: written before entries "
                    "were signed, so only the chain vouches for them."
                )
            self.stdout.write(message)


def _chain_name(problem: ChainProblem) -> str:
    from vern.core.models import Municipality

    place = Municipality.objects.filter(pk=problem.chain).first() if problem.chain else None
    if place is None:
        return problem.chain_name()
    return f"the chain of {place.name} ({place.number})"
