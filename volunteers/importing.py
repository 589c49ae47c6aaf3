"""Importing volunteers from CSV or XLSX, and the columns shared with the export.

One row of a file is one person and one registration, saved together or not at all. The admin's
import page and ``manage.py import_volunteers`` both call ``volunteers_import``:

- by default every row is saved or none is (one transaction, rolled back on any rejected row);
- with ``partial=True`` the valid rows are saved and the rejected ones come back as a file with
  an error column (each row in its own savepoint, so a row is never half saved);
- with ``dry_run=True`` everything runs, database checks included, and is rolled back.

Column headers may be the English keys (``national_id``) or the Thai names the export writes in
Thai (เลขประจำตัวประชาชน). Cleaning is the models' own (``full_clean``), so the admin, the staff
forms and the import refuse the same things with the same messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from centres.models import Centre, Subdistrict
from volunteer_centre.identity import format_national_id, format_phone, normalise_national_id
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
from volunteers.validation import normalise_passport_number, normalise_registration_number

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
    rows: list[list]  # data rows; row i is line i + 2 of the spreadsheet (the header is 1)
    format: str  # "csv" or "xlsx"


_ZIP_MAGIC = b"PK\x03\x04"
# Old Excel (.xls), PDF and images: say what the file is not, rather than "bad CSV".
_BINARY_MAGIC = (b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def read_table(content: bytes, file_name: str) -> Table:
    """Read the first sheet of an XLSX file or a CSV file (UTF-8, or Windows Thai cp874)."""
    suffix = PurePath(file_name or "").suffix.lower()
    not_ours = ImportFileError(
        _("Only CSV and XLSX files can be imported: «%(name)s» is neither.") % {"name": file_name}
    )
    if suffix == ".xlsx" or (content.startswith(_ZIP_MAGIC) and suffix != ".csv"):
        if not content.startswith(_ZIP_MAGIC):
            raise not_ours
        try:
            dataset = XLSX().create_dataset(content)
        except Exception as error:  # openpyxl raises many kinds on a damaged workbook
            raise ImportFileError(
                _("This Excel file cannot be read: save it again as .xlsx or .csv.")
            ) from error
        return Table(list(dataset.headers or []), [list(row) for row in dataset], "xlsx")
    if suffix not in (".csv", ".txt", ""):
        raise not_ours
    if b"\x00" in content[:4096] or content.startswith((_ZIP_MAGIC, *_BINARY_MAGIC)):
        raise not_ours
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Thai Windows saves CSV in the Thai code page.
        text = content.decode("cp874", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    if not rows:
        raise ImportFileError(_("The file is empty."))
    return Table(rows[0], rows[1:], "csv")


def write_table(headers: list, rows: list[list], file_format: str) -> bytes:
    """A CSV (UTF-8 with the byte-order mark Excel needs for Thai) or XLSX file."""
    dataset = tablib.Dataset(*rows, headers=headers)
    if file_format == "xlsx":
        return XLSX().export_data(dataset)
    return CSV().export_data(dataset).encode("utf-8-sig")


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
_AT = {c.key: i for i, c in enumerate(COLUMNS)}
_DATES = [i for i, c in enumerate(COLUMNS) if c.kind == "date"]
# Written by their Thai names in Thai (the import reads both).
_NAMED = [(i, c.key) for i, c in enumerate(COLUMNS) if c.kind in ("choice", "country")]
_NO_REGISTRATION = ("",) * len(REGISTRATION_COLUMNS)


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

    def _day(self, value) -> str:
        if not value:
            return ""
        if self.thai:
            return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"
        return value.isoformat()

    def row(self, volunteer: tuple, registration: tuple | None) -> list[str]:
        """The cells of ``volunteer`` with ``registration`` (None: the registration's cells are
        empty), in the order of COLUMNS."""
        cells = [*volunteer, *(registration or _NO_REGISTRATION)]
        cells[_NATIONAL_ID] = format_national_id(cells[_NATIONAL_ID] or "")
        cells[_PHONE] = format_phone(cells[_PHONE])
        cells[_SUBDISTRICT] = cells[_SUBDISTRICT] or ""
        day = self._day
        for i in _DATES:
            cells[i] = day(cells[i]) if cells[i] else ""
        if self.thai:
            for i, key in _NAMED:
                if cells[i]:
                    cells[i] = self._name(key, cells[i])
        return safe_texts(cells)


_NATIONAL_ID, _PHONE, _SUBDISTRICT = _AT["national_id"], _AT["phone"], _AT["subdistrict_code"]


# -- the report -----------------------------------------------------------------------------------


@dataclass
class RowReport:
    number: int  # the row's line in the spreadsheet; the header is line 1
    cells: list
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    label: str = ""
    saved: bool = False


@dataclass
class ImportReport:
    file_name: str
    format: str
    headers: list
    dry_run: bool
    partial: bool
    rows: list[RowReport] = field(default_factory=list)
    blank_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def rejected(self) -> list[RowReport]:
        return [row for row in self.rows if row.errors]

    @property
    def valid(self) -> list[RowReport]:
        return [row for row in self.rows if not row.errors]

    @property
    def saved_count(self) -> int:
        return sum(row.saved for row in self.rows)

    def error_lines(self) -> list[str]:
        return [
            gettext("Row %(row)d, %(column)s: %(message)s")
            % {"row": row.number, "column": column, "message": message}
            if column
            else gettext("Row %(row)d: %(message)s") % {"row": row.number, "message": message}
            for row in self.rejected
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
            "rows": len(self.rows),
            "valid": len(self.valid),
            "rejected": len(self.rejected),
            "saved": self.saved_count,
        }
        if self.blank_rows:
            text += " " + gettext("%(blank)d blank rows skipped.") % {"blank": self.blank_rows}
        return text

    def rejects_file(self) -> bytes:
        """The rejected rows as they came, with their row number and errors appended."""
        # The cells go back as they came, but defused: they are what someone else typed.
        rows = [
            [safe_cell(cell) for cell in row.cells]
            + [row.number, safe_cell("; ".join(f"{c}: {m}" if c else m for c, m in row.errors))]
            for row in self.rejected
        ]
        headers = [*self.headers, header(ROW_COLUMN), header(ERRORS_COLUMN)]
        return write_table(headers, rows, self.format)

    def rejects_file_name(self) -> str:
        stem = PurePath(self.file_name).stem or "volunteers"
        return f"{stem}-rejected.{self.format}"

    def as_json(self) -> dict:
        return {
            "summary": self.summary(),
            "rows": len(self.rows),
            "valid": len(self.valid),
            "rejected": len(self.rejected),
            "saved": self.saved_count,
            "blank_rows": self.blank_rows,
            "committed": self.committed,
            "warnings": self.warnings,
            "errors": self.error_lines(),
            "preview": [
                {"row": row.number, "label": row.label, "saved": row.saved,
                 "errors": [f"{c}: {m}" if c else m for c, m in row.errors]}
                for row in self.rows[:PREVIEW_ROWS]
            ],
        }  # fmt: skip


PREVIEW_ROWS = 500


# -- the import -----------------------------------------------------------------------------------


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


def _try(normalise, value: str) -> str:
    try:
        return normalise(value)
    except ValidationError:
        return ""


class _Importer:
    """Turns rows into a volunteer and a registration each, checks and saves them."""

    def __init__(self, actor, table: Table, positions: dict[str, int], shown: dict[str, str]):
        self.positions = positions
        self.shown = shown
        self.choices = {kind: build() for kind, build in _CHOICES.items()}

        def column_values(key):
            index = positions.get(key)
            if index is None:
                return set()
            return {cell_text(row[index]) for row in table.rows if index < len(row)} - {""}

        codes = {c.upper() for c in column_values("centre_code")}
        self.centres = {c.code.upper(): c for c in Centre.objects.filter(code__in=codes)}
        allowed = Centre.objects.all() if actor is None else Centre.objects.writable_by(actor)
        self.allowed_centres = set(
            allowed.filter(pk__in=[c.pk for c in self.centres.values()]).values_list(
                "pk", flat=True
            )
        )
        self.subdistricts = Subdistrict.objects.in_bulk(
            [to_arabic_digits(code) for code in column_values("subdistrict_code")]
        )

        # Every key already in the database, in one query each; rows of this file are added to
        # the "seen" tables as they go, with their row number for the message.
        def normalised(key, normalise):
            return {_try(normalise, value) for value in column_values(key)} - {""}

        ids = normalised("national_id", normalise_national_id)
        self.existing_ids = set(
            Volunteer.objects.filter(national_id__in=ids).values_list("national_id", flat=True)
        )
        passports = normalised("passport_number", normalise_passport_number)
        self.existing_passports = set(
            Volunteer.objects.filter(passport_number__in=passports).values_list(
                "nationality", "passport_number"
            )
        )
        numbers = normalised("registration_number", normalise_registration_number)
        self.existing_numbers = set(
            Registration.objects.filter(number__in=numbers).values_list("programme", "number")
        )
        self.seen_ids: dict[str, int] = {}
        self.seen_passports: dict[tuple[str, str], int] = {}
        self.seen_numbers: dict[tuple[str, str], int] = {}

    def _shown(self, key: str) -> str:
        if not key:
            return ""
        return self.shown.get(key) or header(COLUMN_BY_KEY[key])

    def _parse(self, column: Column, value):
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

    def check(self, row: RowReport) -> tuple[Volunteer, Registration] | None:
        errors: dict[str, list[str]] = {}
        values = {}
        for key, index in self.positions.items():
            if key in (ROW_COLUMN.key, ERRORS_COLUMN.key):
                continue
            column = COLUMN_BY_KEY[key]
            cell = row.cells[index] if index < len(row.cells) else None
            try:
                value = self._parse(column, cell)
            except ValidationError as error:
                errors[key] = _messages(error)
                continue
            if value == "" and column.model_field in _NULLABLE:
                value = None
            values[column] = value
        volunteer = Volunteer(
            **{c.model_field: v for c, v in values.items() if c in VOLUNTEER_COLUMNS}
        )
        registration = Registration(
            volunteer=volunteer,
            **{c.model_field: v for c, v in values.items() if c in REGISTRATION_COLUMNS},
        )
        identity = volunteer.national_id or volunteer.passport_number or ""
        row.label = " ".join(filter(None, [volunteer.first_name, volunteer.last_name, identity]))
        for model, instance in ((Volunteer, volunteer), (Registration, registration)):
            exclude = [
                c.model_field
                for c in COLUMNS
                if c.key in errors and (model, c.model_field) in _COLUMN_BY_FIELD
            ]
            # Already resolved from the preloaded tables: no query per row to check them again.
            exclude += ["volunteer", "centre", "subdistrict"]
            try:
                instance.full_clean(
                    exclude=exclude, validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                for name, field_errors in error.error_dict.items():
                    column = _COLUMN_BY_FIELD.get((model, name))
                    key = column.key if column else ""
                    if name == NON_FIELD_ERRORS or column is None:
                        key = ""
                    if "birth_date" in errors:
                        # The birth date is there but wrong: its own message says so.
                        field_errors = [e for e in field_errors if e.code != BIRTH_DATE_REQUIRED]
                    for field_error in field_errors:
                        errors.setdefault(key, []).extend(field_error.messages)
        self._check_duplicates(row, volunteer, registration, errors)
        row.errors = [
            (self._shown(key), message) for key, messages in errors.items() for message in messages
        ]
        return None if row.errors else (volunteer, registration)

    def _check_duplicates(self, row, volunteer, registration, errors):
        checks = [
            ("national_id", self.existing_ids, self.seen_ids, volunteer.national_id),
            ("passport_number", self.existing_passports, self.seen_passports,
             volunteer.passport_number and (volunteer.nationality.code, volunteer.passport_number)),
            ("registration_number", self.existing_numbers, self.seen_numbers,
             registration.number and (registration.programme, registration.number)),
        ]  # fmt: skip
        for key, existing, seen, value in checks:
            if not value or key in errors:
                continue
            if value in existing:
                errors[key] = [str(DUPLICATE_MESSAGES[key])]
            elif value in seen:
                errors[key] = [
                    gettext("The same as row %(row)d of this file.") % {"row": seen[value]}
                ]
            else:
                seen[value] = row.number

    def save(self, row: RowReport, volunteer: Volunteer, registration: Registration) -> None:
        try:
            with transaction.atomic():
                volunteer.save()
                registration.volunteer = volunteer
                registration.save()
        except IntegrityError as error:
            volunteer.pk = None
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


def _blank(cells: list) -> bool:
    return all(not cell_text(cell) for cell in cells)


def volunteers_import(
    *,
    actor,
    content: bytes,
    file_name: str,
    partial: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a CSV or XLSX file of volunteers, one person and one registration per row.

    ``actor`` is the user importing (None for the command line, which may use every centre);
    centre codes outside their scope are refused. Raises ImportFileError when the file as a
    whole cannot be read; row problems are in the report, with the row, column and message.
    ``progress(done, total)`` is called after each row.
    """
    table = read_table(content, file_name)
    positions, warnings, shown = _map_headers(table.headers)
    report = ImportReport(
        file_name=file_name,
        format=table.format,
        headers=list(table.headers),
        dry_run=dry_run,
        partial=partial,
        warnings=warnings,
    )
    importer = _Importer(actor, table, positions, shown)
    total = len(table.rows)
    with transaction.atomic():
        for index, cells in enumerate(table.rows):
            if _blank(cells):
                report.blank_rows += 1
            else:
                row = RowReport(number=index + 2, cells=list(cells))
                report.rows.append(row)
                checked = importer.check(row)
                if checked is not None:
                    importer.save(row, *checked)
            if progress is not None:
                progress(index + 1, total)
        report.committed = not dry_run and (partial or not report.rejected)
        if not report.committed:
            transaction.set_rollback(True)
    if not report.committed:
        for row in report.rows:
            row.saved = False
    return report
