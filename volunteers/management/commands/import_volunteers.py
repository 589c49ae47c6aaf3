import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from volunteers.importing import ImportFileError, volunteers_import

# Exit codes: 0 every row imported (or valid, with --dry-run); 1 some row rejected; 2 the file
# itself could not be imported, or the --rejects file could not be written.
REJECTED, UNREADABLE = 1, 2


class Command(BaseCommand):
    help = (
        "Import volunteers from a CSV or XLSX file, one volunteer and registration a row. "
        "Saves every row or none unless --partial. Exits 1 when any row is rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="save the valid rows even when others are rejected",
        )
        parser.add_argument(
            "--rejects", metavar="OUT", help="write the rejected rows, with their errors, here"
        )
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="language of the messages (th, en)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}", returncode=UNREADABLE) from error
        with translation.override(options["language"]):
            self._import(path, content, options)

    def _import(self, path, content, options):
        with tqdm(unit="row", disable=options["verbosity"] == 0, file=sys.stderr) as bar:

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            try:
                report = volunteers_import(
                    actor=None,
                    content=content,
                    file_name=path.name,
                    partial=options["partial"],
                    dry_run=options["dry_run"],
                    progress=progress,
                )
            except ImportFileError as error:
                raise CommandError(error.message, returncode=UNREADABLE) from error
        for warning in report.warnings:
            self.stderr.write(warning)
        for line in report.error_lines():
            self.stderr.write(line)
        if options["rejects"] and report.rejected:
            out = Path(options["rejects"])
            try:
                out.write_bytes(report.rejects_file())
            except OSError as error:
                # The rows saved (with --partial) stay saved: say so beside the failure.
                raise CommandError(
                    f"{report.summary()} The rejected rows could not be written to {out}: "
                    f"{error.strerror or error}",
                    returncode=UNREADABLE,
                ) from error
        if report.rejected:
            raise CommandError(report.summary(), returncode=REJECTED)
        self.stdout.write(self.style.SUCCESS(report.summary()))
