"""``vern directory export|import``: the directory as Open Referral HSDS 3.0 JSON or CSV.

    vern directory export --format hsds-json [--output FILE] [--include-confidential]
    vern directory export --format csv [--output FILE] [--include-confidential]
    vern directory import FILE (--municipality NNNN | --national | --all-owners) [--dry-run]

The export is the public one: public services only, confidential addresses
left out, no staff e-mail addresses. ``--include-confidential`` makes a
full copy for staff and operations (every service, confidential addresses,
verification data, editors), which import restores unchanged.

An import says whose records it brings: one municipality's (``--municipality``),
the national ones (``--national``), or, to restore a full copy, every owner's
(``--all-owners``). A record of another owner is refused, and no import ever
changes who owns a record.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from pathlib import Path

from django.core.management.base import (
    BaseCommand,
    CommandError,
    OutputWrapper,
    no_translations,
)
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from vern.audit.services import log_action
from vern.core.models import Municipality
from vern.directory import cards, hsds, search, signals
from vern.directory.importer import (
    Authority,
    FileProblem,
    count_services,
    import_data,
    read_file,
)
from vern.directory.importer.run import BATCH_SIZE
from vern.directory.models import Service
from vern.directory.selectors import public_services

CONFIDENTIAL_WARNING = (
    "WARNING: this export includes confidential addresses, staff e-mail addresses and "
    "services that are not public. Keep the file safe, delete it when done, and never "
    "publish it."
)


class Progress:
    """Progress on stderr: "Importing [#####.....] 1200 of 2000 services (60%)".

    On a terminal the line is redrawn in place every ``step`` records; when
    stderr is a file or a pipe, a plain line is written every tenth of the way.
    Files smaller than ``MINIMUM`` are done before it would help, so they get
    none, unless ``force`` is true (``--progress``); ``force`` false
    (``--no-progress``) never draws it.
    """

    WIDTH = 30
    MINIMUM = 200  # smaller files are done before a bar would help

    def __init__(self, stream, total: int, label: str, *, force: bool | None = None):
        self.stream = stream
        self.total = total
        self.label = label
        self.enabled = total > 0 and (total >= self.MINIMUM if force is None else force)
        self.step = max(1, total // 50)
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.drawn = 0
        if self.enabled and not self.tty:
            self.step = max(1, total // 10)

    def line(self, done: int) -> str:
        filled = self.WIDTH * done // max(1, self.total)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        percent = 100 * done // max(1, self.total)
        return f"{self.label} [{bar}] {done} of {self.total} services ({percent}%)"

    def __call__(self, done: int) -> None:
        # ``done`` may jump (the export counts an organisation's services at once).
        if not self.enabled or (done // self.step == self.drawn // self.step and done < self.total):
            return
        self.drawn = done
        line = self.line(done)
        text = ("\r" + line) if self.tty else line + "\n"
        if self.tty and done >= self.total:
            text += "\n"
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()


def migration_problem() -> str | None:
    """Why the database cannot be used yet, or ``None`` when it is migrated.

    Asked only after a query failed, so a database that works costs nothing:
    a new, empty database has none of Vern's tables, and one an upgrade has
    not been applied to lacks a migration.
    """
    try:
        if not {Service._meta.db_table, "django_migrations"} <= set(
            connection.introspection.table_names()
        ):
            return "The database is not set up: run `vern migrate` first."
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return "The database is not up to date: run `vern migrate` first."
    except DatabaseError:
        return None
    return None


class _Raw:
    """Writes through a command's output wrapper without its added line endings."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


def _write_file(path: Path, writer, *, full: bool, progress) -> int:
    """Write an export to ``path`` through a temporary file beside it, then rename.

    The temporary file is created readable by its owner only (``mkstemp``), so
    confidential addresses are never in a file others can read, not even for
    a moment; a public export then gets the usual permissions (umask). A write
    that fails removes the temporary file and leaves ``path`` as it was.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            count = writer(stream, full=full, progress=progress)
        if not full:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return count


class Command(BaseCommand):
    help = (
        "Export the service directory as HSDS 3.0 JSON or CSV, import HSDS JSON, "
        "or rebuild the search index."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="Write the directory to a file or stdout.")
        export.add_argument("--format", choices=["hsds-json", "csv"], default="hsds-json")
        export.add_argument("--output", "-o", help="File to write (default: standard output).")
        export.add_argument(
            "--include-confidential",
            action="store_true",
            help=(
                "Full copy for staff and operations: every service, confidential "
                "addresses, verification data and editors. Never publish it."
            ),
        )
        importer = sub.add_parser("import", help="Read an HSDS JSON file into the directory.")
        importer.add_argument(
            "file",
            help="HSDS JSON file (Vern's export or an HSDS package); CSV cannot be imported.",
        )
        importer.add_argument(
            "--dry-run", action="store_true", help="Check and report; save nothing."
        )
        who = importer.add_mutually_exclusive_group(required=True)
        who.add_argument(
            "--municipality",
            metavar="NNNN",
            help="Import for this municipality (its number): only its records are created or "
            "changed; records that name no owner become its own.",
        )
        who.add_argument(
            "--national",
            action="store_true",
            help="Import national records (owned by no municipality) only.",
        )
        who.add_argument(
            "--all-owners",
            action="store_true",
            help="Restore a full copy: records of every owner may be created or changed "
            "(an owner is still never changed).",
        )
        reindex = sub.add_parser(
            "reindex",
            help="Rebuild every service's search text and index entry (after an upgrade "
            "that changes how search text is built, or after changing rows with SQL).",
        )
        for parser_ in (export, importer, reindex):
            parser_.add_argument(
                "--progress",
                action=argparse.BooleanOptionalAction,
                default=None,
                help="Show progress on standard error (default: for 200 services or more).",
            )

    @no_translations  # messages in English, like the rest of the command line
    def handle(self, *args, subcommand: str, **options):
        try:
            if subcommand == "export":
                self.export(options)
            elif subcommand == "reindex":
                self.reindex(options)
            else:
                self.import_(options)
        except DatabaseError as error:
            problem = migration_problem()
            if problem is None:
                raise
            done = "Nothing was written." if subcommand == "export" else "Nothing was saved."
            raise CommandError(f"{problem} {done}") from error

    # --- reindex ---

    def reindex(self, options) -> None:
        services = Service.objects.select_related("organization").prefetch_related(
            "terms", "translations"
        )
        progress = Progress(
            self.stderr, services.count(), "Indexing", force=options.get("progress")
        )
        done = 0
        batch: list = []
        with transaction.atomic():
            for service in services.iterator(chunk_size=search.CARD_BATCH):
                search.index_service(service, card=False)
                batch.append(service.pk)
                if len(batch) == search.CARD_BATCH:
                    cards.store(batch)  # the result cards, rendered in batches
                    batch = []
                done += 1
                progress(done)
            cards.store(batch)
            signals.announce(everything=True)  # every process's guide builds again
        self.stdout.write(f"Indexed {done} services.")

    # --- export ---

    def export(self, options) -> None:
        full = options["include_confidential"]
        if full:
            self.stderr.write(CONFIDENTIAL_WARNING)
        output = options.get("output")
        fmt = options["format"]
        writer = hsds.write_json_export if fmt == "hsds-json" else hsds.write_csv_export
        total = Service.objects.count() if full else public_services().count()
        progress = Progress(self.stderr, total, "Exporting", force=options.get("progress"))
        if output:
            try:
                count = _write_file(Path(output), writer, full=full, progress=progress)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror or error}") from None
        else:
            try:
                count = writer(_Raw(self.stdout), full=full, progress=progress)
            except BrokenPipeError:  # `vern directory export | head`: the reader left
                return
        if full:
            with transaction.atomic():
                log_action(
                    actor=None,
                    action="export",
                    code="directory.export.confidential",
                    object_type="directory.service",
                    detail={"format": fmt, "services": count},
                )
        self.stderr.write(f"Exported {count} services ({fmt}).")

    # --- import ---

    def _authority(self, options) -> Authority:
        if options.get("all_owners"):
            return Authority(every_owner=True)
        if options.get("national"):
            return Authority(national=True)
        number = options.get("municipality")
        if not number:
            raise CommandError(
                "Say whose records the file brings: --municipality NNNN, --national or "
                "--all-owners. Nothing was saved."
            )
        municipality = Municipality.objects.filter(number=number).first()
        if municipality is None:
            raise CommandError(f"No municipality has the number {number!r}. Nothing was saved.")
        return Authority(municipality=municipality)

    def import_(self, options) -> None:
        path = options["file"]
        authority = self._authority(options)
        try:
            data = read_file(path)
        except FileProblem as problem:
            raise CommandError(f"{problem}\nNothing was saved.") from None
        progress = Progress(
            self.stderr, count_services(data), "Importing", force=options.get("progress")
        )
        report = import_data(
            data, authority=authority, dry_run=options["dry_run"], progress=progress
        )
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if report.problems:
            for problem in report.problems:
                self.stderr.write(str(problem))
            if report.batches_saved:
                raise CommandError(
                    f"{len(report.problems)} problem(s) in {path}. The first "
                    f"{report.services_saved} services were saved (in batches of "
                    f"{BATCH_SIZE}); nothing after them. Correct the file and import it "
                    "again: records are matched by id, so the saved ones come back unchanged."
                )
            raise CommandError(f"{len(report.problems)} problem(s) in {path}. Nothing was saved.")
        summary = report.summary() or "nothing to import"
        if report.dry_run:
            self.stdout.write(f"Dry run: the file is fine ({summary}). Nothing was saved.")
        else:
            self.stdout.write(f"Imported {path}: {summary}.")
