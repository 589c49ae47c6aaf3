"""Importing volunteers from CSV or XLSX, and the columns shared with the export.

One row of a file is one person and one registration, saved together or not at all. The admin's
import page and ``manage.py import_volunteers`` both call ``volunteers_import``:

- by default every row is saved or none is (one transaction, rolled back on any rejected row);
- with ``partial=True`` the valid rows are saved and the rejected ones come back as a file with
  an error column (each row in its own savepoint, so a row is never half saved);
- with ``dry_run=True`` every row is checked, against the database too (the national IDs,
  passports and registration numbers taken), and nothing is written.

Column headers may be the English keys (``national_id``) or the Thai names the export writes in
Thai (เลขประจำตัวประชาชน). Cleaning is the models' own (their fields' ``clean`` and the models'
``clean``, as ``full_clean`` runs them), so the admin, the staff forms and the import refuse the
same things with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from django.db import transaction

from .cleaning import _REGISTRATION_READS, _REGISTRATION_VOLUNTEER_READS, _VOLUNTEER_READS
from .columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    DUPLICATE_MESSAGES,
    ERRORS_COLUMN,
    REGISTRATION_COLUMNS,
    REQUIRED_KEYS,
    ROW_COLUMN,
    VOLUNTEER_COLUMNS,
    Column,
    _map_headers,
    cell_text,
    header,
)
from .export_rows import (
    EXPORT_DAY_ZERO,
    EXPORT_REGISTRATION_DATES,
    EXPORT_REGISTRATION_FIELDS,
    EXPORT_VOLUNTEER_DATES,
    EXPORT_VOLUNTEER_FIELDS,
    ExportRows,
)
from .files import (
    ImportFileError,
    Table,
    open_source,
    open_table,
    read_table,
    store_upload,
    write_table,
)
from .importer import _Importer
from .report import PREVIEW_ROWS, REJECTED_ROWS_KEPT, ImportReport, RowReport
from .values import parse_date_cell

__all__ = [
    "COLUMNS",
    "COLUMN_BY_KEY",
    "DUPLICATE_MESSAGES",
    "ERRORS_COLUMN",
    "EXPORT_DAY_ZERO",
    "EXPORT_REGISTRATION_DATES",
    "EXPORT_REGISTRATION_FIELDS",
    "EXPORT_VOLUNTEER_DATES",
    "EXPORT_VOLUNTEER_FIELDS",
    "IMPORT_CHUNK_ROWS",
    "PREVIEW_ROWS",
    "REGISTRATION_COLUMNS",
    "REJECTED_ROWS_KEPT",
    "REQUIRED_KEYS",
    "ROW_COLUMN",
    "VOLUNTEER_COLUMNS",
    "_REGISTRATION_READS",
    "_REGISTRATION_VOLUNTEER_READS",
    "_VOLUNTEER_READS",
    "Column",
    "ExportRows",
    "ImportFileError",
    "ImportReport",
    "RowReport",
    "Table",
    # Read or patched by the tests.
    "_Importer",
    "cell_text",
    "header",
    "open_source",
    "open_table",
    "parse_date_cell",
    "read_table",
    "store_upload",
    "volunteers_import",
    "write_table",
]


# Rows checked and written together: a few queries a chunk, whatever its length.
IMPORT_CHUNK_ROWS = 2000


def _blank(cells: list) -> bool:
    return all(not cell_text(cell) for cell in cells)


def _numbered(rows: Iterable[list]) -> Iterator[list[tuple[int, list]]]:
    """The rows in chunks of IMPORT_CHUNK_ROWS, each with its line in the file."""
    chunk = []
    for number, cells in enumerate(rows, start=2):
        chunk.append((number, cells))
        if len(chunk) == IMPORT_CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def volunteers_import(
    *,
    actor,
    content: bytes | BinaryIO,
    file_name: str,
    partial: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Import a CSV or XLSX file of volunteers, one person and one registration per row.

    ``content`` is the file's bytes, a binary file, or what ``store_upload`` kept of one. It is
    read and written a chunk of rows at a time (IMPORT_CHUNK_ROWS), all in one transaction:
    a few queries a chunk and the memory of one chunk, whatever the file's length.

    ``actor`` is the user importing (None for the command line, which may use every centre);
    centre codes outside their scope are refused. Raises ImportFileError when the file as a
    whole cannot be read; row problems are in the report, with the row, column and message.
    ``progress(done, None)`` is called after each chunk with the rows read so far.
    """
    table = open_table(content, file_name)
    positions, warnings, shown = _map_headers(table.headers)
    report = ImportReport(
        file_name=file_name,
        format=table.format,
        headers=list(table.headers),
        dry_run=dry_run,
        partial=partial,
        warnings=warnings,
    )
    importer = _Importer(actor, positions, shown)
    done = 0
    with transaction.atomic():
        chunks = _numbered(table.rows)
        chunk = next(chunks, None)
        while chunk is not None:
            following = next(chunks, None)
            rows = []
            for number, cells in chunk:
                if _blank(cells):
                    report.blank_rows += 1
                else:
                    rows.append(RowReport(number=number, cells=list(cells)))
            valid = importer.check_chunk(rows)
            importer.save_chunk(valid, more=following is not None, write=not dry_run)
            for row in rows:
                report.add(row)
                report.saved_count += row.saved
            done += len(chunk)
            if progress is not None:
                progress(done, None)
            chunk = following
        importer.finish()
        report.committed = not dry_run and (partial or not report.rejected_count)
        if not report.committed:
            transaction.set_rollback(True)
    if not report.committed:
        report.saved_count = 0
        for row in [*report.rows, *report.kept_rejected]:
            row.saved = False
    return report
