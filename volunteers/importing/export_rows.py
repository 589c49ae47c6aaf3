"""The export side: one volunteer and one of their registrations as a row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import cached_property

from django.utils import translation

from volunteer_centre.identity import format_national_id, format_phone
from volunteer_centre.spreadsheets import safe_texts
from volunteer_centre.thai import BE_OFFSET
from volunteers.models import Registration, Volunteer

from .columns import COLUMNS, REGISTRATION_COLUMNS, VOLUNTEER_COLUMNS, header

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
