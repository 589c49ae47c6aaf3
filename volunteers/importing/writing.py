"""Writing the valid rows of a chunk: with COPY, or row by row to find the one the database
refuses."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext

from centres.models import Centre, Subdistrict
from volunteers.models import Registration, Volunteer

from ._common import _remember
from .columns import _CONSTRAINT_KEYS, _VOLUNTEER_KEYS, DUPLICATE_MESSAGES
from .report import RowReport


class _Writing:
    """The part of _Importer that writes a chunk's valid rows."""

    def save_chunk(
        self, valid: list[tuple[RowReport, dict, dict]], *, more: bool, write: bool = True
    ) -> None:
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
            self._sequences = tuple(_sequence(model) for model in (Volunteer, Registration))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(%s), nextval(%s) FROM generate_series(1, %s)",
                [*self._sequences, len(valid)],
            )
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
            varying = {
                c.model_field
                for c, _index in self.positions
                if (c.key in _VOLUNTEER_KEYS) == (model is Volunteer)
            }
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


def _sequence(model) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
        )
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
