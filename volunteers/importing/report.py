"""The report of an import: its counts, the preview's rows, the rejected rows' messages, and
the file of rejected rows."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext

from .columns import ERRORS_COLUMN, ROW_COLUMN, header
from .files import _BLOCK, write_table

# The report keeps the first rows for the preview and the first rejected rows for their
# messages; a file's other rows are counted, and its rejected rows written to a temporary file
# for the rejects file. Its size does not grow with the file's.
PREVIEW_ROWS = 500
REJECTED_ROWS_KEPT = 1000


@dataclass
class RowReport:
    number: int  # the row's line in the spreadsheet; the header is line 1
    cells: list
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    label: str = ""
    saved: bool = False

    def error_texts(self) -> list[str]:
        return [f"{c}: {m}" if c else m for c, m in self.errors]


@dataclass
class ImportReport:
    file_name: str
    format: str
    headers: list
    dry_run: bool
    partial: bool
    rows: list[RowReport] = field(default_factory=list)  # the first PREVIEW_ROWS
    blank_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    committed: bool = False
    row_count: int = 0
    rejected_count: int = 0
    saved_count: int = 0
    kept_rejected: list[RowReport] = field(default_factory=list)  # the first rejected rows
    # Every rejected row (cells, number, errors), pickled one after another.
    _rejects: tempfile.SpooledTemporaryFile | None = field(default=None, repr=False)

    def add(self, row: RowReport) -> None:
        """Count ``row`` once it is checked (and saved, or not)."""
        self.row_count += 1
        if len(self.rows) < PREVIEW_ROWS:
            self.rows.append(row)
        if not row.errors:
            return
        self.rejected_count += 1
        if len(self.kept_rejected) < REJECTED_ROWS_KEPT:
            self.kept_rejected.append(row)
        if self._rejects is None:
            self._rejects = tempfile.SpooledTemporaryFile(max_size=_BLOCK)  # noqa: SIM115
        pickle.dump((row.cells, row.number, "; ".join(row.error_texts())), self._rejects)

    @property
    def rejected(self) -> list[RowReport]:
        """The rejected rows, the first REJECTED_ROWS_KEPT of them."""
        return self.kept_rejected

    @property
    def valid(self) -> list[RowReport]:
        """The valid rows among the first PREVIEW_ROWS."""
        return [row for row in self.rows if not row.errors]

    @property
    def valid_count(self) -> int:
        return self.row_count - self.rejected_count

    def error_lines(self) -> list[str]:
        return [
            gettext("Row %(row)d, %(column)s: %(message)s")
            % {"row": row.number, "column": column, "message": message}
            if column
            else gettext("Row %(row)d: %(message)s") % {"row": row.number, "message": message}
            for row in self.kept_rejected
            for column, message in row.errors
        ]

    def summary(self) -> str:
        if self.dry_run:
            text = gettext(
                "Checked %(rows)d rows: %(valid)d valid, %(rejected)d rejected; nothing saved."
            )
        elif self.committed:
            text = gettext("Imported %(saved)d of %(rows)d rows; %(rejected)d rejected.")
        else:
            text = gettext("Nothing saved: %(rejected)d of %(rows)d rows were rejected.")
        text %= {
            "rows": self.row_count,
            "valid": self.valid_count,
            "rejected": self.rejected_count,
            "saved": self.saved_count,
        }
        if self.blank_rows:
            text += " " + gettext("%(blank)d blank rows skipped.") % {"blank": self.blank_rows}
        return text

    def _rejected_rows(self) -> Iterator[list]:
        if self._rejects is None:
            return
        self._rejects.seek(0)
        while True:
            try:
                # Our own temporary file, written by add().
                cells, number, errors = pickle.load(self._rejects)  # noqa: S301
            except EOFError:
                return
            # The cells go back as they came (write_table defuses them: they are what someone
            # else typed).
            yield [*cells, number, errors]

    def rejects_file(self) -> bytes:
        """Every rejected row as it came, with its row number and errors appended."""
        headers = [*self.headers, header(ROW_COLUMN), header(ERRORS_COLUMN)]
        return write_table(headers, self._rejected_rows(), self.format)

    def rejects_file_name(self) -> str:
        stem = PurePath(self.file_name).stem or "volunteers"
        return f"{stem}-rejected.{self.format}"

    def as_json(self) -> dict:
        errors = self.error_lines()
        return {
            "summary": self.summary(),
            "rows": self.row_count,
            "valid": self.valid_count,
            "rejected": self.rejected_count,
            "saved": self.saved_count,
            "blank_rows": self.blank_rows,
            "committed": self.committed,
            "warnings": self.warnings,
            "errors": errors,
            # Rejected rows whose messages are not listed (beyond REJECTED_ROWS_KEPT).
            "errors_not_listed": self.rejected_count - len(self.kept_rejected),
            "preview": [
                {
                    "row": row.number,
                    "label": row.label,
                    "saved": row.saved,
                    "errors": row.error_texts(),
                }
                for row in self.rows
            ],
        }
