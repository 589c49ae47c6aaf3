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

import codecs
import csv
import datetime as dt
import gzip
import io
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from inspect import getattr_static
from pathlib import PurePath
from typing import BinaryIO

import openpyxl
import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import DatabaseDefault
from django.db.models.query_utils import DeferredAttribute
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import XLSX

from centres.models import Centre, Subdistrict
from volunteer_centre.identity import format_national_id, format_phone
from volunteer_centre.spreadsheets import safe_cell, safe_texts
from volunteer_centre.thai import BE_OFFSET, BE_THRESHOLD, to_arabic_digits
from volunteers.countries import thai_countries
from volunteers.models import (
    BIRTH_DATE_REQUIRED,
    PROGRAMME_ABBREVIATIONS,
    Programme,
    Registration,
    Sex,
    Volunteer,
)

# -- columns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the English header, and what the README documents
    label: Promise  # translated: the Thai header
    field: str = ""  # the model field, when not the key
    kind: str = "text"  # text, date, choice, country, centre, subdistrict

    @property
    def model_field(self) -> str:
        return self.field or self.key


VOLUNTEER_COLUMNS = [
    Column("national_id", _("national ID")),
    Column("passport_number", _("passport number")),
    Column("nationality", _("nationality"), kind="country"),
    Column("title", pgettext_lazy("name", "title")),
    Column("first_name", _("first name")),
    Column("last_name", _("last name")),
    Column("name_latin", _("name in Latin script")),
    Column("birth_date", _("birth date"), kind="date"),
    Column("sex", _("sex"), kind="choice"),
    Column("phone", _("phone")),
    Column("email", _("email")),
    Column("line_id", _("LINE ID")),
    Column("house_number", _("house number")),
    Column("moo", _("village no. (หมู่ที่)")),
    Column("village", _("village or building")),
    Column("soi", _("lane (ตรอก/ซอย)")),
    Column("road", _("road")),
    Column("subdistrict_code", _("subdistrict code"), field="subdistrict", kind="subdistrict"),
    Column("postcode", _("postcode")),
    Column("skills", _("skills")),
    Column("languages", _("languages")),
]
REGISTRATION_COLUMNS = [
    Column("programme", _("programme"), kind="choice"),
    Column("centre_code", _("centre code"), field="centre", kind="centre"),
    Column("registration_number", _("registration number"), field="number"),
    Column("registered_on", _("registered on"), kind="date"),
    Column("status", _("status"), kind="choice"),
    Column("ended_on", _("ended on"), kind="date"),
    Column("end_reason", _("reason for ending")),
    Column("other_ministry", _("ministry")),
    Column("visa_type", _("visa type")),
    Column("visa_expires_on", _("visa expires on"), kind="date"),
    Column("work_permit_number", _("work permit number")),
    Column("host_organisation", _("host organisation")),
    Column("certifying_agency", _("certifying agency")),
    Column("service_starts_on", _("service starts on"), kind="date"),
    Column("service_ends_on", _("service ends on"), kind="date"),
]
COLUMNS = VOLUNTEER_COLUMNS + REGISTRATION_COLUMNS
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
_COLUMN_BY_FIELD = {
    (model, c.model_field): c
    for model, columns in ((Volunteer, VOLUNTEER_COLUMNS), (Registration, REGISTRATION_COLUMNS))
    for c in columns
}
REQUIRED_KEYS = ["first_name", "programme", "centre_code", "registered_on"]
_NULLABLE = {"national_id"}
DUPLICATE_MESSAGES = {
    "national_id": _("A volunteer with this national ID is already registered."),
    "passport_number": _("A volunteer with this passport is already registered."),
    "registration_number": _("This registration number is already used in this programme."),
}
# Unique indexes of the database, by a fragment of their names.
_CONSTRAINT_KEYS = {
    "national_id": "national_id",
    "passport_number": "unique_passport",
    "registration_number": "registration_number_unique",
}

# The two columns a file of rejected rows adds; a corrected file may keep them.
ROW_COLUMN = Column("row", _("row"))
ERRORS_COLUMN = Column("errors", _("errors"))


def header(column: Column) -> str:
    """The header of ``column`` in the active language: the key in English, Thai in Thai."""
    if (translation.get_language() or "").startswith("th"):
        return str(column.label)
    return column.key


def _header_key(text) -> str:
    return " ".join(str(text or "").replace("_", " ").replace("*", " ").split()).casefold()


def _header_table() -> dict[str, str]:
    table = {}
    for column in [*COLUMNS, ROW_COLUMN, ERRORS_COLUMN]:
        table[_header_key(column.key)] = column.key
        for language in ("en", "th"):
            with translation.override(language):
                table[_header_key(column.label)] = column.key
    return table


# -- reading files ------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not CSV or XLSX, unreadable, columns missing)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass
class Table:
    headers: list
    rows: Iterable[list]  # data rows; row i is line i + 2 of the spreadsheet (the header is 1)
    format: str  # "csv" or "xlsx"


_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
# Old Excel (.xls), PDF and images: say what the file is not, rather than "bad CSV".
_BINARY_MAGIC = (b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
_BLOCK = 1 << 20


def open_source(content: bytes | BinaryIO) -> BinaryIO:
    """A seekable binary file of ``content``: bytes, a file, or what ``store_upload`` kept."""
    file = io.BytesIO(content) if isinstance(content, bytes | bytearray | memoryview) else content
    file.seek(0)
    if file.read(2) == _GZIP_MAGIC:
        file.seek(0)
        return gzip.GzipFile(fileobj=file, mode="rb")
    file.seek(0)
    return file


def store_upload(upload: BinaryIO) -> bytes:
    """What the preview keeps of an upload until it is confirmed: a CSV gzipped (a fifth of
    its size, read back as a stream), an XLSX as it is (already compressed)."""
    upload.seek(0)
    if upload.read(4) == _ZIP_MAGIC:
        upload.seek(0)
        return upload.read()
    upload.seek(0)
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as packed:
        while block := upload.read(_BLOCK):
            packed.write(block)
    return out.getvalue()


def _utf8(file: BinaryIO) -> bool:
    """Whether all of ``file`` is UTF-8, read a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while block := file.read(_BLOCK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


def open_table(content: bytes | BinaryIO, file_name: str) -> Table:
    """The first sheet of an XLSX file or a CSV file (UTF-8, or Windows Thai cp874), its rows
    read as they are iterated: a file of any length in the memory of a few rows."""
    file = open_source(content)
    suffix = PurePath(file_name or "").suffix.lower()
    not_ours = ImportFileError(
        _("Only CSV and XLSX files can be imported: «%(name)s» is neither.") % {"name": file_name}
    )
    start = file.read(4096)
    file.seek(0)
    if suffix == ".xlsx" or (start.startswith(_ZIP_MAGIC) and suffix != ".csv"):
        if not start.startswith(_ZIP_MAGIC):
            raise not_ours
        unreadable = _("This Excel file cannot be read: save it again as .xlsx or .csv.")
        try:
            # read_only: rows are parsed from the sheet's XML as they are asked for.
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
            rows = book.active.iter_rows(values_only=True)
            headers = list(next(rows, None) or [])
        except Exception as error:  # openpyxl raises many kinds on a damaged workbook
            raise ImportFileError(unreadable) from error

        def sheet_rows():
            try:
                for row in rows:
                    yield list(row)
            except Exception as error:
                raise ImportFileError(unreadable) from error
            finally:
                book.close()

        return Table(headers, sheet_rows(), "xlsx")
    if suffix not in (".csv", ".txt", ""):
        raise not_ours
    if b"\x00" in start or start.startswith((_ZIP_MAGIC, *_BINARY_MAGIC)):
        raise not_ours
    # Excel on Thai Windows saves CSV in the Thai code page.
    encoding, errors = ("utf-8-sig", "strict") if _utf8(file) else ("cp874", "replace")
    text = io.TextIOWrapper(file, encoding=encoding, errors=errors, newline="")
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)
    headers = next(reader, None)
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    return Table(headers, reader, "csv")


def read_table(content: bytes, file_name: str) -> Table:
    """``open_table`` with every row read: for files of a size that fits in memory."""
    table = open_table(content, file_name)
    return Table(table.headers, list(table.rows), table.format)


def write_table(headers: list, rows: Iterable[list], file_format: str) -> bytes:
    """A CSV (UTF-8 with the byte-order mark Excel needs for Thai) or XLSX file."""
    if file_format == "xlsx":
        return XLSX().export_data(tablib.Dataset(*rows, headers=headers))
    # What tablib writes (csv.writer, Excel's dialect), a row at a time.
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


# -- cell values ----------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\xa0"), " ")
# What safe_cell puts an apostrophe before (tab and CR are gone once spaces are collapsed).
_DEFUSED = ("=", "+", "-", "@")


def cell_text(value) -> str:
    """A cell as text: integers stay integers (Excel keeps IDs and phones as numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    text = " ".join(str(value).translate(_INVISIBLE).split())
    if text[:1] == "'" and text[1:2] in _DEFUSED:
        return text[1:]  # written by safe_cell in an export or a rejects file: undo it
    return text


_THAI_MONTHS = {
    name.replace(".", ""): number
    for number, names in enumerate(
        [
            ("ม.ค.", "มกราคม"),
            ("ก.พ.", "กุมภาพันธ์"),
            ("มี.ค.", "มีนาคม"),
            ("เม.ย.", "เมษายน"),
            ("พ.ค.", "พฤษภาคม"),
            ("มิ.ย.", "มิถุนายน"),
            ("ก.ค.", "กรกฎาคม"),
            ("ส.ค.", "สิงหาคม"),
            ("ก.ย.", "กันยายน"),
            ("ต.ค.", "ตุลาคม"),
            ("พ.ย.", "พฤศจิกายน"),
            ("ธ.ค.", "ธันวาคม"),
        ],
        start=1,
    )
    for name in names
}
_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_THAI_WORDS = re.compile(r"^(\d{1,2})\s*([ก-๛.]+)\s*(\d{4})$")


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(_("There is no such day."), code="no_such_day") from None


def parse_date_cell(value) -> dt.date | None:
    """A date as people type it: 25/05/2535 (BE) or 25/05/1992, 1992-05-25, 25 พ.ค. 2535.

    A four-digit year of 2400 or more is Buddhist Era. The yyyy-mm-dd form is Gregorian only,
    so a BE year there is refused rather than guessed; so are two-digit years.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value.year >= BE_THRESHOLD:  # a BE date typed into an Excel date cell
            return _date(value.year - BE_OFFSET, value.month, value.day)
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValidationError(
            _("Format this cell as text and write the date as dd/mm/yyyy, such as 25/05/2535."),
            code="date_number",
        )
    text = to_arabic_digits(cell_text(value))
    if not text:
        return None
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        if year >= BE_THRESHOLD:
            raise ValidationError(
                _(
                    "«%(text)s» has a Buddhist Era year in the year-month-day form, which is for "
                    "Gregorian years: write %(ce)04d-%(month)02d-%(day)02d, or "
                    "%(day)02d/%(month)02d/%(year)d."
                ),
                code="date_be_in_iso",
                params={"text": text, "ce": year - BE_OFFSET, "year": year, "month": month,
                        "day": day},
            )  # fmt: skip
        return _date(year, month, day)
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif (match := _THAI_WORDS.match(text)) and match[2].replace(".", "") in _THAI_MONTHS:
        day, month, year = int(match[1]), _THAI_MONTHS[match[2].replace(".", "")], int(match[3])
    else:
        raise ValidationError(
            _("«%(text)s» is not a date: write it as 25/05/2535 (B.E.) or 1992-05-25."),
            code="date_format",
            params={"text": text},
        )
    if len(match.groups()[-1]) != 4:
        # Two digits leave the century to guess; more than four is no year at all (and would
        # overflow the date type).
        raise ValidationError(
            _("Write the year with four digits (2535 or 1992), not «%(year)s»."),
            code="date_short_year",
            params={"year": match.groups()[-1]},
        )
    return _date(year - BE_OFFSET if year >= BE_THRESHOLD else year, month, day)


def _choice_key(text) -> str:
    return str(text).replace(".", "").replace(" ", "").casefold()


def _choice_table(choices, extra: dict | None = None) -> tuple[dict[str, str], list[str]]:
    """Accepted spellings -> value, and the spellings an error message suggests."""
    table, shown = {}, []
    for value, label in choices:
        table[_choice_key(value)] = value
        shown.append(str(value))
        for language in ("en", "th"):
            with translation.override(language):
                table[_choice_key(label)] = value
    for alias, value in (extra or {}).items():
        table[_choice_key(alias)] = value
        shown.append(alias)
    return table, shown


_CHOICES = {
    "programme": lambda: _choice_table(
        Programme.choices,
        {abbr: code for code, abbr in PROGRAMME_ABBREVIATIONS.items()}
        | {"เครือข่าย": Programme.NETWORK},
    ),
    "status": lambda: _choice_table(Registration.Status.choices),
    "sex": lambda: _choice_table(
        Sex.choices, {"ชาย": Sex.MALE, "หญิง": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE}
    ),
}


# -- the export side: one volunteer and one of their registrations as a row ---------------------

# What export rows are made of: a volunteer's and a registration's fields as plain values, in the
# order of the columns (``values_list(*EXPORT_VOLUNTEER_FIELDS)``), so that an export of a
# million rows builds no model instances. A subdistrict's id is its code; the centre's code is
# joined.
EXPORT_VOLUNTEER_FIELDS = [c.model_field for c in VOLUNTEER_COLUMNS]
EXPORT_REGISTRATION_FIELDS = [
    "centre__code" if c.kind == "centre" else c.model_field for c in REGISTRATION_COLUMNS
]
# Positions of the date columns among the fields above, read as days since EXPORT_DAY_ZERO.
EXPORT_DAY_ZERO = dt.date(2000, 1, 1)
EXPORT_VOLUNTEER_DATES = frozenset(i for i, c in enumerate(VOLUNTEER_COLUMNS) if c.kind == "date")
EXPORT_REGISTRATION_DATES = frozenset(
    i for i, c in enumerate(REGISTRATION_COLUMNS) if c.kind == "date"
)
_AT = {c.key: i for i, c in enumerate(COLUMNS)}
_DATES = [i for i, c in enumerate(COLUMNS) if c.kind == "date"]
# Written by their Thai names in Thai (the import reads both).
_NAMED = [(i, c.key) for i, c in enumerate(COLUMNS) if c.kind in ("choice", "country")]


class ExportRows:
    """Turns volunteers and their registrations, read as EXPORT_*_FIELDS, into the export's
    cells in the active language, in forms the import reads back, defused (safe_cell).

    Made once per export: the names of choices and countries are looked up once each, through
    the models' own display methods, rather than once per row.
    """

    def __init__(self):
        # The language of the request, kept: a streamed file is made after the view returns.
        self.language = translation.get_language()
        self.thai = (self.language or "").startswith("th")
        self.headers = [header(c) for c in COLUMNS]
        self._names: dict[tuple[str, str], str] = {}

    def _name(self, key: str, value: str) -> str:
        if (key, value) not in self._names:
            with translation.override(self.language):
                if key == "nationality":
                    name = Volunteer(nationality=value).nationality_display
                elif key == "sex":
                    name = Volunteer(sex=value).get_sex_display()
                elif key == "programme":
                    name = Registration(programme=value).programme_abbreviation
                else:
                    name = Registration(status=value).get_status_display()
                self._names[key, value] = str(name)
        return self._names[key, value]

    def _day(self, days: str) -> str:
        if not days:
            return ""
        day = EXPORT_DAY_ZERO + dt.timedelta(days=int(days))
        if self.thai:
            return f"{day.day:02d}/{day.month:02d}/{day.year + BE_OFFSET}"
        return day.isoformat()

    def columns(self, columns: list[Sequence[str]]) -> list[Sequence[str]]:
        """The export's columns of a chunk, from its ``columns`` as read: EXPORT_*_FIELDS in
        the order of COLUMNS, all as text (dates as days since EXPORT_DAY_ZERO, "" for none).

        Column by column, not cell by cell: most columns are looked up through a table
        (_Texts) in one ``map``, and no tuple is made for a row.
        """
        columns = list(columns)
        columns[_NATIONAL_ID] = [*map(format_national_id, columns[_NATIONAL_ID])]
        columns[_PHONE] = [*map(format_phone, columns[_PHONE])]
        for i, table in self._tables:
            columns[i] = [*map(table.__getitem__, columns[i])]
        return [c if i in _OWN_TEXT else safe_texts(c) for i, c in enumerate(columns)]

    @cached_property
    def _tables(self) -> list[tuple[int, _Texts]]:
        # One table a column, from the text read to the text written. Dates repeat (birth
        # dates, registration days): each is written out once.
        tables = [(i, _Texts(self._day, {"": ""})) for i in _DATES]
        if self.thai:
            tables += [
                (i, _Texts(lambda value, key=key: self._name(key, value), {"": ""}))
                for i, key in _NAMED
            ]
        return tables


class _Texts(dict):
    """Texts by the values they are made from, each made by ``make`` the first time it is
    asked for; bounded (emptied past 100,000: the days of a century or so)."""

    def __init__(self, make: Callable, known: dict):
        super().__init__(known)
        self.make = make
        self.known = known

    def __missing__(self, value) -> str:
        if len(self) > 100_000:
            self.clear()
            self.update(self.known)
        text = self[value] = self.make(value)
        return text


_NATIONAL_ID, _PHONE = _AT["national_id"], _AT["phone"]
# Columns written from our own texts (dates, names of choices and countries), which never
# start like a formula: the others are defused (safe_texts).
_OWN_TEXT = frozenset(_DATES) | {i for i, _ in _NAMED}


# -- the report -----------------------------------------------------------------------------------

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
            # The cells go back as they came, but defused: they are what someone else typed.
            yield [safe_cell(cell) for cell in cells] + [number, safe_cell(errors)]

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
                {"row": row.number, "label": row.label, "saved": row.saved,
                 "errors": row.error_texts()}
                for row in self.rows
            ],
        }  # fmt: skip


# -- the import -----------------------------------------------------------------------------------

# Rows checked and written together: a few queries a chunk, whatever its length.
IMPORT_CHUNK_ROWS = 2000
# Cells and field values met again (dates, names, titles, centre codes) are parsed and cleaned
# once; a cache is emptied when it reaches this size, so that it stays small.
_CACHE_LIMIT = 20_000
_CACHEABLE = frozenset({str, int, float, bool, dt.date, type(None)})
_MISSING = object()


def _map_headers(headers: list) -> tuple[dict[str, int], list[str], dict[str, str]]:
    """Column key -> index; warnings about ignored columns; key -> header as in the file."""
    table = _header_table()
    positions, shown, warnings = {}, {}, []
    for index, text in enumerate(headers):
        if not cell_text(text):
            continue
        key = table.get(_header_key(text))
        if key is None:
            warnings.append(
                gettext("The column «%(header)s» is not one this import knows; it was ignored.")
                % {"header": cell_text(text)}
            )
            continue
        if key in positions:
            raise ImportFileError(
                _("Two columns, «%(first)s» and «%(second)s», both give %(what)s.")
                % {
                    "first": shown[key],
                    "second": cell_text(text),
                    "what": header(COLUMN_BY_KEY[key]),
                }
            )
        positions[key] = index
        shown[key] = cell_text(text)
    missing = [k for k in REQUIRED_KEYS if k not in positions]
    if "national_id" not in positions and "passport_number" not in positions:
        missing.insert(0, "national_id")
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; these are missing: %(columns)s.")
            % {"columns": ", ".join(header(COLUMN_BY_KEY[k]) for k in missing)}
        )
    return positions, warnings, shown


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _clean_field(instance, f) -> tuple[str, object]:
    """One step of Model.clean_fields(), as Django takes it: ("skip", None), ("ok", the cleaned
    value) or ("error", the field's error list)."""
    raw_value = getattr(instance, f.attname)
    if f.blank and raw_value in f.empty_values:
        return "skip", None
    if isinstance(raw_value, DatabaseDefault):
        return "skip", None
    try:
        return "ok", f.clean(raw_value, instance)
    except ValidationError as error:
        return "error", error.error_list


_VOLUNTEER_KEYS = frozenset(c.key for c in VOLUNTEER_COLUMNS)
# Checked against the tables read for the chunk, not by their fields' clean().
_ALWAYS_EXCLUDED = frozenset({"volunteer", "centre", "subdistrict"})
# A cell's outcome: read, or refused by the import's own reading (dates, choices, codes).
_PARSED, _PARSE_ERROR = "parsed", "parse_error"
# The columns a row's label is made of.
_LABELLED = frozenset({"first_name", "last_name", "national_id", "passport_number"})
# What Volunteer.clean() and Registration.clean() read of a row (keep these in step with them):
# their outcome is kept for each combination. Those in _READ_AS_TRUTH are only asked whether
# they are given, so the combination has whether they are, not the value (a national ID is
# different on every row).
_VOLUNTEER_READS = ("national_id", "passport_number", "nationality", "name_latin", "postcode",
                    "subdistrict")  # fmt: skip
_REGISTRATION_READS = ("programme", "registered_on", "status", "ended_on", "suspended_on",
                       "suspension_reason", "service_starts_on", "service_ends_on",
                       "other_ministry", "visa_expires_on")  # fmt: skip
_REGISTRATION_VOLUNTEER_READS = ("passport_number", "birth_date")
_READ_AS_TRUTH = frozenset({"national_id", "passport_number", "name_latin", "other_ministry",
                            "suspension_reason"})  # fmt: skip
_SEEN_TABLE = "volunteer_import_seen"


def _seen_key(kind: str, *value: str) -> str:
    # One text key for the three kinds: n(ational ID), p(assport: country, number),
    # r(egistration: programme, number).
    return "\x1f".join([kind, *value])


class _Importer:
    """Turns rows into a volunteer and a registration each, checks and saves them, a chunk of
    rows at a time: what the chunk refers to (centres, subdistricts, national IDs, passports and
    registration numbers already taken) is read in one query each, and its valid rows are
    written with COPY."""

    def __init__(self, actor, positions: dict[str, int], shown: dict[str, str]):
        self.actor = actor
        self.positions = [
            (COLUMN_BY_KEY[key], index)
            for key, index in positions.items()
            if key not in (ROW_COLUMN.key, ERRORS_COLUMN.key)
        ]
        self.shown = shown
        self.choices = {kind: build() for kind, build in _CHOICES.items()}
        self.centres: dict[str, Centre] = {}  # code (upper case) -> centre, as they are met
        self.allowed_centres: set[int] = set()
        self.subdistricts: dict[str, Subdistrict] = {}
        self._missing: set[str] = set()  # codes of this chunk that name nothing
        self._prepare_models()
        # The keys of this chunk already in the database, and those of this file's rows so far
        # with their row numbers (earlier chunks' in a temporary table: memory stays flat).
        self.existing_ids: set[str] = set()
        self.existing_passports: set[tuple[str, str]] = set()
        self.existing_numbers: set[tuple[str, str]] = set()
        self.seen_ids: dict[str, int] = {}
        self.seen_passports: dict[tuple[str, str], int] = {}
        self.seen_numbers: dict[tuple[str, str], int] = {}
        self._seen_table = False
        self._loaded_seen: set[str] = set()  # this chunk's keys read from that table
        self._sequences: tuple[str, str] | None = None

    def _prepare_models(self) -> None:
        """What check() needs of the models, worked out once per import: each column's slot
        (with its cache of outcomes), the fields' defaults and what cleaning them gives."""
        in_file = {c.model_field for c, _index in self.positions}
        self._plain_fields = {}
        self._defaults = {}
        self._per_row_defaults = []
        self._default_errors = []
        self._copy_fields = {}
        self._copy_templates: dict = {}
        self._clean_memo = {Volunteer: {}, Registration: {}}
        self._day_texts: dict[dt.date, str] = {}
        for model_index, model in enumerate((Volunteer, Registration)):
            fields = [f for f in model._meta.concrete_fields if not f.generated]
            self._copy_fields[model] = [f.name for f in model._meta.concrete_fields]
            self._plain_fields[model] = {
                f.name
                for f in fields
                if type(getattr_static(model, f.attname)) is DeferredAttribute
            }
            template = model()
            defaults = self._defaults[model] = {}
            for position, f in enumerate(fields):
                if f.is_relation:
                    defaults[f.name] = None
                    continue
                defaults[f.name] = template.__dict__[f.attname]
                if f.has_default() and callable(f.default):
                    self._per_row_defaults.append((model, f.name, f))
                if f.name in in_file or f.name in _ALWAYS_EXCLUDED:
                    continue
                # Not in the file: every row has the default, cleaned the same way.
                kind, value = _clean_field(template, f)
                if kind == "error":
                    self._default_errors.append(((model_index, position), f.name, value))
                elif kind == "ok" and not callable(f.default):
                    defaults[f.name] = value
        positions = {}
        for model_index, model in enumerate((Volunteer, Registration)):
            fields = [f for f in model._meta.concrete_fields if not f.generated]
            for i, f in enumerate(fields):
                positions[model, f.name] = (model_index, i)
        self.slots = []
        for column, index in self.positions:
            model = Volunteer if column.key in _VOLUNTEER_KEYS else Registration
            self.slots.append(
                (
                    column,
                    index,
                    {},
                    model,
                    column.model_field,
                    positions[model, column.model_field],
                    column.key in _LABELLED,
                )
            )
        self._label = {"first_name": "", "last_name": "", "national_id": None,
                       "passport_number": ""}  # fmt: skip

    def _shown(self, key: str) -> str:
        if not key:
            return ""
        return self.shown.get(key) or header(COLUMN_BY_KEY[key])

    # -- one chunk's references

    def _column_values(self, rows: list[RowReport], key: str) -> set[str]:
        index = dict((c.key, i) for c, i in self.positions).get(key)
        if index is None:
            return set()
        return {cell_text(row.cells[index]) for row in rows if index < len(row.cells)} - {""}

    def _prepare(self, rows: list[RowReport]) -> None:
        self._missing = set()
        codes = {c.upper() for c in self._column_values(rows, "centre_code")} - self.centres.keys()
        if codes:
            found = {c.code.upper(): c for c in Centre.objects.filter(code__in=codes)}
            allowed = Centre.objects.all() if self.actor is None else Centre.objects.writable_by(
                self.actor)  # fmt: skip
            self.allowed_centres |= set(
                allowed.filter(pk__in=[c.pk for c in found.values()]).values_list("pk", flat=True)
            )
            self.centres |= found
            self._missing |= codes - found.keys()
        codes = {
            to_arabic_digits(code) for code in self._column_values(rows, "subdistrict_code")
        } - self.subdistricts.keys()
        if codes:
            found = Subdistrict.objects.in_bulk(list(codes))
            self.subdistricts |= found
            self._missing |= {f"subdistrict:{code}" for code in codes - found.keys()}

    def _load_keys(self, checked: list) -> None:
        """The national IDs, passports and registration numbers of the chunk that are taken:
        in the database, or by an earlier row of this file."""
        ids, passports, numbers = set(), set(), set()
        for _row, volunteer, registration, errors in checked:
            if volunteer["national_id"] and "national_id" not in errors:
                ids.add(volunteer["national_id"])
            if volunteer["passport_number"] and "passport_number" not in errors:
                passports.add((volunteer["nationality"], volunteer["passport_number"]))
            if registration["number"] and "registration_number" not in errors:
                numbers.add((registration["programme"], registration["number"]))
        self.existing_ids = {i for (i,) in _taken(Volunteer, ["national_id"], "national_id", ids)}
        self.existing_passports = _taken(Volunteer, ["nationality", "passport_number"],
                                         "passport_number", {p for _c, p in passports})  # fmt: skip
        self.existing_numbers = _taken_numbers(numbers)
        self.seen_ids, self.seen_passports, self.seen_numbers = {}, {}, {}
        self._loaded_seen = set()
        if not self._seen_table:
            return
        keys = [_seen_key("n", v) for v in ids]
        keys += [_seen_key("p", *v) for v in passports] + [_seen_key("r", *v) for v in numbers]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, row FROM pg_temp.{_SEEN_TABLE} "  # noqa: S608 (a constant)
                           "WHERE key = ANY(%s)", [keys])  # fmt: skip
            found = cursor.fetchall()
        tables = {"n": self.seen_ids, "p": self.seen_passports, "r": self.seen_numbers}
        self._loaded_seen = {key for key, _number in found}
        for key, number in found:
            kind, *value = key.split("\x1f")
            tables[kind][value[0] if kind == "n" else tuple(value)] = number

    def _remember_seen(self) -> None:
        """Keep this chunk's keys for the chunks after it, in a temporary table."""
        seen = {_seen_key("n", k): n for k, n in self.seen_ids.items()}
        seen |= {_seen_key("p", *k): n for k, n in self.seen_passports.items()}
        seen |= {_seen_key("r", *k): n for k, n in self.seen_numbers.items()}
        # Those read from the table are there already: the others are new (a plain INSERT,
        # cheaper than one that must look for conflicts).
        for key in self._loaded_seen:
            seen.pop(key, None)
        with connection.cursor() as cursor:
            if not self._seen_table:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_SEEN_TABLE}")
                cursor.execute(f"CREATE TEMPORARY TABLE {_SEEN_TABLE} "
                               "(key text PRIMARY KEY, row integer NOT NULL)")  # fmt: skip
                self._seen_table = True
            cursor.execute(
                f"INSERT INTO pg_temp.{_SEEN_TABLE} "  # noqa: S608 (a constant)
                "SELECT * FROM unnest(%s::text[], %s::int[])",
                [list(seen), list(seen.values())],
            )

    def finish(self) -> None:
        if self._seen_table:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_SEEN_TABLE}")
            self._seen_table = False

    # -- one row

    def _outcome(self, column: Column, cell) -> tuple:
        """What a cell gives, as check() uses it: (PARSED, the value as the file gives it, the
        value the model holds once its field has cleaned it, the field's error list or None),
        or (PARSE_ERROR, None, None, the messages)."""
        try:
            value = self._parse_cell(column, cell)
        except ValidationError as error:
            return _PARSE_ERROR, None, None, _messages(error)
        if value == "" and column.model_field in _NULLABLE:
            value = None
        model = Volunteer if column.key in _VOLUNTEER_KEYS else Registration
        if column.model_field in _ALWAYS_EXCLUDED:
            # Resolved from the preloaded tables: no query per row to check them again.
            return _PARSED, value, value, None
        f = model._meta.get_field(column.model_field)
        if column.model_field in self._plain_fields[model]:
            kind, cleaned = _clean_value(f, value)
        else:  # a descriptor turns what is set into something else (a Country): set it
            kind, cleaned = _clean_field(model(**{column.model_field: value}), f)
        if kind == "ok":
            return _PARSED, value, cleaned, None
        if kind == "error":
            return _PARSED, value, value, cleaned
        return _PARSED, value, value, None

    def _parse_cell(self, column: Column, value):
        text = cell_text(value)
        if column.kind == "date":
            return parse_date_cell(value)
        if column.kind == "choice":
            if not text:
                return Registration.Status.ACTIVE if column.key == "status" else ""
            table, shown = self.choices[column.key]
            if _choice_key(text) not in table:
                raise ValidationError(
                    _("«%(value)s» is not one of: %(choices)s.")
                    % {"value": text, "choices": ", ".join(shown)}
                )
            return table[_choice_key(text)]
        if column.kind == "country":
            if not text:
                return ""
            code = thai_countries.find(text)
            if not code:
                raise ValidationError(
                    _("No country is called «%(value)s»: write its code, such as JP or MM.")
                    % {"value": text}
                )
            return code
        if column.kind == "centre":
            if not text:
                raise ValidationError(_("Give the code of the centre, such as BKN."))
            centre = self.centres.get(text.upper())
            if centre is None:
                raise ValidationError(_("No centre has the code «%(code)s».") % {"code": text})
            if centre.pk not in self.allowed_centres:
                raise ValidationError(
                    _("The centre «%(code)s» is not one of your centres.") % {"code": text}
                )
            return centre
        if column.kind == "subdistrict":
            if not text:
                return None
            text = to_arabic_digits(text)
            if text not in self.subdistricts:
                raise ValidationError(
                    _("No subdistrict has the code «%(code)s» (6 digits, as in DOPA's list).")
                    % {"code": text}
                )
            return self.subdistricts[text]
        return text

    def _volunteer_clean(self, held: dict) -> tuple[dict | None, str]:
        """Volunteer.clean() on the row's values: its errors (by field) and the postcode it
        leaves. Its outcome is kept for each combination of what it reads (_VOLUNTEER_READS)."""
        key = tuple(bool(held[n]) if n in _READ_AS_TRUTH else held[n] for n in _VOLUNTEER_READS)
        outcome = self._clean_memo[Volunteer].get(key)
        if outcome is None:
            volunteer = Volunteer(**{n: held[n] for n in _VOLUNTEER_READS})
            try:
                volunteer.clean()
            except ValidationError as error:
                outcome = error.error_dict, volunteer.postcode
            else:
                outcome = None, volunteer.postcode
            _remember(self._clean_memo[Volunteer], key, outcome)
        return outcome

    def _registration_clean(self, held: dict, volunteer: dict) -> dict | None:
        """Registration.clean() on the row's values, kept like _volunteer_clean's."""
        key = (
            *(bool(held[n]) if n in _READ_AS_TRUTH else held[n] for n in _REGISTRATION_READS),
            *(bool(volunteer[n]) if n in _READ_AS_TRUTH else volunteer[n]
              for n in _REGISTRATION_VOLUNTEER_READS),
        )  # fmt: skip
        memo = self._clean_memo[Registration]
        if key in memo:
            return memo[key]
        registration = Registration(
            volunteer=Volunteer(**{n: volunteer[n] for n in _REGISTRATION_VOLUNTEER_READS}),
            **{n: held[n] for n in _REGISTRATION_READS},
        )
        try:
            registration.clean()
        except ValidationError as error:
            outcome = error.error_dict
        else:
            outcome = None
        _remember(memo, key, outcome)
        return outcome

    def check(self, row: RowReport) -> tuple[dict, dict, dict[str, list[str]]]:
        """The row's volunteer and registration (their fields' values by name), and its errors
        but duplicates.

        The rules are the models' own, taken as Model.full_clean(exclude=the columns that
        could not be read, validate_unique=False) takes them: each field's clean(), then
        clean(), the volunteer's before the registration's, with the same messages in the same
        order. A cell's outcome is kept per column and value, and clean()'s per combination of
        the values it reads, so that a row costs some dictionary look-ups."""
        cells = row.cells
        count = len(cells)
        volunteer = self._defaults[Volunteer].copy()
        registration = self._defaults[Registration].copy()
        for model, name, f in self._per_row_defaults:
            (volunteer if model is Volunteer else registration)[name] = f.get_default()
        parse_errors = field_errors = None
        label = self._label.copy()
        for column, index, memo, into, name, order, labelled in self.slots:
            cell = cells[index] if index < count else None
            key = cell if type(cell) is str else (type(cell), cell)
            try:
                outcome = memo[key]
            except KeyError:
                outcome = self._outcome(column, cell)
                _remember(memo, key, outcome)
            except TypeError:  # not hashable: never met in a CSV, nor in openpyxl's values
                outcome = self._outcome(column, cell)
            status, parsed, held, errors = outcome
            if status is _PARSE_ERROR:
                if parse_errors is None:
                    parse_errors = {}
                parse_errors[column.key] = errors
                continue
            (volunteer if into is Volunteer else registration)[name] = held
            if labelled:
                label[column.key] = parsed
            if errors is not None:
                if field_errors is None:
                    field_errors = []
                field_errors.append((order, name, errors))
        identity = label["national_id"] or label["passport_number"]
        row.label = " ".join(filter(None, [label["first_name"], label["last_name"], identity]))
        volunteer_errors, volunteer["postcode"] = self._volunteer_clean(volunteer)
        registration_errors = self._registration_clean(registration, volunteer)
        if (parse_errors is None and field_errors is None and volunteer_errors is None
                and registration_errors is None and not self._default_errors):  # fmt: skip
            return volunteer, registration, {}
        return volunteer, registration, self._errors(
            parse_errors or {}, [*(field_errors or ()), *self._default_errors],
            volunteer_errors, registration_errors,
        )  # fmt: skip

    def _errors(self, errors, field_errors, volunteer_errors, registration_errors):
        """A row's messages by column key, in the order full_clean() gives them."""
        field_errors.sort(key=lambda error: error[0])
        for model, clean_errors in ((Volunteer, volunteer_errors),
                                    (Registration, registration_errors)):  # fmt: skip
            found: dict[str, list] = {}
            for (owner, _position), name, error_list in field_errors:
                if owner == (model is Registration):
                    found.setdefault(name, []).extend(error_list)
            for name, error_list in (clean_errors or {}).items():
                found.setdefault(name, []).extend(error_list)
            for name, messages in found.items():
                column = _COLUMN_BY_FIELD.get((model, name))
                key = column.key if column and name != NON_FIELD_ERRORS else ""
                if "birth_date" in errors:
                    # The birth date is there but wrong: its own message says so.
                    messages = [e for e in messages if e.code != BIRTH_DATE_REQUIRED]
                for error in messages:
                    errors.setdefault(key, []).extend(error.messages)
        return errors

    def _check_duplicates(self, row, volunteer, registration, errors):
        checks = [
            ("national_id", self.existing_ids, self.seen_ids, volunteer["national_id"]),
            ("passport_number", self.existing_passports, self.seen_passports,
             volunteer["passport_number"] and (volunteer["nationality"],
                                               volunteer["passport_number"])),
            ("registration_number", self.existing_numbers, self.seen_numbers,
             registration["number"] and (registration["programme"], registration["number"])),
        ]  # fmt: skip
        for key, existing, seen, value in checks:
            if not value or key in errors:
                continue
            # The file's own rows first: those of earlier chunks are in the database by now.
            if value in seen:
                errors[key] = [
                    gettext("The same as row %(row)d of this file.") % {"row": seen[value]}
                ]
            elif value in existing:
                errors[key] = [str(DUPLICATE_MESSAGES[key])]
            else:
                seen[value] = row.number

    def check_chunk(self, rows: list[RowReport]) -> list[tuple[RowReport, dict, dict]]:
        """Check the rows of a chunk; the valid ones with their volunteer and registration."""
        self._prepare(rows)
        checked = [(row, *self.check(row)) for row in rows]
        self._load_keys(checked)
        valid = []
        for row, volunteer, registration, errors in checked:
            self._check_duplicates(row, volunteer, registration, errors)
            row.errors = [(self._shown(key), message)
                          for key, messages in errors.items() for message in messages]  # fmt: skip
            if not row.errors:
                valid.append((row, volunteer, registration))
        return valid

    # -- writing

    def save_chunk(self, valid: list[tuple[RowReport, dict, dict]], *, more: bool,
                   write: bool = True) -> None:  # fmt: skip
        """Write the chunk's valid rows with COPY, in one savepoint; should the database refuse
        one (someone saved the same person since the checks ran), row by row to find which.
        ``more``: chunks follow, which must know this one's keys. ``write=False`` (a dry run):
        the checks are done, nothing is written."""
        if more:
            self._remember_seen()
        if not valid or not write:
            return
        try:
            with transaction.atomic():
                self._copy(valid)
        except IntegrityError:
            for row, volunteer, registration in valid:
                self.save(row, volunteer, registration)
        else:
            for row, _volunteer, _registration in valid:
                row.saved = True

    def _copy(self, valid) -> None:
        if self._sequences is None:
            self._sequences = tuple(
                _sequence(model) for model in (Volunteer, Registration)
            )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s), nextval(%s) FROM generate_series(1, %s)",
                           [*self._sequences, len(valid)])  # fmt: skip
            people, registrations = [], []
            text = self._copy_text
            (volunteer_texts, volunteer_varying), (registration_texts, registration_varying) = (
                self._copy_template(model) for model in (Volunteer, Registration)
            )
            for (_row, volunteer, registration), (first, second) in zip(
                valid, cursor.fetchall(), strict=True
            ):
                volunteer["id"] = first
                registration["id"], registration["volunteer"] = second, first
                for texts, varying, values, lines in (
                    (volunteer_texts, volunteer_varying, volunteer, people),
                    (registration_texts, registration_varying, registration, registrations),
                ):
                    line = texts.copy()
                    for position, name in varying:
                        line[position] = text(values[name])
                    lines.append("\t".join(line))
            for model, lines in ((Volunteer, people), (Registration, registrations)):
                _copy_lines(cursor, model, lines)

    def _copy_template(self, model) -> tuple[list[str], list[tuple[int, str]]]:
        """A COPY line of ``model`` as a list of texts, with what every row has (the defaults
        of the fields the file has no column for), and the fields that vary from row to row
        (position, name)."""
        if model not in self._copy_templates:
            varying = {c.model_field for c, _index, in self.positions if (
                c.key in _VOLUNTEER_KEYS) == (model is Volunteer)}  # fmt: skip
            varying |= {name for owner, name, _f in self._per_row_defaults if owner is model}
            varying |= {"id", "volunteer" if model is Registration else "postcode"}
            names = self._copy_fields[model]
            defaults = self._defaults[model]
            self._copy_templates[model] = (
                [self._copy_text(defaults[n]) if n not in varying else "" for n in names],
                [(position, n) for position, n in enumerate(names) if n in varying],
            )
        return self._copy_templates[model]

    def _copy_text(self, value) -> str:
        """A value as COPY's text format has it, dates written once each."""
        if type(value) is str:
            return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value
        if value is None:
            return "\\N"
        if type(value) is dt.date:
            text = self._day_texts.get(value)
            if text is None:
                text = value.isoformat()
                _remember(self._day_texts, value, text)
            return text
        if isinstance(value, Centre | Subdistrict):
            return str(value.pk)
        return _copy_value(value)

    def save(self, row: RowReport, volunteer_values: dict, registration_values: dict) -> None:
        volunteer = Volunteer(**{**volunteer_values, "id": None})
        registration = Registration(**{**registration_values, "id": None, "volunteer": volunteer})
        try:
            with transaction.atomic():
                volunteer.save()
                registration.volunteer = volunteer
                registration.save()
        except IntegrityError as error:
            # Someone may have saved the same person since the checks ran: the database's
            # unique indexes have the last word.
            name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or ""
            for key, fragment in _CONSTRAINT_KEYS.items():
                if fragment in name:
                    row.errors.append((self._shown(key), str(DUPLICATE_MESSAGES[key])))
                    return
            row.errors.append(
                ("", gettext("The database refused this row (%(rule)s).") % {"rule": name or error})
            )
        else:
            row.saved = True


def _taken(model, fields: list[str], field: str, values: set) -> set[tuple]:
    """``fields`` of the rows of ``model`` whose ``field`` is one of ``values``. The values go
    as one array rather than a parameter each: a chunk has thousands, which the ORM's ``__in``
    would spend more time making into SQL than the database answering it."""
    if not values:
        return set()
    quote, meta = connection.ops.quote_name, model._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608 (names from the models)
            f"WHERE {quote(meta.get_field(field).column)} = ANY(%s)",
            [list(values)],
        )
        return set(cursor.fetchall())


def _taken_numbers(numbers: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (programme, registration number) pairs of ``numbers`` already registered: looked up
    by pair in the unique index of the pairs (by number alone, thousands of them, PostgreSQL
    reads the whole table)."""
    if not numbers:
        return set()
    quote, meta = connection.ops.quote_name, Registration._meta
    programme, number = (quote(meta.get_field(name).column) for name in ("programme", "number"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {programme}, {number} FROM {quote(meta.db_table)} "  # noqa: S608 (names)
            f"WHERE ({programme}, {number}) IN (SELECT * FROM unnest(%s::text[], %s::text[])) "
            f"AND {number} <> ''",  # the unique index's condition: no pair here has it empty
            [[p for p, _n in numbers], [n for _p, n in numbers]],
        )
        return set(cursor.fetchall())


def _remember(memo: dict, key, value) -> None:
    if len(memo) >= _CACHE_LIMIT:
        memo.clear()
    memo[key] = value


def _clean_value(f, value) -> tuple[str, object]:
    """_clean_field for a field that holds what is set, without an instance to hold it."""
    if f.blank and value in f.empty_values:
        return "skip", None
    try:
        return "ok", f.clean(value, None)
    except ValidationError as error:
        return "error", error.error_list


def _sequence(model) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)",
                       [model._meta.db_table, model._meta.pk.column])  # fmt: skip
        return cursor.fetchone()[0]


# COPY's text format: a backslash, tab, line feed or carriage return in a value is escaped.
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):  # and datetimes, aware: with their offset
        return value.isoformat()
    text = str(value)
    return text.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(text) else text


def _copy_lines(cursor, model, lines: list[str]) -> None:
    """INSERT rows of ``model`` with one COPY: each line its concrete fields' values, in
    their order, in PostgreSQL's text format."""
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)
    with connection.wrap_database_errors:
        cursor.copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN",
            io.StringIO("\n".join(lines) + "\n"),
        )


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
