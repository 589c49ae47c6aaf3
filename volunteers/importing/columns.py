"""The columns of an import file (and of the export), their English and Thai headers, the
file's headers mapped to them, and a cell read as text (undoing safe_cell's defusing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from volunteers.models import Registration, Volunteer

from .files import ImportFileError


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


_VOLUNTEER_KEYS = frozenset(c.key for c in VOLUNTEER_COLUMNS)


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
