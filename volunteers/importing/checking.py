"""Checking a chunk of rows against the tables: the centres and subdistricts it names, and the
national IDs, passports and registration numbers already taken, in the database or by an
earlier row of the file."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext

from centres.models import Centre, Subdistrict
from volunteer_centre.thai import to_arabic_digits
from volunteers.models import Registration, Volunteer

from .columns import DUPLICATE_MESSAGES, cell_text
from .report import RowReport

_SEEN_TABLE = "volunteer_import_seen"


def _seen_key(kind: str, *value: str) -> str:
    # One text key for the three kinds: n(ational ID), p(assport: country, number),
    # r(egistration: programme, number).
    return "\x1f".join([kind, *value])


class _ChunkChecks:
    """The part of _Importer that reads what a chunk refers to and checks its rows."""

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
            allowed = (
                Centre.objects.all()
                if self.actor is None
                else Centre.objects.writable_by(self.actor)
            )
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
        self.existing_passports = _taken(
            Volunteer,
            ["nationality", "passport_number"],
            "passport_number",
            {p for _c, p in passports},
        )
        self.existing_numbers = _taken_numbers(numbers)
        self.seen_ids, self.seen_passports, self.seen_numbers = {}, {}, {}
        self._loaded_seen = set()
        if not self._seen_table:
            return
        keys = [_seen_key("n", v) for v in ids]
        keys += [_seen_key("p", *v) for v in passports] + [_seen_key("r", *v) for v in numbers]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key, row FROM pg_temp.{_SEEN_TABLE} "  # noqa: S608 (a constant)
                "WHERE key = ANY(%s)",
                [keys],
            )
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
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {_SEEN_TABLE} "
                    "(key text PRIMARY KEY, row integer NOT NULL)"
                )
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

    def _check_duplicates(self, row, volunteer, registration, errors):
        checks = [
            ("national_id", self.existing_ids, self.seen_ids, volunteer["national_id"]),
            (
                "passport_number",
                self.existing_passports,
                self.seen_passports,
                volunteer["passport_number"]
                and (volunteer["nationality"], volunteer["passport_number"]),
            ),
            (
                "registration_number",
                self.existing_numbers,
                self.seen_numbers,
                registration["number"] and (registration["programme"], registration["number"]),
            ),
        ]
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
            row.errors = [
                (self._shown(key), message)
                for key, messages in errors.items()
                for message in messages
            ]
            if not row.errors:
                valid.append((row, volunteer, registration))
        return valid


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
